"""Contracts of the RFI tools: search_rfis (body filters, sort, body paging) and get_rfi (number, id, full)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import NAMES, PROJECTS, Case, case, overdue_rule, run_case

pytestmark = pytest.mark.anyio
SEARCH = "/construction/rfis/v3/projects/{hospital}/search:rfis"
NEWEST = [{"field": "createdAt", "order": "DESC"}]
PAGE = {"limit": 25, "offset": 0}
LOOKUPS = {PROJECTS, *NAMES}
OPEN = {"draft", "submitted", "open", "rejected"}
"""Statuses whose due date still matters ("answered", "closed" and "void" do not)."""


def search(**body: Any) -> Any:
    return upstream("POST", SEARCH, body={"sort": NEWEST, **PAGE, **body})


def every(key: str, test: Any) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and all(test(i.get(key)) for i in out.items), out.text

    return check


def _total(out: Outcome, total: int) -> None:
    assert out.data["total"] == total, out.text


def _weeks(out: Outcome, total: int) -> None:
    weeks = list(out.data["counts"])
    assert out.data["total"] == total and weeks == sorted(weeks) and weeks[0] == "week of 2026-09-28", out.text


def ordered(key: str, *, descending: bool) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        values = [i[key] for i in out.items if i.get(key)]
        assert len(values) > 3 and values == sorted(values, reverse=descending), out.text

    return check


def statuses(*wanted: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and {i["status"] for i in out.items} <= set(wanted), out.text
        overdue_rule(OPEN)(out, ids)

    return check


def continues(out: Outcome, ids: Mapping[str, Any]) -> None:
    assert [i["#"] for i in out.items] == ["006", "007", "008", "009", "010"], out.text


SEARCH_RFIS = [
    case(
        "overdue-ball-in-court-counts",
        "search_rfis",
        {"project": "hospital", "overdue": True, "group_by": "assignee"},
        [],
        LOOKUPS,
        check=lambda out, _ids: assert_counted(
            out.text, "RFIs in St. Mary's Hospital Expansion as of 2026-11-02, by assignee:"
        ),
        exact=False,
    ),
    case("default-newest-first", "search_rfis", {"project": "hospital"}, [search()], LOOKUPS),
    case(
        "free-text",
        "search_rfis",
        {"project": "hospital", "search": "sprinkler"},
        [search(search="sprinkler")],
        LOOKUPS,
        check=every("title", lambda t: "sprinkler" in str(t).lower()),
    ),
    case(
        "status-one",
        "search_rfis",
        {"project": "hospital", "status": ["open"], "limit": 100},
        [search(filter={"status": "open"}, limit=100)],
        LOOKUPS,
        check=statuses("open"),
    ),
    case(
        "status-several-overdue-only-when-open",
        "search_rfis",
        {"project": "hospital", "status": ["submitted", "answered", "closed"], "limit": 100},
        [search(filter={"status": ["submitted", "answered", "closed"]}, limit=100)],
        LOOKUPS,
        check=statuses("submitted", "answered", "closed"),
    ),
    case(
        "assignee-by-name",
        "search_rfis",
        {"project": "hospital", "assignee": "James Smith"},
        [search(filter={"assignedTo": ["{user[James Smith]}"]})],
        LOOKUPS,
        check=every("assigned", lambda a: "James Smith" in a),
    ),
    case(
        "created-by-name",
        "search_rfis",
        {"project": "hospital", "created_by": "Priya Patel"},
        [search(filter={"createdBy": ["{user[Priya Patel]}"]})],
        LOOKUPS,
        check=lambda out, _ids: _total(out, 35),
    ),
    case(
        "created-range-counted-by-week",
        "search_rfis",
        {"project": "hospital", "created": "2026-10-01..2026-10-31", "group_by": "created_week"},
        [search(filter={"createdAt": "2026-10-01..2026-10-31"}, limit=200)],
        LOOKUPS,
        check=lambda out, _ids: _weeks(out, 41),
    ),
    case(
        "priority",
        "search_rfis",
        {"project": "hospital", "priority": "High"},
        [search(filter={"priority": "High"})],
        LOOKUPS,
        check=every("priority", lambda p: p == "High"),
    ),
    case(
        "due-range",
        "search_rfis",
        {"project": "hospital", "due": "2026-10-01..2026-11-30"},
        [search(filter={"dueDate": "2026-10-01..2026-11-30"})],
        LOOKUPS,
    ),
    case(
        "due-up-to",
        "search_rfis",
        {"project": "hospital", "due": "..2026-06-01"},
        [search(filter={"dueDate": "..2026-06-01"})],
        LOOKUPS,
    ),
    case(
        "sort-due-ascending",
        "search_rfis",
        {"project": "hospital", "sort": "dueDate", "status": ["open"], "limit": 50},
        [search(sort=[{"field": "dueDate", "order": "ASC"}], filter={"status": "open"}, limit=50)],
        LOOKUPS,
        check=ordered("due", descending=False),
    ),
    case(
        "sort-due-descending",
        "search_rfis",
        {"project": "hospital", "sort": "-dueDate", "status": ["open"], "limit": 50},
        [search(sort=[{"field": "dueDate", "order": "DESC"}], filter={"status": "open"}, limit=50)],
        LOOKUPS,
        check=ordered("due", descending=True),
    ),
    case(
        "sort-by-number",
        "search_rfis",
        {"project": "hospital", "sort": "customIdentifier", "limit": 5},
        [search(sort=[{"field": "customIdentifier", "order": "ASC"}], limit=5)],
        LOOKUPS,
        check=ordered("#", descending=False),
    ),
    case(
        "cursor-continues-at-body-offset",
        "search_rfis",
        {"project": "hospital", "sort": "customIdentifier", "limit": 5},
        [search(sort=[{"field": "customIdentifier", "order": "ASC"}], limit=5, offset=5)],
        set(),
        before={"project": "hospital", "sort": "customIdentifier", "limit": 5},
        check=continues,
    ),
    case(
        "all-filters-together",
        "search_rfis",
        {
            "project": "{hospital}",
            "search": "rebar",
            "status": ["open", "submitted"],
            "assignee": "jsmith@harborstonebuilder.com",
            "priority": "Normal",
            "due": "2026-01-01..",
            "sort": "-updatedAt",
            "limit": 10,
        },
        [
            search(
                search="rebar",
                filter={
                    "status": ["open", "submitted"],
                    "assignedTo": ["{user[James Smith]}"],
                    "priority": "Normal",
                    "dueDate": "2026-01-01..",
                },
                sort=[{"field": "updatedAt", "order": "DESC"}],
                limit=10,
            )
        ],
        NAMES,
    ),
    case(
        "limit-over-maximum-sends-nothing",
        "search_rfis",
        {"project": "{hospital}", "limit": 500},
        [],
        NAMES,
        error="limit must be between 1 and 200",
    ),
]


def detail(number: str, *, full: bool) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.text.startswith(f"RFI {number}\n") and "question: " in out.text, out.text
        assert out.data["#"] == number and out.data["id"] == ids["rfi"][number]
        raw = {"customIdentifier", "containerId", "createdAt"}
        assert (raw <= set(out.data)) is full and (raw & set(out.data) == set()) is not full, sorted(out.data)

    return check


def comments_shown(out: Outcome, ids: Mapping[str, Any]) -> None:
    """The RFI has comments; the record shows them, not just how many there are."""
    assert out.data.get("comments"), out.text
    assert not isinstance(out.data["comments"], int), out.text


NUMBERS = {"fields": ["id", "customIdentifier"]}
ALL_NUMBERS = [
    upstream("POST", SEARCH, body={**NUMBERS, "limit": 200, "offset": 0}),
    upstream("POST", SEARCH, body={**NUMBERS, "limit": 200, "offset": 200}),
]
GET_RFI = [
    case(
        "by-number-as-quoted",
        "get_rfi",
        {"project": "hospital", "rfi": "012"},
        [*ALL_NUMBERS, upstream("GET", "/construction/rfis/v3/projects/{hospital}/rfis/{rfi[012]}")],
        LOOKUPS,
        check=detail("012", full=False),
    ),
    case(
        "by-number-without-zeros",
        "get_rfi",
        {"project": "hospital", "rfi": "#3"},
        [*ALL_NUMBERS, upstream("GET", "/construction/rfis/v3/projects/{hospital}/rfis/{rfi[003]}")],
        LOOKUPS,
        check=detail("003", full=False),
    ),
    case(
        "by-id-no-search",
        "get_rfi",
        {"project": "{hospital}", "rfi": "{rfi[012]}"},
        [upstream("GET", "/construction/rfis/v3/projects/{hospital}/rfis/{rfi[012]}")],
        NAMES,
        check=detail("012", full=False),
    ),
    case(
        "full-adds-every-field",
        "get_rfi",
        {"project": "{hospital}", "rfi": "{rfi[012]}", "full": True},
        [upstream("GET", "/construction/rfis/v3/projects/{hospital}/rfis/{rfi[012]}")],
        NAMES,
        check=detail("012", full=True),
    ),
    case(
        "unknown-number",
        "get_rfi",
        {"project": "hospital", "rfi": "999"},
        ALL_NUMBERS,
        {PROJECTS},
        error="no RFI 999",
    ),
    case(
        "includes-its-comments",
        "get_rfi",
        {"project": "{hospital}", "rfi": "{rfi[012]}"},
        [],
        set(),
        check=comments_shown,
        exact=False,
        marks=pytest.mark.xfail(
            strict=True, reason="DESIGN 'a get tool includes its record's comments': get_rfi shows only a count"
        ),
    ),
    case(
        "number-as-an-integer",
        "get_rfi",
        {"project": "hospital", "rfi": 12},
        [*ALL_NUMBERS, upstream("GET", "/construction/rfis/v3/projects/{hospital}/rfis/{rfi[012]}")],
        LOOKUPS,
        check=detail("012", full=False),
    ),
]


@pytest.mark.parametrize("c", SEARCH_RFIS)
async def test_search_rfis(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", GET_RFI)
async def test_get_rfi(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


def assert_counted(text: str, header: str) -> None:
    assert header in text.splitlines()[0], text
