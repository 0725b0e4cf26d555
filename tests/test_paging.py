"""Every pagination style, over fake upstreams that count what they serve."""

from __future__ import annotations

from typing import Any

import pytest

from acc_mcp.errors import InvalidInput
from acc_mcp.paging import (
    BareArrayPaging,
    Call,
    OffsetPaging,
    TokenPaging,
    collect,
    decode_cursor,
    encode_cursor,
    fingerprint,
)

pytestmark = pytest.mark.anyio

ITEMS = [{"id": str(i)} for i in range(23)]


class Upstream:
    """A fake list endpoint in one of the styles; records every request it sees."""

    def __init__(self, style: str, items: list[dict[str, Any]] = ITEMS, clamp: int | None = None) -> None:
        self.style, self.items, self.clamp, self.calls = style, items, clamp, []

    async def __call__(self, call: Call) -> Any:
        self.calls.append(call)
        src = call.json if self.style in ("body", "token-body") else call.params
        limit = int(src["limit"])
        if self.clamp:
            limit = min(limit, self.clamp)
        if self.style.startswith("token"):
            start = int(src.get("cursorState", "c0")[1:])
            page = self.items[start : start + limit]
            more = start + limit < len(self.items)
            if self.style == "token-body":
                nxt = {"nextPost": {"url": "x", "body": {"cursorState": f"c{start + limit}"}}} if more else {}
                return {"pagination": {"limit": limit, **nxt}, "results": page}
            return {
                "pagination": {
                    "limit": limit,
                    **({"cursorState": f"c{start + limit}", "nextUrl": "u"} if more else {}),
                },
                "results": page,
            }
        offset = int(src["offset"])
        page = self.items[offset : offset + limit]
        if self.style == "bare":
            return page
        pagination: dict[str, Any] = {"limit": limit, "offset": offset}
        if self.style != "no-total":
            pagination["totalResults"] = len(self.items)
        if offset + limit < len(self.items) and self.style != "no-next":
            pagination["nextUrl"] = "https://developer.api.autodesk.com/next"
        return {"pagination": pagination, "results": page}


STYLES = [
    ("query", OffsetPaging(max_page=5)),
    ("body", OffsetPaging(max_page=5, in_body=True)),
    ("no-total", OffsetPaging(max_page=5)),
    ("bare", BareArrayPaging(max_page=5)),
    ("token", TokenPaging(max_page=5)),
    ("token-body", TokenPaging(max_page=5, in_body=True)),
]


@pytest.mark.parametrize(("style", "paging"), STYLES, ids=[s for s, _ in STYLES])
async def test_walk_every_item_exactly_once_with_resume(style: str, paging: Any) -> None:
    """Take 4 at a time (not a multiple of the page size) and resume from each batch's end."""
    upstream = Upstream(style)
    seen: list[str] = []
    start: Any = (None, 0)
    for _ in range(20):
        got = await collect(upstream, paging, Call("GET", "https://h/x"), start=start, want=4)
        seen += [i["id"] for i in got.items]
        start = got.resume_at(len(got.items))
        if start is None:
            break
    assert seen == [i["id"] for i in ITEMS]


@pytest.mark.parametrize(("style", "paging"), STYLES, ids=[s for s, _ in STYLES])
async def test_resume_mid_page(style: str, paging: Any) -> None:
    """A result cut by the budget after 3 of 7 items continues at the 4th."""
    got = await collect(Upstream(style), paging, Call("GET", "https://h/x"), want=7)
    again = await collect(Upstream(style), paging, Call("GET", "https://h/x"), start=got.resume_at(3), want=2)
    assert [i["id"] for i in again.items] == ["3", "4"]


async def test_empty_list() -> None:
    got = await collect(Upstream("query", []), OffsetPaging(), Call("GET", "https://h/x"), want=10)
    assert got.items == [] and got.total == 0 and got.resume_at(0) is None


async def test_last_page_without_next_url_ends() -> None:
    upstream = Upstream("no-next")
    got = await collect(upstream, OffsetPaging(max_page=50), Call("GET", "https://h/x"), want=50)
    assert len(got.items) == 23 and got.resume_at(23) is None


async def test_concurrent_collection_when_total_known() -> None:
    upstream = Upstream("query", [{"id": str(i)} for i in range(100)])
    got = await collect(upstream, OffsetPaging(max_page=10), Call("GET", "https://h/x"), want=100, concurrency=3)
    assert [i["id"] for i in got.items] == [str(i) for i in range(100)]
    assert sorted(int(c.params["offset"]) for c in upstream.calls) == list(range(0, 100, 10))


async def test_server_that_clamps_limit_leaves_no_gaps() -> None:
    upstream = Upstream("query", [{"id": str(i)} for i in range(60)], clamp=7)
    got = await collect(upstream, OffsetPaging(max_page=20), Call("GET", "https://h/x"), want=60)
    assert [i["id"] for i in got.items] == [str(i) for i in range(60)]


def test_cursor_round_trip_and_ownership() -> None:
    query = fingerprint("list_issues", {"project": "p", "status": ["open"], "limit": 5})
    assert fingerprint("list_issues", {"project": "p", "status": ["open"], "limit": 50}) == query
    cursor = encode_cursor("tok", 3, query, seen=10)
    assert decode_cursor(cursor, query) == ("tok", 3, 10)
    other = fingerprint("list_issues", {"project": "p", "status": ["closed"]})
    with pytest.raises(InvalidInput, match="different query"):
        decode_cursor(cursor, other)
    with pytest.raises(InvalidInput, match="not valid"):
        decode_cursor("garbage!!", query)
