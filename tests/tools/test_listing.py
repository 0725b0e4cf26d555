"""Shared list machinery: short ids a model can hand back, and date-range arguments."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from acc_mcp.errors import InvalidInput
from acc_mcp.render import ShortId
from acc_mcp.tools.listing import date_range, remember_ids, resolve_id
from acc_mcp.tools.runtime import Runtime

pytestmark = pytest.mark.anyio

A = "8735debb-e621-4cd3-ba32-60ca6134f5bb"
B = "8735de00-0000-4000-8000-000000000001"  # shares six characters with A
C = "6fb5fda8-97f8-41d6-a5b3-e477f33b624f"
RECORDS = [
    {"id": A, "description": "Weekly issues + RFIs extract"},
    {"id": B, "description": "Weekly photos extract"},
    {"id": C, "description": "Account admin snapshot"},
]


def runtime() -> Runtime:
    return cast(Runtime, SimpleNamespace(memo={}))


class Listing:
    """The records a tool would list, counting how often they are fetched."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records, self.calls = records, 0

    async def __call__(self) -> list[dict[str, Any]]:
        self.calls += 1
        return self.records


async def resolve(rt: Runtime, value: str, listing: Listing) -> str:
    return await resolve_id(
        rt, value, kind="request", listing=listing, lister="list_data_connector_requests", name_key="description"
    )


async def test_a_prefix_a_list_showed_resolves_without_a_request() -> None:
    rt, listing = runtime(), Listing(RECORDS)
    remember_ids(rt, [{"id": ShortId(A, "request"), "name": "x"}, {"id": ShortId(C, "request")}])
    assert await resolve(rt, A[:8], listing) == A
    assert await resolve(rt, C[:8].upper(), listing) == C
    assert listing.calls == 0


async def test_full_ids_pass_through_with_or_without_b_prefix() -> None:
    rt, listing = runtime(), Listing([])
    assert await resolve(rt, A, listing) == A
    assert await resolve(rt, f"b.{A}", listing) == A
    assert listing.calls == 0


async def test_prefix_never_shown_is_found_in_the_listing() -> None:
    rt, listing = runtime(), Listing(RECORDS)
    assert await resolve(rt, C[:8], listing) == C
    assert listing.calls == 1


async def test_ambiguous_prefix_names_the_candidates() -> None:
    rt = runtime()
    remember_ids(rt, [{"id": ShortId(A, "request")}, {"id": ShortId(B, "request")}])
    with pytest.raises(InvalidInput) as err:
        await resolve(rt, "8735de", Listing(RECORDS))
    message = str(err.value)
    assert "matches 2 requests" in message and A[:13] in message and B[:13] in message and "more of the id" in message
    assert await resolve(rt, A[:8], Listing(RECORDS)) == A  # eight characters tell them apart


async def test_unknown_prefix_says_which_tool_lists_the_ids() -> None:
    with pytest.raises(InvalidInput, match=r"No request matches 'deadbeef'\. Call list_data_connector_requests"):
        await resolve(runtime(), "deadbeef", Listing(RECORDS))
    with pytest.raises(InvalidInput, match=r"No photo id starts with 'deadbeef'\. Call search_photos"):
        await resolve_id(runtime(), "deadbeef", kind="photo", listing=Listing(RECORDS), lister="search_photos")


async def test_a_part_of_the_name_works_where_the_record_has_one() -> None:
    rt = runtime()
    assert await resolve(rt, "admin snapshot", Listing(RECORDS)) == C
    with pytest.raises(InvalidInput, match="matches 2 requests"):
        await resolve(rt, "weekly", Listing(RECORDS))
    with pytest.raises(InvalidInput, match="No request matches 'monthly'"):
        await resolve(rt, "monthly", Listing(RECORDS))


async def test_ids_of_other_kinds_do_not_answer() -> None:
    rt = runtime()
    remember_ids(rt, [{"id": ShortId(A, "job")}])
    with pytest.raises(InvalidInput, match="No photo id"):
        await resolve_id(rt, A[:8], kind="photo", listing=Listing([]), lister="search_photos")


def test_date_range_argument() -> None:
    assert date_range({"due": "2026-01-01..2026-01-31"}, "due") == "2026-01-01..2026-01-31"
    assert date_range({"due": "..2026-01-31"}, "due") == "..2026-01-31"
    assert date_range({"due": "2026-01-01.."}, "due") == "2026-01-01.."
    assert date_range({"due": "2026-01-05"}, "due") == "2026-01-05"  # one day
    assert date_range({}, "due") is None
    for bad, message in (
        ("2026-02-01..2026-01-01", "later than"),
        ("..", "at least one date"),
        ("yesterday", "YYYY-MM-DD"),
        ("2026-13-01..", "YYYY-MM-DD"),
    ):
        with pytest.raises(InvalidInput, match=message):
            date_range({"due": bad}, "due")
