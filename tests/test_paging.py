"""Every pagination style, over fake upstreams that count what they serve."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from acc_mcp.errors import InvalidInput, NotFound
from acc_mcp.paging import (
    BareArrayPaging,
    Call,
    OffsetPaging,
    TokenPaging,
    WholeList,
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
        self.style, self.items, self.clamp = style, items, clamp
        self.calls: list[Call] = []

    async def __call__(self, call: Call) -> Any:
        self.calls.append(call)
        src: dict[str, Any] = (call.json or {}) if self.style in ("body", "token-body") else call.params
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
    resume = got.resume_at(3)
    assert resume is not None
    again = await collect(Upstream(style), paging, Call("GET", "https://h/x"), start=resume, want=2)
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
    # Short, because the model copies it: an offset cursor is a few characters, not base64 JSON.
    assert len(encode_cursor(25, 0, query, seen=25)) <= 20
    assert decode_cursor(encode_cursor(None, 2, query), query) == (None, 2, 0)
    for token in ("opaque/+=token.with.dots", "odd token: {json}", "ü"):
        assert decode_cursor(encode_cursor(token, 1, query, seen=3), query) == (token, 1, 3)
    assert encode_cursor("eyJwIjoy.sig", 0, query).endswith(".teyJwIjoy.sig")  # a URL-safe token as it is
    for bad in (f"{query}.x.0.0", f"{query}.0.-1.5", f"{query}.5.0", "", f"{query}.0.0.t!!", f"{query}.0.0.b%"):
        with pytest.raises(InvalidInput, match="not valid"):
            decode_cursor(bad, query)


# --- the first page does not go out alone ----------------------------------------------------------------


class Gate:
    """Holds every request until `opens_at` are in flight at once: a collector that waits for the first page
    before asking for the next ones never gets there (and times out)."""

    def __init__(self, upstream: Upstream, opens_at: int) -> None:
        self.upstream, self.opens_at = upstream, opens_at
        self.started: list[int] = []
        self.events: list[tuple[str, int]] = []
        self.in_flight = self.peak = 0
        self.open = anyio.Event()

    async def __call__(self, call: Call) -> Any:
        offset = int(call.params["offset"])
        self.started.append(offset)
        self.events.append(("start", offset))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        if len(self.started) >= self.opens_at:
            self.open.set()
        try:
            with anyio.fail_after(2):
                await self.open.wait()
            await anyio.sleep(0)
            return await self.upstream(call)
        finally:
            self.in_flight -= 1
            self.events.append(("end", offset))


async def test_the_first_page_goes_alone_then_the_rest_together() -> None:
    gate = Gate(Upstream("query", [{"id": str(i)} for i in range(100)]), opens_at=1)
    got = await collect(gate, OffsetPaging(max_page=10), Call("GET", "https://h/x"), want=100)
    assert gate.events[:2] == [("start", 0), ("end", 0)]  # the first page alone, for its total
    assert [i["id"] for i in got.items] == [str(i) for i in range(100)]
    assert sorted(gate.started) == list(range(0, 100, 10))  # each page exactly once
    assert gate.peak == 4  # then four at a time


async def test_a_list_costs_no_page_past_its_end() -> None:
    upstream = Upstream("query", [{"id": str(i)} for i in range(25)])
    got = await collect(upstream, OffsetPaging(max_page=10), Call("GET", "https://h/x"), want=100)
    assert [int(c.params["offset"]) for c in upstream.calls] == [0, 10, 20]
    assert [i["id"] for i in got.items] == [str(i) for i in range(25)] and got.resume_at(25) is None


@pytest.mark.parametrize("style", ["no-total", "bare"])
async def test_speculative_pages_without_a_total(style: str) -> None:
    """No total to stop at: pages are kept while full, then followed; a short page ends the list."""
    paging: Any = BareArrayPaging(max_page=5) if style == "bare" else OffsetPaging(max_page=5)
    upstream = Upstream(style)
    got = await collect(upstream, paging, Call("GET", "https://h/x"), want=50)
    assert [i["id"] for i in got.items] == [i["id"] for i in ITEMS] and got.resume_at(23) is None
    offsets = [int(c.params["offset"]) for c in upstream.calls]
    assert len(offsets) == len(set(offsets))


async def test_a_failed_page_raises_its_own_error_not_a_group() -> None:
    upstream = Upstream("query", [{"id": str(i)} for i in range(100)])

    async def flaky(call: Call) -> Any:
        if call.params["offset"] == 20:
            raise NotFound("Not found (404): gone.")
        return await upstream(call)

    with pytest.raises(NotFound, match="gone"):  # from the batch that follows the first page
        await collect(flaky, OffsetPaging(max_page=10), Call("GET", "https://h/x"), want=100)


async def test_concurrency_is_never_exceeded() -> None:
    upstream = Upstream("query", [{"id": str(i)} for i in range(100)])
    gate = Gate(upstream, opens_at=1)
    got = await collect(gate, OffsetPaging(max_page=10), Call("GET", "https://h/x"), want=100, concurrency=3)
    assert gate.peak == 3 and len(got.items) == 100


async def test_a_whole_list_is_one_request_as_it_is() -> None:
    calls: list[Call] = []

    async def fetch(call: Call) -> Any:
        calls.append(call)
        return {"pagination": {"limit": 25, "offset": 0, "totalResults": 23}, "data": ITEMS}

    got = await collect(fetch, WholeList(results_key="data"), Call("GET", "/c", {"filter[isActive]": "true"}), want=10)
    assert [c.params for c in calls] == [{"filter[isActive]": "true"}]  # no limit or offset: none are documented
    assert got.items == ITEMS[:10] and got.total == 23 and got.resume_at(10) == (None, 10)
