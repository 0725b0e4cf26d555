"""Contracts of the Reviews tools: list_reviews (status, name, sort, paging) and get_review_progress (by number,
name or id)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import PROJECTS, Case, case, overdue_rule, run_case

pytestmark = pytest.mark.anyio
BASE = "/construction/reviews/v1/projects/{hospital}/reviews"
NEWEST = {"sort": "createdAt desc"}


def grouped_newest_first(out: Outcome, ids: Mapping[str, Any]) -> None:
    """Grouped under a heading per status, OPEN first; within a group, newest (highest number) first."""
    headings = [ln for ln in out.lines if ln.endswith(":")]
    assert headings[0] == "OPEN:" and len(headings) == len(set(headings)) >= 2, out.text
    by_status: dict[str, list[int]] = {}
    for item in out.items:
        by_status.setdefault(item["status"], []).append(item["#"])
    for numbers in by_status.values():
        assert numbers == sorted(numbers, reverse=True), out.text
    overdue_rule({"OPEN"}, key="step due")(out, ids)
    assert "#16 Foundation Rebar Shop Drawings · step due Oct 28, overdue · claimed " in out.text
    assert "#15 Transfer Beam Details – Level 4 · step due Nov 3 · next " in out.text


def only(*numbers: int) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert [i["#"] for i in out.items] == list(numbers), out.text

    return check


LIST_REVIEWS = [
    case(
        "overdue-open-with-step-due-before-today",
        "list_reviews",
        {"project": "hospital", "overdue": True},
        [
            upstream(
                "GET",
                BASE,
                {
                    **NEWEST,
                    "filter[status]": "OPEN",
                    "filter[currentStepDueDate]": "..2026-11-01",
                    "limit": 25,
                    "offset": 0,
                },
            )
        ],
        {PROJECTS},
    ),
    case(
        "group-by-next",
        "list_reviews",
        {"project": "hospital", "group_by": "next"},
        [],
        {PROJECTS},
        check=lambda out, _ids: assert_counted(out.text),
        exact=False,
    ),
    case(
        "all-grouped-newest-first",
        "list_reviews",
        {"project": "hospital"},
        [upstream("GET", BASE, {**NEWEST, "limit": 25, "offset": 0})],
        {PROJECTS},
        check=grouped_newest_first,
    ),
    case(
        "status",
        "list_reviews",
        {"project": "{hospital}", "status": "OPEN"},
        [upstream("GET", BASE, {**NEWEST, "filter[status]": "OPEN", "limit": 25, "offset": 0})],
        set(),
        check=only(22, 21, 20, 19, 18, 17, 16, 15),
    ),
    case(
        "name",
        "list_reviews",
        {"project": "hospital", "name": "Foundation Rebar"},
        [upstream("GET", BASE, {**NEWEST, "filter[name]": "Foundation Rebar", "limit": 25, "offset": 0})],
        {PROJECTS},
        check=only(19, 16),
    ),
    case(
        "status-and-name",
        "list_reviews",
        {"project": "hospital", "status": "CLOSED", "name": "shear wall"},
        [
            upstream(
                "GET",
                BASE,
                {**NEWEST, "filter[status]": "CLOSED", "filter[name]": "shear wall", "limit": 25, "offset": 0},
            )
        ],
        {PROJECTS},
        check=only(3),
    ),
    case(
        "limit",
        "list_reviews",
        {"project": "hospital", "limit": 4},
        [upstream("GET", BASE, {**NEWEST, "limit": 4, "offset": 0})],
        {PROJECTS},
        check=only(22, 21, 20, 19),
    ),
    case(
        "cursor-continues-at-offset",
        "list_reviews",
        {"project": "hospital", "limit": 4},
        [upstream("GET", BASE, {**NEWEST, "limit": 4, "offset": 4})],
        set(),
        before={"project": "hospital", "limit": 4},
        check=only(18, 17, 16, 15),
    ),
]


def progress_of(number: int, name: str, where: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.text.startswith(f"Review #{number} {name} · "), out.text
        assert where in out.text.splitlines()[0] and "Steps:" in out.text
        assert out.data["review"]["id"] == ids["review"][number]

    return check


def steps(number: str) -> list[Any]:
    return [
        upstream("GET", BASE + f"/{{review[{number}]}}/workflow"),
        upstream("GET", BASE + f"/{{review[{number}]}}/progress", {"limit": 50, "offset": 0}),
    ]


GET_REVIEW_PROGRESS = [
    case(
        "by-number",
        "get_review_progress",
        {"project": "hospital", "review": "15"},
        [upstream("GET", BASE, {"filter[sequenceId]": 15, "limit": 50, "offset": 0}), *steps("15")],
        {PROJECTS},
        check=progress_of(15, "Transfer Beam Details – Level 4", "OPEN · step 3 of 4"),
    ),
    case(
        "by-hash-number-among-similar-numbers",
        "get_review_progress",
        {"project": "{hospital}", "review": "#1"},
        [upstream("GET", BASE, {"filter[sequenceId]": 1, "limit": 50, "offset": 0}), *steps("1")],
        set(),
        check=progress_of(1, "Roof Framing Plan – IFC", "CLOSED"),
    ),
    case(
        "by-name",
        "get_review_progress",
        {"project": "hospital", "review": "transfer beam"},
        [upstream("GET", BASE, {"filter[name]": "transfer beam", "limit": 50, "offset": 0}), *steps("15")],
        {PROJECTS},
        check=progress_of(15, "Transfer Beam Details – Level 4", "step 3 of 4"),
    ),
    case(
        "by-id",
        "get_review_progress",
        {"project": "{hospital}", "review": "{review[16]}"},
        [upstream("GET", BASE + "/{review[16]}"), *steps("16")],
        set(),
        check=progress_of(16, "Foundation Rebar Shop Drawings", "OPEN"),
    ),
    case(
        "ambiguous-name-names-the-candidates",
        "get_review_progress",
        {"project": "hospital", "review": "Shear Wall"},
        [upstream("GET", BASE, {"filter[name]": "Shear Wall", "limit": 50, "offset": 0})],
        {PROJECTS},
        error="matches 2 reviews",
    ),
]


@pytest.mark.parametrize("c", LIST_REVIEWS)
async def test_list_reviews(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", GET_REVIEW_PROGRESS)
async def test_get_review_progress(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


def assert_counted(text: str) -> None:
    assert "reviews in St. Mary's Hospital Expansion as of 2026-11-02, by next:" in text.splitlines()[0], text
