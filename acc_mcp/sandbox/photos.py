"""Photos (construction/photos/v1): `POST photos:filter` with its cursor, `GET photos/:id`, and the image bytes.

`photos:filter` pages with an opaque `cursorState`: each page that has more after it carries
`pagination.nextPost = {url, body: {cursorState}}`, and posting that body to that url returns the next page
(the reference: "if provided, all other body parameters are ignored"). The cursor is base64url JSON of the
whole query plus the sort key of the last photo returned (keyset, so pages never overlap or skip), sealed with
an HMAC so a hand-edited cursor is a 400. The key comes from the world seed: the same query gives the same
cursor in every sandbox built from that world.

`signedUrls` point back at this sandbox under `/sandbox-files/photos/…` (outside the bearer-token gateway, as
S3 is) with an expiry and an HMAC signature under a per-app secret; a missing, altered or expired signature is
a 403 with S3's XML error body. `urls` are served behind the gateway and need the bearer token, as documented.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..endpoints import endpoint
from .engine import Ctx, Get, Handle, Row, by_id, mount
from .http import ApiError, in_range, json_body, ok, parse_range, query_list, require_project, s3_error, state_of
from .pages import Sealer, body_window, keyset_page
from .photos_data import MEDIA_TYPES, PhotosData, asset_bytes, asset_name, build
from .sorting import check, order, parse_pair
from .world import World

ENDPOINT = endpoint("photos.photos.filter")
DEFAULT_LIMIT = ENDPOINT.default_limit or 25
KEYSET = {"createdAt": lambda p: p["createdAt"], "takenAt": lambda p: p["takenAt"], "id": lambda p: p["id"]}
"""Sort keys compared exactly as the cursor's keyset compares them (no case-folding)."""
SORT_FIELDS = ("createdAt", "takenAt")
DEFAULT_SORT = ("createdAt", "desc")
"""Not documented; newest first, as the Photos gallery shows them."""
FILTER_KEYS = ("createdAt", "createdBy", "id", "mediaType", "takenAt", "title")
BODY_KEYS = ("cursorState", "filter", "include", "limit", "sort")
SIGNED_URL_TTL = 900
"""Seconds a signed URL stays valid. The reference's example URLs live 60 s; 15 minutes keeps demo links usable."""


@dataclass
class PhotosState:
    data: PhotosData
    cursor: Sealer
    url_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    ttl: int = SIGNED_URL_TTL
    clock: Callable[[], float] = time.time
    """Wall-clock seconds for URL expiry; a test may swap it to simulate an expired link."""


def seed(world: World) -> PhotosState:
    key = hashlib.sha256(f"{world.seed}:photos-cursor".encode()).digest()
    return PhotosState(build(world), cursor=Sealer(key))


def _state(request: Request) -> PhotosState:
    state: PhotosState = state_of(request, "photos")
    return state


# -- query validation -----------------------------------------------------------------------------------


def _strings(value: Any, name: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"{name} must be an array of strings.")
    bad = [v for v in value if allowed is not None and v not in allowed]
    if bad:
        raise ApiError(400, f"Invalid {name} value {bad[0]!r}. Possible values: {', '.join(allowed or ())}.")
    return value


def _query(body: dict[str, Any]) -> dict[str, Any]:
    """Validate a fresh photos:filter body into the canonical query the cursor carries."""
    unknown = sorted(set(body) - set(BODY_KEYS))
    if unknown:
        raise ApiError(400, f"Unknown body field {unknown[0]!r}. Allowed: {', '.join(BODY_KEYS)}.")
    filters = body.get("filter") or {}
    if not isinstance(filters, dict):
        raise ApiError(400, "filter must be an object.")
    for key, value in filters.items():
        if key not in FILTER_KEYS:
            raise ApiError(400, f"Unknown filter {key!r}. Supported filters: {', '.join(FILTER_KEYS)}.")
        if key in ("createdAt", "takenAt", "title") and not isinstance(value, str):
            raise ApiError(400, f"filter.{key} must be a string.")
        if key in ("createdAt", "takenAt"):
            parse_range(value, name=f"filter.{key}")
        if key in ("createdBy", "id", "mediaType"):
            _strings(value, f"filter.{key}", MEDIA_TYPES if key == "mediaType" else None)
    limit, _ = body_window({"limit": body.get("limit", DEFAULT_LIMIT)}, ENDPOINT)
    rules = parse_pair(_strings(body.get("sort") or list(DEFAULT_SORT), "sort"), DEFAULT_SORT)
    check(rules, SORT_FIELDS)
    (name, desc), include = rules[0], _strings(body.get("include") or [], "include", ("signedUrls",))
    return {"filter": filters, "sort": [name, "desc" if desc else "asc"], "limit": limit, "include": include}


def _matches(photo: dict[str, Any], filters: dict[str, Any]) -> bool:
    if photo["deletedAt"] is not None:
        return False
    for key in ("createdAt", "takenAt"):
        if key in filters and not in_range(photo[key], parse_range(filters[key], name=f"filter.{key}")):
            return False
    for key in ("createdBy", "id", "mediaType"):
        if key in filters and photo[key] not in filters[key]:
            return False
    return "title" not in filters or filters["title"].lower() in photo["title"].lower()


def _unseal(state: PhotosState, cursor: Any, project_id: str) -> dict[str, Any]:
    payload = state.cursor.unseal(cursor, "pass back the value from pagination.nextPost.body unchanged.")
    if payload.get("project") != project_id:
        raise ApiError(400, "cursorState belongs to another project.")
    return payload


# -- responses --------------------------------------------------------------------------------------------


def _signed(request: Request, state: PhotosState, photo_id: str, name: str) -> str:
    path = f"/sandbox-files/photos/{photo_id}/{name}"
    params = {
        "response-content-disposition": f'attachment; filename="{name}"',
        "response-content-type": "image/jpeg",
        "X-Amz-Date": datetime.fromtimestamp(state.clock(), UTC).strftime("%Y%m%dT%H%M%SZ"),
        "X-Amz-Expires": str(state.ttl),
    }
    params["X-Amz-Signature"] = _signature(state, path, params)
    return f"{str(request.base_url).rstrip('/')}{path}?{urlencode(params)}"


def _signature(state: PhotosState, path: str, params: dict[str, str]) -> str:
    canonical = path + "\n" + urlencode(sorted((k, v) for k, v in params.items() if k != "X-Amz-Signature"))
    return hmac.new(state.url_secret, canonical.encode(), hashlib.sha256).hexdigest()


def _render(request: Request, state: PhotosState, photo: dict[str, Any], signed: bool) -> dict[str, Any]:
    key = state.data.files[photo["id"]].key
    base = str(request.base_url).rstrip("/")
    names = {"fileUrl": f"{key}.jpg", "thumbnailUrl": f"{key}_t.jpg"}
    out = dict(photo)
    if signed:
        out["signedUrls"] = {k: _signed(request, state, photo["id"], n) for k, n in names.items()}
    out["urls"] = {k: f"{base}/construction/photos/assets/{photo['id']}/{n}" for k, n in names.items()}
    return dict(sorted(out.items()))


async def filter_photos(request: Request) -> Response:
    project = require_project(request)
    state = _state(request)
    body = await json_body(request)
    if "cursorState" in body:
        payload = _unseal(state, body["cursorState"], project["id"])
        query, after = payload["query"], payload["after"]
    else:
        query, after = _query(body), None
    name, desc = query["sort"][0], query["sort"][1] == "desc"
    items = [p for p in state.data.photos.get(project["id"], []) if _matches(p, query["filter"])]
    items = order(items, [(name, desc), ("id", desc)], KEYSET)
    scope = {"project": project["id"], "query": query}
    page = keyset_page(
        request,
        items,
        lambda p: [p[name], p["id"]],
        after,
        desc=desc,
        limit=query["limit"],
        sealer=state.cursor,
        query=scope,
    )
    signed = "signedUrls" in query["include"]
    page["results"] = [_render(request, state, p, signed) for p in page["results"]]
    return ok(page)


def get_photo(c: Ctx) -> dict[str, Any]:
    """One photo; a deleted one is 410 Gone, as the reference documents."""
    state: PhotosState = c.state
    photo_id = c.param("photoId").lower()
    photo = by_id(state.data.photos.get(c.pid, []), photo_id, "Photo", f"project {c.pid}")
    include = _strings(query_list(c.request, "include"), "include", ("signedUrls",))
    if photo["deletedAt"] is not None:
        raise ApiError(410, f"Photo {photo['id']} was deleted on {photo['deletedAt']}.", code="GONE")
    return _render(c.request, state, photo, "signedUrls" in include)


def _jpeg(state: PhotosState, photo_id: str, name: str) -> Response | None:
    file = state.data.files.get(photo_id)
    if file is None or name not in (f"{file.key}.jpg", f"{file.key}_t.jpg"):
        return None
    content = asset_bytes(asset_name(file.scene, thumbnail=name.endswith("_t.jpg")))
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, max-age=900"}
    return Response(content, media_type="image/jpeg", headers=headers)


async def signed_file(request: Request) -> Response:
    """The S3 side of a signed URL: no bearer token, but the signature and expiry must hold."""
    state = _state(request)
    params = dict(request.query_params)
    given = params.get("X-Amz-Signature", "")
    if not given:
        return s3_error(403, "AccessDenied", "Query-string authentication requires the Signature parameter.")
    if not hmac.compare_digest(given, _signature(state, request.url.path, params)):
        return s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    try:
        issued = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        expired = state.clock() > issued + int(params["X-Amz-Expires"])
    except (KeyError, ValueError):
        return s3_error(403, "AccessDenied", "X-Amz-Date and X-Amz-Expires are required.")
    if expired:
        return s3_error(403, "AccessDenied", "Request has expired")
    found = _jpeg(state, request.path_params["photoId"], request.path_params["fileName"])
    return found or s3_error(404, "NoSuchKey", "The specified key does not exist.")


async def api_file(request: Request) -> Response:
    """`urls.fileUrl` / `urls.thumbnailUrl`: the same bytes, behind the bearer-token gateway."""
    found = _jpeg(_state(request), request.path_params["photoId"], request.path_params["fileName"])
    if found is None:
        raise ApiError(404, "The requested media file does not exist.")
    return found


ROWS: list[Row] = [Handle("photos.photos.filter", filter_photos), Get("photos.photos.get", get_photo)]


def routes() -> list[BaseRoute]:
    return [
        *mount("photos", ROWS),
        Route("/construction/photos/assets/{photoId}/{fileName}", api_file, methods=["GET"]),
        Route("/sandbox-files/photos/{photoId}/{fileName}", signed_file, methods=["GET"]),
    ]
