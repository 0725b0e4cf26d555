"""References: what people quote (a number, a name, an id prefix, an id) resolved the same way for every kind."""

from __future__ import annotations

from typing import Any, cast

import pytest

from acc_mcp.errors import InvalidInput, NotFound
from acc_mcp.render import ShortId
from acc_mcp.tools.listing import date_range
from acc_mcp.tools.refs import Finder, Ref, normalise, remember_ids, resolve
from acc_mcp.tools.runtime import Runtime, Scope

pytestmark = pytest.mark.anyio

A = "8735debb-e621-4cd3-ba32-60ca6134f5bb"
B = "8735de00-0000-4000-8000-000000000001"  # shares six characters with A
C = "6fb5fda8-97f8-41d6-a5b3-e477f33b624f"
RECORDS = [
    {"id": A, "description": "Weekly issues + RFIs extract", "number": "001"},
    {"id": B, "description": "Weekly photos extract", "number": "002"},
    {"id": C, "description": "Account admin snapshot", "number": "012"},
]
REQUEST = Ref(
    kind="request",
    placeholder="requestId",
    lister="list_data_connector_requests",
    prefix=Finder("dc.requests.list", "id"),
    name=Finder("dc.requests.list", "description"),
    label=lambda r: str(r["id"])[:13],
)
PHOTO = Ref(kind="photo", placeholder="photoId", lister="search_photos", prefix=Finder("photos.photos.filter", "id"))
NUMBERED = Ref(
    kind="RFI",
    placeholder="rfiId",
    lister="search_rfis",
    number=Finder("rfis.rfis.search", "number", lambda n: {"search": n}),
    words=("rfi",),
)
SCOPE = Scope(account="acc")


class FakeRuntime:
    """Just what `resolve` uses: the memory of shown ids, and a listing that counts its requests."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.memo: dict[str, Any] = {}
        self.records = records
        self.asked: list[tuple[str, Any, Any]] = []

    def call(self, key: str, scope: Scope, *, params: Any = None, json: Any = None, ids: Any = None) -> Any:
        return (key, params, json)

    async def collect(self, call: tuple[str, Any, Any], key: str, want: int) -> list[dict[str, Any]]:
        self.asked.append(call)
        return self.records


def runtime(records: list[dict[str, Any]] = RECORDS) -> Runtime:
    return cast(Runtime, FakeRuntime(records))


def asked(rt: Runtime) -> list[tuple[str, Any, Any]]:
    return cast(FakeRuntime, rt).asked


async def ref_id(rt: Runtime, value: Any, ref: Ref = REQUEST) -> str:
    return (await resolve(rt, SCOPE, ref, value)).id


async def test_a_prefix_a_list_showed_resolves_without_a_request() -> None:
    rt = runtime()
    remember_ids(rt, [{"id": ShortId(A, "request"), "name": "x"}, {"id": ShortId(C, "request")}])
    assert await ref_id(rt, A[:8]) == A
    assert await ref_id(rt, C[:8].upper()) == C
    assert asked(rt) == []


async def test_full_ids_pass_through_with_or_without_b_prefix() -> None:
    rt = runtime([])
    assert await ref_id(rt, A) == A
    assert await ref_id(rt, f"b.{A}") == A
    assert asked(rt) == []


async def test_prefix_never_shown_is_found_in_the_listing() -> None:
    rt = runtime()
    assert await ref_id(rt, C[:8]) == C
    assert asked(rt) == [("dc.requests.list", {}, None)]


async def test_ambiguous_prefix_names_the_candidates() -> None:
    rt = runtime()
    remember_ids(rt, [{"id": ShortId(A, "request")}, {"id": ShortId(B, "request")}])
    with pytest.raises(InvalidInput) as err:
        await ref_id(rt, "8735de")
    message = str(err.value)
    assert "matches 2 requests" in message and A[:13] in message and B[:13] in message and "Pass more" in message
    assert await ref_id(rt, A[:8]) == A  # eight characters tell them apart


async def test_unknown_values_say_what_was_looked_for() -> None:
    with pytest.raises(NotFound, match=r"no request matches 'deadbeef'"):
        await ref_id(runtime(), "deadbeef")
    with pytest.raises(NotFound, match=r"no photo id starts with 'deadbeef'"):
        await ref_id(runtime(), "deadbeef", PHOTO)
    with pytest.raises(InvalidInput, match=r"is not an id prefix\. Call search_photos"):
        await ref_id(runtime(), "a b", PHOTO)


async def test_a_part_of_the_name_works_where_the_kind_has_one() -> None:
    rt = runtime()
    assert await ref_id(rt, "admin snapshot") == C
    with pytest.raises(InvalidInput, match="matches 2 requests"):
        await ref_id(rt, "weekly")
    with pytest.raises(NotFound, match="no request matches 'monthly'"):
        await ref_id(rt, "monthly")


async def test_ids_of_other_kinds_do_not_answer() -> None:
    rt = runtime([])
    remember_ids(rt, [{"id": ShortId(A, "job")}])
    with pytest.raises(NotFound, match="no photo id"):
        await ref_id(rt, A[:8], PHOTO)


@pytest.mark.parametrize("quoted", [12, "12", "012", "#12", "#012", "RFI 012", "rfi 12", " RFI012 "])
async def test_numbers_as_people_quote_them(quoted: Any) -> None:
    rt = runtime()
    assert await ref_id(rt, quoted, NUMBERED) == C
    assert asked(rt) == [("rfis.rfis.search", None, {"search": "12" if "0" not in str(quoted) else "012"})]


async def test_normalise_strips_only_what_people_add() -> None:
    assert normalise(NUMBERED, " RFI #042 ") == "042"
    assert normalise(REQUEST, "b.8735debb") == "8735debb"
    assert normalise(REQUEST, "rfis extract") == "rfis extract"  # words belong to the kind that has them


def test_date_range_argument() -> None:
    assert date_range("due", "2026-01-01..2026-01-31") == "2026-01-01..2026-01-31"
    assert date_range("due", "..2026-01-31") == "..2026-01-31"
    assert date_range("due", "2026-01-01..") == "2026-01-01.."
    assert date_range("due", "2026-01-05") == "2026-01-05"  # one day
    assert date_range("due", None) is None
    for bad, message in (
        ("2026-02-01..2026-01-01", "later than"),
        ("..", "at least one date"),
        ("yesterday", "YYYY-MM-DD"),
        ("2026-13-01..", "YYYY-MM-DD"),
    ):
        with pytest.raises(InvalidInput, match=message):
            date_range("due", bad)


# --- names as people type them ----------------------------------------------------------------------------------

REVIEWS = [
    {"id": A, "name": "Value Engineering Options – Owner Approval"},
    {"id": C, "name": "Tomás Alvarez sign-off"},
]
NAMED = Ref(
    kind="review",
    placeholder="reviewId",
    lister="list_reviews",
    name=Finder("reviews.reviews.list", "name", lambda text: {"filter[name]": text}),
)


class Filtering(FakeRuntime):
    """A listing that narrows as ACC's `filter[name]` does: the text as written, any case."""

    async def collect(self, call: tuple[str, Any, Any], key: str, want: int) -> list[dict[str, Any]]:
        self.asked.append(call)
        needle = str((call[1] or {}).get("filter[name]", "")).lower()
        return [r for r in self.records if needle in str(r["name"]).lower()]


def asked_names(rt: Runtime) -> list[str]:
    return [call[1]["filter[name]"] for call in asked(rt)]


async def test_a_name_typed_with_plain_dashes_and_no_accents_is_found() -> None:
    rt = cast(Runtime, Filtering(REVIEWS))
    assert await ref_id(rt, "value engineering options - owner approval", NAMED) == A
    # ACC's filter missed it; the longest word found the candidates, compared folded
    assert asked_names(rt) == ["value engineering options - owner approval", "engineering"]
    rt = cast(Runtime, Filtering(REVIEWS))
    assert await ref_id(rt, "Tomas Alvarez", NAMED) == C
    assert asked_names(rt) == ["Tomas Alvarez", "Alvarez"]


async def test_a_name_found_as_written_asks_once_and_a_miss_twice_at_most() -> None:
    rt = cast(Runtime, Filtering(REVIEWS))
    assert await ref_id(rt, "Owner Approval", NAMED) == A
    assert asked_names(rt) == ["Owner Approval"]
    rt = cast(Runtime, Filtering(REVIEWS))
    with pytest.raises(NotFound, match="no review matches 'Curtain wall mockup'"):
        await ref_id(rt, "Curtain wall mockup", NAMED)
    assert asked_names(rt) == ["Curtain wall mockup", "Curtain"]
    rt = cast(Runtime, Filtering(REVIEWS))
    with pytest.raises(NotFound):
        await ref_id(rt, "Tomas", NAMED)  # one word: nothing shorter to ask for
    assert asked_names(rt) == ["Tomas"]
