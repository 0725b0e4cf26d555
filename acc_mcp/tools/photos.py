"""Photos (construction/photos/v1): find photos, and show one — metadata plus the picture itself.

The picture travels as MCP image content, so a model that can see images can answer "what does the
slab look like?". The thumbnail is the default (a few KB); the full image is fetched only when asked for
and only under a size cap, because base64 images count against the client's context too. Signed URLs
are used to fetch and never shown.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from mcp.types import ContentBlock, ImageContent

from ..paging import Call, TokenPaging, collect
from ..render import Row, ShortId, plain, render_record, short_day, when
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, PERSON, PROJECT, ViewContext, date_range, limit_param, range_param, resolve_id, run_list
from .runtime import Runtime

BASE = "/construction/photos/v1/projects/{project}"
MAX_IMAGE_BYTES = 1_500_000
"""Over about 1.5 MB a full-size photo is more context than it is worth; the thumbnail is offered instead."""
NOT_FOUND = "Call list_projects for the project id, or search_photos for photo ids."
PAGING = TokenPaging(max_page=50, in_body=True)
SCAN = 1000
"""Photos searched for an id prefix that no list in this session has shown (newest first)."""


def _row(p: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        "id": ShortId(str(p.get("id")), "photo"),
        "title": p.get("title"),
        "taken": short_day(p.get("takenAt") or p.get("createdAt"), ctx.today),
        "by": ctx.name(p.get("createdBy")),
    }


def _detail(p: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        "title": p.get("title"),
        "id": p.get("id"),
        "taken": when(p.get("takenAt") or p.get("createdAt")),
        "by": ctx.name(p.get("createdBy")),
        "type": p.get("type"),
        "description": p.get("description"),
        "size": f"{p['size']:,} bytes" if isinstance(p.get("size"), int) else None,
        "location": f"{p.get('latitude')}, {p.get('longitude')}" if p.get("latitude") else None,
        "media": p.get("mediaType"),
    }


async def photo_id(rt: Runtime, project_id: str, value: str) -> str:
    """A photo id from the id or the prefix search_photos showed."""

    async def newest() -> list[dict[str, Any]]:
        call = Call(
            "POST", rt.client.url(f"{BASE}/photos:filter", project=project_id), json={"sort": ["takenAt", "desc"]}
        )
        return (await collect(rt.fetch, PAGING, call, want=SCAN)).items

    return await resolve_id(rt, value, kind="photo", listing=newest, lister="search_photos")


async def search_photos(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    flt: dict[str, Any] = {}
    if args.get("title"):
        flt["title"] = args["title"]
    if rng := date_range(args, "taken"):
        flt["takenAt"] = rng
    if args.get("taken_by"):
        flt["createdBy"] = [await rt.user_id(project_id, args["taken_by"])]
    body: dict[str, Any] = {"sort": ["takenAt", "desc"]}
    if flt:
        body["filter"] = flt
    call = Call("POST", rt.client.url(f"{BASE}/photos:filter", project=project_id), json=body)
    return await run_list(
        rt,
        args,
        tool="search_photos",
        paging=PAGING,
        call=call,
        view=_row,
        noun="photos",
        names=await rt.names(project_id),
        maximum=100,
    )


async def get_photo(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    pid = await photo_id(rt, project_id, str(args["photo"]))
    photo = await rt.client.get(
        rt.client.url(f"{BASE}/photos/{{photo}}", project=project_id, photo=pid), {"include": "signedUrls"}
    )
    ctx = ViewContext(await rt.names(project_id), rt.today())
    row: Row = {k: v for k, v in _detail(photo, ctx).items() if v}
    urls = photo.get("signedUrls") or {}
    size = args.get("size", "thumbnail")
    extra: list[ContentBlock] = []
    note = None
    if size != "none":
        url = urls.get("fileUrl") if size == "full" else urls.get("thumbnailUrl") or urls.get("fileUrl")
        if not url:
            note = "ACC returned no download link for this photo."
        elif size == "full" and isinstance(photo.get("size"), int) and photo["size"] > MAX_IMAGE_BYTES:
            note = f"The full image ({photo['size']:,} bytes) is over the {MAX_IMAGE_BYTES:,}-byte cap; showing none."
        else:
            data, mime = await rt.client.fetch_image(url, max_bytes=MAX_IMAGE_BYTES)  # ACC hosts, real images only
            extra.append(ImageContent(type="image", data=base64.b64encode(data).decode(), mime_type=mime))
            note = f"Image attached: {size}, {len(data):,} bytes."
    text = render_record(f"Photo {photo.get('title') or photo.get('id')}", row, budget=rt.settings.max_result_tokens)
    if note:
        text += f"\n{note}"
    return ToolOutput(text, plain(row), extra=extra)


TOOLS = [
    ToolSpec(
        name="search_photos",
        description="A project's site photos, newest first.",
        toolset="photos",
        default=True,
        params=[
            PROJECT,
            Param("title", str | None, "Title text.", None),
            range_param("taken"),
            Param("taken_by", str | None, PERSON, None),
            limit_param(25, 100),
            CURSOR,
        ],
        run=search_photos,
        endpoints=["POST /construction/photos/v1/projects/{projectId}/photos:filter"],
        not_found=NOT_FOUND,
    ),
    ToolSpec(
        name="get_photo",
        description="One photo with its picture.",
        toolset="photos",
        default=True,
        params=[
            PROJECT,
            Param("photo", str, "Id from search_photos."),
            Param("size", Literal["thumbnail", "full", "none"], "Picture to attach.", "thumbnail"),
        ],
        run=get_photo,
        endpoints=["GET /construction/photos/v1/projects/{projectId}/photos/{photoId}"],
        not_found=NOT_FOUND,
    ),
]
