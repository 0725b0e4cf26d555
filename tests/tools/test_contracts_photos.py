"""Contracts of the Photos tools: search_photos (body filters, newest first, token paging) and get_photo (id or
8-character prefix, which picture is attached)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import DOWNLOAD, NAMES, PROJECTS, Case, case, run_case

pytestmark = pytest.mark.anyio
FILTER = "/construction/photos/v1/projects/{hospital}/photos:filter"
NEWEST = {"sort": ["takenAt", "desc"]}
LOOKUPS = {PROJECTS, *NAMES}


def newest_first(start: int = 0, count: int | None = None) -> Any:
    """The photos shown are the sandbox's newest-first list, from `start`."""

    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        shown = [i["id"] for i in out.items]
        assert shown and shown == ids["photos"][start : start + len(shown)], out.text
        assert count is None or len(shown) == count
        days = [i["taken"] for i in out.items]
        assert days == sorted(days, reverse=True)

    return check


def every(key: str, test: Any) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and all(test(i.get(key)) for i in out.items), out.text

    return check


SEARCH_PHOTOS = [
    case(
        "group-by-taken-by",
        "search_photos",
        {"project": "hospital", "group_by": "taken_by"},
        [],
        LOOKUPS,
        check=lambda out, _ids: assert_counted(out.text),
        exact=False,
    ),
    case(
        "newest-first",
        "search_photos",
        {"project": "hospital"},
        [upstream("POST", FILTER, body={**NEWEST, "limit": 25})],
        LOOKUPS,
        check=newest_first(),
    ),
    case(
        "title",
        "search_photos",
        {"project": "hospital", "title": "rebar"},
        [upstream("POST", FILTER, body={**NEWEST, "filter": {"title": "rebar"}, "limit": 25})],
        LOOKUPS,
        check=every("title", lambda t: "rebar" in t.lower()),
    ),
    case(
        "taken-range",
        "search_photos",
        {"project": "hospital", "taken": "2026-10-01..2026-10-20"},
        [upstream("POST", FILTER, body={**NEWEST, "filter": {"takenAt": "2026-10-01..2026-10-20"}, "limit": 25})],
        LOOKUPS,
        check=every("taken", lambda d: "2026-10-01" <= d <= "2026-10-20"),
    ),
    case(
        "taken-up-to",
        "search_photos",
        {"project": "hospital", "taken": "..2026-09-30"},
        [upstream("POST", FILTER, body={**NEWEST, "filter": {"takenAt": "..2026-09-30"}, "limit": 25})],
        LOOKUPS,
        check=every("taken", lambda d: d <= "2026-09-30"),
    ),
    case(
        "taken-one-day",
        "search_photos",
        {"project": "hospital", "taken": "2026-11-02"},
        [upstream("POST", FILTER, body={**NEWEST, "filter": {"takenAt": "2026-11-02"}, "limit": 25})],
        LOOKUPS,
        check=every("taken", lambda d: d == "2026-11-02"),
    ),
    case(
        "taken-by-name",
        "search_photos",
        {"project": "hospital", "taken_by": "Aisha Rahman"},
        [upstream("POST", FILTER, body={**NEWEST, "filter": {"createdBy": ["{user[Aisha Rahman]}"]}, "limit": 25})],
        LOOKUPS,
        check=every("by", lambda b: b == "Aisha Rahman"),
    ),
    case(
        "limit",
        "search_photos",
        {"project": "{hospital}", "limit": 5},
        [upstream("POST", FILTER, body={**NEWEST, "limit": 5})],
        NAMES,
        check=newest_first(0, 5),
    ),
    case(
        "cursor-continues-with-upstream-token",
        "search_photos",
        {"project": "hospital", "limit": 5},
        [upstream("POST", FILTER, body={**NEWEST, "limit": 5, "cursorState": "{next_token}"})],
        set(),
        before={"project": "hospital", "limit": 5},
        check=newest_first(5, 5),
    ),
    case(
        "limit-over-maximum-sends-nothing",
        "search_photos",
        {"project": "{hospital}", "limit": 101},
        [],
        NAMES,
        error="limit must be between 1 and 100",
    ),
]


def photo(size: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert f"id: {ids['photos'][0]}" in out.text and out.text.startswith("Photo Crane pick"), out.text
        # takenAt has no offset and the API documents it as UTC: the time says so.
        assert re.search(r"^taken: 2026-\d\d-\d\d \d\d:\d\d UTC$", out.text, re.M), out.text
        images = out.images
        if size == "none":
            assert not images and "Image attached" not in out.text
        else:
            assert len(images) == 1 and images[0][:2] == b"\xff\xd8"
            assert (len(images[0]) > 20_000) is (size == "full"), len(images[0])
            assert f"Image attached: {size}, {len(images[0]):,} bytes." in out.text

    return check


PHOTO_PATH = "/construction/photos/v1/projects/{hospital}/photos/{photos[0]}"
SCAN = upstream("POST", FILTER, body={**NEWEST, "limit": 50})
GET_PHOTO = [
    case(
        "by-prefix-no-picture",
        "get_photo",
        {"project": "hospital", "photo": "{photo8[0]}", "size": "none"},
        [SCAN, upstream("GET", PHOTO_PATH, {"include": "signedUrls"})],
        LOOKUPS,
        check=photo("none"),
    ),
    case(
        "by-prefix-thumbnail",
        "get_photo",
        {"project": "hospital", "photo": "{photo8[0]}"},
        [SCAN, upstream("GET", PHOTO_PATH, {"include": "signedUrls"})],
        {*LOOKUPS, DOWNLOAD},
        check=photo("thumbnail"),
    ),
    case(
        "by-id-full-picture",
        "get_photo",
        {"project": "{hospital}", "photo": "{photos[0]}", "size": "full"},
        [upstream("GET", PHOTO_PATH, {"include": "signedUrls"})],
        {*NAMES, DOWNLOAD},
        check=photo("full"),
    ),
    case(
        "prefix-a-list-showed-needs-no-scan",
        "get_photo",
        {"project": "hospital", "photo": "{photo8[0]}", "size": "none"},
        [upstream("GET", PHOTO_PATH, {"include": "signedUrls"})],
        set(),
        setup=(("search_photos", {"project": "hospital", "limit": 3}),),
        check=photo("none"),
    ),
    case(
        "unknown-prefix",
        "get_photo",
        {"project": "hospital", "photo": "0badc0de"},
        [SCAN],
        {PROJECTS},
        error="no photo id starts with '0badc0de'",
    ),
]


@pytest.mark.parametrize("c", SEARCH_PHOTOS)
async def test_search_photos(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", GET_PHOTO)
async def test_get_photo(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


def assert_counted(text: str) -> None:
    # Counts of one project name it (a model counting project by project tells the answers apart).
    assert "photos in St. Mary's Hospital Expansion as of 2026-11-02, by taken_by:" in text.splitlines()[0], text
