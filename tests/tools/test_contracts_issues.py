"""Contracts of list_issues: every filter, sort, grouping and paging (get_issue: test_contracts_get_issue.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import (
    ISSUE_TYPES,
    ISSUES,
    ISSUES_BASE,
    NAMES,
    PROJECTS,
    Case,
    case,
    overdue_rule,
    run_case,
)

pytestmark = pytest.mark.anyio
LIST = ISSUES_BASE + "/issues"
PAGE = {"limit": 25, "offset": 0}
DEFAULT = {"sortBy": "-updatedAt", **PAGE}
LOOKUPS = {PROJECTS, ISSUE_TYPES, *NAMES}
ME = "GET /construction/issues/v1/projects/{projectId}/users/me"
"""A project by name, plus the names every list line shows: people, companies, issue types."""
OPEN = {"draft", "open", "pending", "in_progress", "in_review", "not_approved", "in_dispute"}


def every(key: str, value: Any) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and all(i.get(key) == value for i in out.items), out.text

    return check


def statuses(*wanted: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and {i["status"] for i in out.items} <= set(wanted), out.text
        overdue_rule(OPEN)(out, ids)

    return check


def type_is(prefix: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and all(str(i.get("type")).startswith(prefix) for i in out.items), out.text

    return check


def numbers(start: int, count: int) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert [i["#"] for i in out.items] == list(range(start, start + count)), out.text

    return check


def ascending_within_budget(out: Outcome, ids: Mapping[str, Any]) -> None:
    """A long list is cut by the result budget, in order, with a cursor at the first line not shown."""
    shown = [i["#"] for i in out.items]
    assert 40 < len(shown) < 150 and shown == sorted(shown) and shown[0] == 1, out.text
    assert f"Showing 1-{len(shown)} of 195" in out.text and out.data["cursor"].endswith(f".{len(shown)}")


def due_order(descending: bool) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        days = [i["due"] for i in out.items if i.get("due")]
        assert len(days) > 5 and days == sorted(days, reverse=descending), out.text

    return check


def due_today_not_overdue(out: Outcome, ids: Mapping[str, Any]) -> None:
    """An open issue due today (2026-11-02) is not overdue yet; a closed one shows no due date."""
    line = next(ln for ln in out.lines if " · in_progress · " in ln)
    assert line.endswith("due Nov 2"), out.text
    closed = next(ln for ln in out.lines if " · closed · " in ln)
    assert " due " not in closed and "overdue" not in closed


def due_within(low: str, high: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items
        for item in out.items:
            if item.get("due"):
                assert low <= item["due"][:10] <= high, item

    return check


LIST_ISSUES = [
    case("default", "list_issues", {"project": "hospital"}, [upstream("GET", LIST, DEFAULT)], LOOKUPS),
    case(
        "project-by-id-needs-no-project-list",
        "list_issues",
        {"project": "{hospital}"},
        [upstream("GET", LIST, DEFAULT)],
        LOOKUPS - {PROJECTS},
    ),
    case(
        "status-one",
        "list_issues",
        {"project": "hospital", "status": ["open"], "limit": 50},
        [upstream("GET", LIST, {**DEFAULT, "filter[status]": "open", "limit": 50})],
        LOOKUPS,
        check=statuses("open"),
    ),
    case(
        "status-several-overdue-only-when-open",
        "list_issues",
        {"project": "hospital", "status": ["in_progress", "closed"], "limit": 100},
        [upstream("GET", LIST, {**DEFAULT, "filter[status]": "in_progress,closed", "limit": 100})],
        LOOKUPS,
        check=statuses("in_progress", "closed"),
    ),
    case(
        "assignee-by-name",
        "list_issues",
        {"project": "hospital", "assignee": "Wei Chen"},
        [upstream("GET", LIST, {**DEFAULT, "filter[assignedTo]": "{user[Wei Chen]}"})],
        LOOKUPS,
        check=every("assignee", "Wei Chen"),
    ),
    case(
        "assignee-by-email",
        "list_issues",
        {"project": "hospital", "assignee": "mgarcia@harborstonebuilder.com"},
        [upstream("GET", LIST, {**DEFAULT, "filter[assignedTo]": "{user[Maria Garcia]}"})],
        LOOKUPS,
        check=every("assignee", "Maria Garcia"),
    ),
    case(
        "created-by-name",
        "list_issues",
        {"project": "hospital", "created_by": "priya patel"},
        [upstream("GET", LIST, {**DEFAULT, "filter[createdBy]": "{user[Priya Patel]}"})],
        LOOKUPS,
        check=lambda out, _ids: assert_total(out.data, 17),
    ),
    case(
        "created-by-me",  # who "me" is: the Issues profile of the signed-in user (James Smith in the sandbox)
        "list_issues",
        {"project": "hospital", "created_by": "me"},
        [upstream("GET", LIST, {**DEFAULT, "filter[createdBy]": "{user[James Smith]}"})],
        LOOKUPS | {ME},
        check=lambda out, _ids: assert_total(out.data, 16),
    ),
    case(
        "type-by-name",
        "list_issues",
        {"project": "hospital", "type": "Safety"},
        [upstream("GET", LIST, {**DEFAULT, "filter[issueTypeId]": "{type[Safety]}"})],
        LOOKUPS,
        check=type_is("Safety / "),
    ),
    case(
        "subtype-by-full-title",
        "list_issues",
        {"project": "hospital", "type": "Quality / Defect"},
        [upstream("GET", LIST, {**DEFAULT, "filter[issueSubtypeId]": "{type[Quality / Defect]}"})],
        LOOKUPS,
        check=every("type", "Quality / Defect"),
    ),
    case(
        "subtype-by-own-name",
        "list_issues",
        {"project": "hospital", "type": "near miss"},
        [upstream("GET", LIST, {**DEFAULT, "filter[issueSubtypeId]": "{type[Safety / Near Miss]}"})],
        LOOKUPS,
        check=every("type", "Safety / Near Miss"),
    ),
    case(
        "search-text",
        "list_issues",
        {"project": "hospital", "search": "damper"},
        [upstream("GET", LIST, {**DEFAULT, "filter[search]": "damper"})],
        LOOKUPS,
    ),
    case(
        "due-range",
        "list_issues",
        {"project": "hospital", "due": "2026-10-01..2026-10-31"},
        [upstream("GET", LIST, {**DEFAULT, "filter[dueDate]": "2026-10-01..2026-10-31"})],
        LOOKUPS,
        check=due_within("2026-10-01", "2026-10-31"),
    ),
    case(
        "due-up-to",
        "list_issues",
        {"project": "hospital", "due": "..2026-06-01"},
        [upstream("GET", LIST, {**DEFAULT, "filter[dueDate]": "..2026-06-01"})],
        LOOKUPS,
        check=due_within("0000", "2026-06-01"),
    ),
    case(
        "due-one-day-today-is-not-overdue",
        "list_issues",
        {"project": "hospital", "due": "2026-11-02"},
        [upstream("GET", LIST, {**DEFAULT, "filter[dueDate]": "2026-11-02"})],
        LOOKUPS,
        check=due_today_not_overdue,
    ),
    case(
        "created-one-day",
        "list_issues",
        {"project": "hospital", "created": "2026-06-18"},
        [upstream("GET", LIST, {**DEFAULT, "filter[createdAt]": "2026-06-18"})],
        LOOKUPS,
    ),
    case(
        "created-from",
        "list_issues",
        {"project": "hospital", "created": "2026-10-01.."},
        [upstream("GET", LIST, {**DEFAULT, "filter[createdAt]": "2026-10-01.."})],
        LOOKUPS,
    ),
    case(
        "sort-by-number",
        "list_issues",
        {"project": "hospital", "sort": "displayId", "limit": 10},
        [upstream("GET", LIST, {"sortBy": "displayId", "limit": 10, "offset": 0})],
        LOOKUPS,
        check=numbers(1, 10),
    ),
    case(
        "sort-due-ascending",
        "list_issues",
        {"project": "hospital", "sort": "dueDate", "limit": 30},
        [upstream("GET", LIST, {"sortBy": "dueDate", "limit": 30, "offset": 0})],
        LOOKUPS,
    ),
    case(
        "sort-due-descending",
        "list_issues",
        {"project": "hospital", "sort": "-dueDate", "status": ["open"]},
        [upstream("GET", LIST, {"sortBy": "-dueDate", "filter[status]": "open", **PAGE})],
        LOOKUPS,
        check=due_order(descending=True),
    ),
    case(
        "sort-due-ascending-open",
        "list_issues",
        {"project": "hospital", "sort": "dueDate", "status": ["open"]},
        [upstream("GET", LIST, {"sortBy": "dueDate", "filter[status]": "open", **PAGE})],
        LOOKUPS,
        check=due_order(descending=False),
    ),
    case(
        "limit-over-one-page",
        "list_issues",
        {"project": "hospital", "limit": 150, "sort": "displayId"},
        [
            upstream("GET", LIST, {"sortBy": "displayId", "limit": 100, "offset": 0}),
            upstream("GET", LIST, {"sortBy": "displayId", "limit": 100, "offset": 100}),
        ],
        LOOKUPS,
        check=ascending_within_budget,
    ),
    case(
        "cursor-continues-at-offset",
        "list_issues",
        {"project": "hospital", "limit": 10, "sort": "displayId"},
        [upstream("GET", LIST, {"sortBy": "displayId", "limit": 10, "offset": 10})],
        {ISSUES},
        before={"project": "hospital", "limit": 10, "sort": "displayId"},
        check=numbers(11, 10),
    ),
    case(
        "all-filters-together",
        "list_issues",
        {
            "project": "hospital",
            "status": ["open", "in_progress"],
            "assignee": "Wei Chen",
            "type": "Safety",
            "search": "scaffold",
            "due": "2026-09-01..2026-10-31",
            "created": "..2026-10-01",
            "sort": "-createdAt",
            "limit": 5,
        },
        [
            upstream(
                "GET",
                LIST,
                {
                    "filter[status]": "open,in_progress",
                    "filter[assignedTo]": "{user[Wei Chen]}",
                    "filter[issueTypeId]": "{type[Safety]}",
                    "filter[search]": "scaffold",
                    "filter[dueDate]": "2026-09-01..2026-10-31",
                    "filter[createdAt]": "..2026-10-01",
                    "sortBy": "-createdAt",
                    "limit": 5,
                    "offset": 0,
                },
            )
        ],
        LOOKUPS,
    ),
    case(
        "single-status-as-a-string",
        "list_issues",
        {"project": "hospital", "status": "open"},
        [upstream("GET", LIST, {**DEFAULT, "filter[status]": "open"})],
        LOOKUPS,
    ),
    case(
        "overdue-before-today-and-not-done",
        "list_issues",
        {"project": "hospital", "overdue": True},
        [
            upstream(
                "GET",
                LIST,
                {
                    **DEFAULT,
                    "filter[status]": "open,pending,in_progress,in_review,not_approved,in_dispute",
                    "filter[dueDate]": "..2026-11-01",
                },
            )
        ],
        LOOKUPS,
        check=lambda out, _ids: assert_today(out.text),
    ),
    case(
        "group-by-created-week-in-time-order",
        "list_issues",
        {"project": "hospital", "created": "2026-10-01..2026-10-31", "group_by": "created_week"},
        [upstream("GET", LIST, {**DEFAULT, "filter[createdAt]": "2026-10-01..2026-10-31", "limit": 100})],
        LOOKUPS,
        check=lambda out, _ids: assert_weeks(out.data, 33),
    ),
    case(
        "group-by-status-counts-every-page",
        "list_issues",
        {"project": "hospital", "group_by": "status"},
        [],
        LOOKUPS,
        check=lambda out, _ids: assert_counts(out.data),
        exact=False,
    ),
]


def assert_today(text: str) -> None:
    assert "Today is 2026-11-02." in text.splitlines()[0], text


def assert_total(data: Mapping[str, Any], total: int) -> None:
    assert data["total"] == total, data


def assert_weeks(data: Mapping[str, Any], total: int) -> None:
    """Every issue of the range counted once, by the Monday of its week, earliest first."""
    weeks = list(data["counts"])
    assert sum(data["counts"].values()) == data["total"] == total and weeks == sorted(weeks), data
    assert weeks[0] == "week of 2026-09-28" and all(w.startswith("week of 2026-") for w in weeks), data


def assert_counts(data: Mapping[str, Any]) -> None:
    assert data["by"] and sum(data["counts"].values()) == data["total"] > 100, data


@pytest.mark.parametrize("c", LIST_ISSUES)
async def test_list_issues(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
