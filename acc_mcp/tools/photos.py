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

from ..errors import AccError
from ..render import ShortId, short_day, when
from ..views import F, View, name_of
from .base import Param
from .listing import PERSON, range_param
from .lookups import PEOPLE, PERSON_LIST
from .refs import Finder, Ref
from .runtime import Runtime
from .spec import GetSpec, ListSpec, tools

MAX_IMAGE_BYTES = 1_500_000
"""Over about 1.5 MB a full-size photo is more context than it is worth; the thumbnail is offered instead."""
NOT_FOUND = "Call list_projects for the project id, or search_photos for photo ids."
NEWEST = {"sort": ["takenAt", "desc"]}

CLIP = 90
"""A list line carries the start of a description; get_photo has all of it."""


def _clip(text: Any) -> str | None:
    words = " ".join(str(text or "").split())
    return words if len(words) <= CLIP else words[: CLIP - 1].rsplit(" ", 1)[0] + "…"


PHOTO = View(
    F("id", lambda p, _: ShortId(str(p.get("id")), "photo"), "lead"),
    F("title", role="bare"),
    F("taken", lambda p, ctx: short_day(p.get("takenAt") or p.get("createdAt"), ctx.today), "bare"),
    F("by", name_of("createdBy"), "joined"),
    F("description", lambda p, _: _clip(p.get("description")), "bare"),
)
PHOTO_DETAIL = View(
    F("title"),
    F("id"),
    # The Photos API writes its times without an offset and documents them as UTC.
    F("taken", lambda p, _: when(p.get("takenAt") or p.get("createdAt"), naive_utc=True)),
    F("by", name_of("createdBy")),
    F("type"),
    F("description"),
    F("size", lambda p, _: f"{p['size']:,} bytes" if isinstance(p.get("size"), int) else None),
    F("location", lambda p, _: f"{p.get('latitude')}, {p.get('longitude')}" if p.get("latitude") else None),
    F("media", "mediaType"),
)
PHOTO_REF = Ref(
    kind="photo",
    placeholder="photoId",
    lister="search_photos",
    # An id prefix no list in this session has shown is looked for among the newest photos.
    prefix=Finder("photos.photos.filter", "id", fixed=NEWEST, scan=1000),
)


async def picture(rt: Runtime, photo: dict[str, Any], args: dict[str, Any]) -> tuple[list[ContentBlock], str | None]:
    """The photo's thumbnail (or full image) as image content, and a note saying what was attached."""
    size = args.get("size", "thumbnail")
    if size == "none":
        return [], None
    urls = photo.get("signedUrls") or {}
    url = urls.get("fileUrl") if size == "full" else urls.get("thumbnailUrl") or urls.get("fileUrl")
    if not url:
        return [], "ACC returned no download link for this photo."
    if size == "full" and isinstance(photo.get("size"), int) and photo["size"] > MAX_IMAGE_BYTES:
        return [], f"The full image ({photo['size']:,} bytes) is over the {MAX_IMAGE_BYTES:,}-byte cap; showing none."
    try:
        data, mime = await rt.client.fetch_image(url, max_bytes=MAX_IMAGE_BYTES)  # ACC hosts, real images only
    except AccError as exc:
        # The facts are still worth having: say what went wrong with the picture instead of failing the call.
        return [], f"No picture attached: {exc}"
    image = ImageContent(type="image", data=base64.b64encode(data).decode(), mime_type=mime)
    return [image], f"Image attached: {size}, {len(data):,} bytes."


TOOLS = tools(
    ListSpec(
        name="search_photos",
        description="A project's site photos, newest first.",
        toolset="photos",
        default=True,
        endpoint="photos.photos.filter",
        view=PHOTO,
        noun="photos",
        params=[
            Param("title", str | None, "Title text.", None, to="filter.title"),
            range_param("taken", "filter.takenAt"),
            Param("taken_by", str | None, PERSON, None, to="filter.createdBy", via=PERSON_LIST),
        ],
        fixed=NEWEST,
        names=(PEOPLE,),
        maximum=100,
        not_found=NOT_FOUND,
        fan_out=True,
        group_keys={"taken_by": lambda p, ctx: PHOTO(p, ctx).get("by")},
    ),
    GetSpec(
        name="get_photo",
        description="One photo with its picture.",
        toolset="photos",
        default=True,
        endpoint="photos.photos.get",
        view=PHOTO_DETAIL,
        header=lambda p: f"Photo {p.get('title') or p.get('id')}",
        ref=PHOTO_REF,
        ref_param=Param("photo", str, "Id from search_photos."),
        params=[Param("size", Literal["thumbnail", "full", "none"], "Picture to attach.", "thumbnail")],
        fixed={"include": "signedUrls"},
        names=(PEOPLE,),
        full=False,
        attach=picture,
        not_found=NOT_FOUND,
    ),
)
