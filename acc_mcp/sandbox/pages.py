"""One paging helper per ACC paging style, with each endpoint's default and maximum limit from the registry.

Styles (names as in `acc_mcp.endpoints`): `offset` — `limit`/`offset` in the query and a `pagination` object
with `nextUrl`/`previousUrl`; `array` — hq v1's bare JSON array; `offset-body` — the same limit/offset in a
JSON body (RFI search), answered without URLs; `cursor` — an opaque `cursorState` in the query (assets);
`cursor-body` — `pagination.nextPost` with the next body (photos). Cursors are sealed with an HMAC, so a
hand-edited one is a 400 rather than a silently different page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from ..endpoints import Endpoint
from .http import ApiError, query_int

Page = dict[str, Any]


def limits(ep: Endpoint, *, default: int | None = None, maximum: int | None = None) -> tuple[int, int]:
    """(default, maximum) limit: the registry's, else the row's override, else the other one."""
    top = ep.max_limit or maximum or ep.default_limit or default or 100
    return ep.default_limit or default or top, top


def query_window(request: Request, ep: Endpoint, **override: int | None) -> tuple[int, int]:
    """`limit` (1..max, default per endpoint) and `offset` (>= 0) from the query string."""
    default, top = limits(ep, **override)
    return query_int(request, "limit", default, minimum=1, maximum=top), query_int(request, "offset", 0)


def body_window(body: dict[str, Any], ep: Endpoint) -> tuple[int, int]:
    """`limit` and `offset` from a JSON body, typed the way a schema-validating API checks them."""
    default, top = limits(ep)
    return _body_int(body, "limit", default, 1, top), _body_int(body, "offset", 0, 0, None)


def _body_int(body: dict[str, Any], key: str, default: int, low: int, high: int | None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, f"{key} must be an integer, got {value!r}.")
    if value < low or (high is not None and value > high):
        raise ApiError(400, f"{key} must be between {low} and {high}, got {value}." if high else f"{key} >= {low}.")
    return value


def page_url(request: Request, **overrides: int | str) -> str:
    params = dict(request.query_params.multi_items())
    params.update({k: str(v) for k, v in overrides.items()})
    return str(request.url.replace(query=urlencode(params)))


def offset_page(request: Request | None, items: Sequence[Any], limit: int, offset: int, *, links: bool = True) -> Page:
    """`{"pagination": {limit, offset, totalResults, nextUrl?, previousUrl?}, "results": […]}`."""
    total = len(items)
    pagination: dict[str, Any] = {"limit": limit, "offset": offset, "totalResults": total}
    if links and request is not None:
        if offset + limit < total:
            pagination["nextUrl"] = page_url(request, limit=limit, offset=offset + limit)
        if offset > 0:
            pagination["previousUrl"] = page_url(request, limit=limit, offset=max(0, offset - limit))
    return {"pagination": pagination, "results": list(items[offset : offset + limit])}


def array_page(request: Request, items: Sequence[Any], ep: Endpoint) -> list[Any]:
    """hq v1: the slice itself, a bare array; a short page is how a client knows it reached the end."""
    limit, offset = query_window(request, ep)
    return list(items[offset : offset + limit])


class Sealer:
    """Opaque, tamper-evident cursors: base64url JSON plus a truncated HMAC under a per-world key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def _tag(self, body: str) -> str:
        return _b64(hmac.new(self.key, body.encode(), hashlib.sha256).digest()[:12])

    def seal(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._tag(body)}"

    def unseal(self, cursor: Any, hint: str) -> dict[str, Any]:
        invalid = ApiError(400, f"cursorState is invalid: {hint}")
        if not isinstance(cursor, str) or cursor.count(".") != 1:
            raise invalid
        body, tag = cursor.split(".")
        if not hmac.compare_digest(tag, self._tag(body)):
            raise invalid
        try:
            payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            raise invalid from None
        return payload


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_page(request: Request, items: Sequence[Any], ep: Endpoint, sealer: Sealer) -> Page:
    """`cursorState` in the query (assets): the cursor carries the offset and limit of the next page."""
    raw = request.query_params.get("cursorState")
    default, top = limits(ep)
    if raw:
        state = sealer.unseal(raw, "pass back pagination.cursorState unchanged.")
        limit, offset = int(state["limit"]), int(state["offset"])
    else:
        limit, offset = query_int(request, "limit", default, minimum=1, maximum=top), 0
    pagination: dict[str, Any] = {"limit": limit}
    if offset + limit < len(items):
        token = sealer.seal({"limit": limit, "offset": offset + limit})
        pagination["cursorState"] = token
        pagination["nextUrl"] = str(request.url.replace(query=urlencode({"cursorState": token})))
    return {"pagination": pagination, "results": list(items[offset : offset + limit])}


def keyset_page(
    request: Request,
    items: Sequence[dict[str, Any]],
    key: Callable[[dict[str, Any]], list[Any]],
    after: list[Any] | None,
    *,
    desc: bool,
    limit: int,
    sealer: Sealer,
    query: dict[str, Any],
) -> Page:
    """`cursor-body` (photos): the records after `after` in `items`' (unique, keyset) order; while more follow,
    `pagination.nextPost` is the URL and the body to POST for the next page, its cursor sealing `query` and the
    last key returned, so pages never overlap or skip even when records are added between calls."""
    if after is not None:
        items = [i for i in items if (key(i) < after if desc else key(i) > after)]
    page = list(items[:limit])
    pagination: dict[str, Any] = {"limit": limit}
    if len(items) > len(page):
        cursor = sealer.seal({**query, "after": key(page[-1])})
        pagination["nextPost"] = {"url": str(request.url.replace(query="")), "body": {"cursorState": cursor}}
    return {"pagination": pagination, "results": page}
