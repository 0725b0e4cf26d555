"""Contracts of the worked-example tools: list_issue_comments (an issue reference filling `{issueId}`) and
list_locations (the default tree, each node shown as its path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from acc_mcp.tools.locations import _joined
from tests.recording import Outcome, upstream
from tests.tools.contract import ISSUES, ISSUES_BASE, NAMES, PROJECTS, Case, case, run_case

pytestmark = pytest.mark.anyio
COMMENTS = "GET /construction/issues/v1/projects/{projectId}/issues/{issueId}/comments"
NODES = "GET /construction/locations/v2/projects/{projectId}/trees/{treeId}/nodes"
TREE = "/construction/locations/v2/projects/{hospital}/trees/default/nodes"
NEWEST = {"sortBy": "-createdAt", "limit": 25, "offset": 0}


def newest_first(out: Outcome, ids: Mapping[str, Any]) -> None:
    lines = out.text.splitlines()[1:]
    assert out.text.startswith("2 comments in all.") and len(lines) == 2, out.text
    assert lines[0].startswith("Oct 18 by Chloe Dubois") and lines[1].startswith("Jul 17 by Marcus Johnson")


def paths(out: Outcome, ids: Mapping[str, Any]) -> None:
    shown = [i["path"] for i in out.items]
    # The tree writes every parent, so the nesting shows (other lists write the place alone: "Level 1 - North").
    assert shown[:3] == ["Project", "Level 1", "Level 1 > Level 1 - North"], out.text
    assert all(" > " in p for p in shown[3:] if p.startswith("Level 1 -")), out.text
    # The type is shown only where it is not the usual "Area" (the root).
    assert [i.get("type") for i in out.items[:2]] == ["Root", None], out.text
    assert "type Area" not in out.text and out.text.splitlines()[1] == "Project · type Root", out.text


LIST_ISSUE_COMMENTS = [
    case(
        "by-number-newest-first",
        "list_issue_comments",
        {"project": "hospital", "issue": "#42", "limit": 25},
        [
            upstream("GET", ISSUES_BASE + "/issues", {"filter[displayId]": 42, "limit": 1, "offset": 0}),
            upstream("GET", ISSUES_BASE + "/issues/{issue[42]}/comments", NEWEST),
        ],
        {PROJECTS, ISSUES, COMMENTS, *NAMES},
        check=newest_first,
    ),
    case(
        "by-id-and-cursor",
        "list_issue_comments",
        {"project": "hospital", "issue": "{issue[42]}", "limit": 1},
        [upstream("GET", ISSUES_BASE + "/issues/{issue[42]}/comments", {**NEWEST, "limit": 1, "offset": 1})],
        {COMMENTS},
        before={"project": "hospital", "issue": "{issue[42]}", "limit": 1},
    ),
    case(
        "unknown-number",
        "list_issue_comments",
        {"project": "hospital", "issue": 9999},
        [upstream("GET", ISSUES_BASE + "/issues", {"filter[displayId]": 9999, "limit": 1, "offset": 0})],
        {PROJECTS, ISSUES},
        error="there is no issue #9999",
    ),
]

LIST_LOCATIONS = [
    case(
        "tree-as-paths",
        "list_locations",
        {"project": "hospital", "limit": 5},
        [upstream("GET", TREE, {"limit": 5, "offset": 0}), upstream("GET", TREE, {"limit": 10000, "offset": 0})],
        {PROJECTS, NODES},
        check=paths,
    ),
    case(
        "cursor",
        "list_locations",
        {"project": "hospital", "limit": 5},
        [upstream("GET", TREE, {"limit": 5, "offset": 5})],
        {NODES},
        before={"project": "hospital", "limit": 5},
    ),
    case(
        "unknown-project",
        "list_locations",
        {"project": "Atlantis"},
        [],
        {PROJECTS},
        error="No project matches 'Atlantis'. Call list_projects",
    ),
]


@pytest.mark.parametrize("c", LIST_ISSUE_COMMENTS)
async def test_list_issue_comments(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", LIST_LOCATIONS)
async def test_list_locations(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        (["Level 1", "Level 1 - North"], "Level 1 - North"),
        (["Tower A", "Level 3", "Room 301"], "Tower A > Level 3 > Room 301"),
        (["Level 1", "Level 1"], "Level 1 > Level 1"),  # the same name twice is two places, not one
        (["East Wing", "Level 2", "Level 2 Corridor"], "East Wing > Level 2 Corridor"),
    ],
)
def test_path_joins_a_child_that_repeats_its_parent(parts: list[str], path: str) -> None:
    assert _joined(parts) == path
