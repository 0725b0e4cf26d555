"""Contracts of get_issue: by number, `#number`, id or integer; `full`; custom values and comments by name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import ISSUE, ISSUE_TYPES, ISSUES, NAMES, PROJECTS, Case, case, run_case
from tests.tools.test_contracts_issues import LIST, LOOKUPS

pytestmark = pytest.mark.anyio
DETAIL = {
    "GET /construction/issues/v1/projects/{projectId}/issues/{issueId}/comments",
    "GET /construction/issues/v1/projects/{projectId}/issue-attribute-definitions",
    "GET /construction/issues/v1/projects/{projectId}/issue-root-cause-categories",
}
"""What get_issue adds to a list line's lookups: its latest comments, custom field options, root causes."""
ATTACHMENTS = "GET /construction/issues/v1/projects/{projectId}/attachments/{issueId}/items"


def detail(number: int, *, full: bool) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.text.startswith(f"Issue #{number}\n"), out.text
        assert out.data["#"] == number and "id" in out.data and "description" in out.data
        raw = {"displayId", "issueTypeId", "containerId", "assignedTo"}
        assert (raw <= set(out.data)) is full and (raw & set(out.data) == set()) is not full, sorted(out.data)

    return check


def custom_values_named(out: Outcome, ids: Mapping[str, Any]) -> None:
    custom = next(ln for ln in out.text.splitlines() if ln.startswith("custom: "))
    assert "Responsible Trade" in custom and not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", custom), custom


def comments_shown(out: Outcome, ids: Mapping[str, Any]) -> None:
    """The issue has comments; the record shows them (author, date, text), not just how many there are."""
    assert "Latest comments (2 in all" in out.text, out.text
    assert "- Oct 18 Chloe Dubois: Crew will address on the next shift." in out.text, out.text


GET_ISSUE = [
    case(
        "by-number",
        "get_issue",
        {"project": "hospital", "issue": "42"},
        [upstream("GET", LIST, {"filter[displayId]": 42, "limit": 1, "offset": 0})],
        LOOKUPS | DETAIL,
        check=detail(42, full=False),
    ),
    case(
        "by-hash-number",
        "get_issue",
        {"project": "hospital", "issue": "#7"},
        [upstream("GET", LIST, {"filter[displayId]": 7, "limit": 1, "offset": 0})],
        LOOKUPS | DETAIL | {ATTACHMENTS},
        check=detail(7, full=False),
    ),
    case(
        "by-id",
        "get_issue",
        {"project": "{hospital}", "issue": "{issue[42]}"},
        [upstream("GET", LIST + "/{issue[42]}")],
        {ISSUE, ISSUE_TYPES, *NAMES, *DETAIL},
        check=detail(42, full=False),
    ),
    case(
        "full-adds-every-field",
        "get_issue",
        {"project": "hospital", "issue": "42", "full": True},
        [upstream("GET", LIST, {"filter[displayId]": 42, "limit": 1, "offset": 0})],
        LOOKUPS | DETAIL,
        check=detail(42, full=True),
    ),
    case(
        "unknown-number",
        "get_issue",
        {"project": "hospital", "issue": "9999"},
        [upstream("GET", LIST, {"filter[displayId]": 9999, "limit": 1, "offset": 0})],
        {PROJECTS, ISSUES},
        error="no issue #9999",
    ),
    case(
        "custom-list-attribute-by-its-option-name",
        "get_issue",
        {"project": "hospital", "issue": "42"},
        [],
        set(),
        check=custom_values_named,
        exact=False,
    ),
    case(
        "includes-its-comments",
        "get_issue",
        {"project": "hospital", "issue": "42"},
        [],
        set(),
        check=comments_shown,
        exact=False,
    ),
    case(
        "number-as-an-integer",
        "get_issue",
        {"project": "hospital", "issue": 42},
        [upstream("GET", LIST, {"filter[displayId]": 42, "limit": 1, "offset": 0})],
        LOOKUPS | DETAIL,
        check=detail(42, full=False),
    ),
]


@pytest.mark.parametrize("c", GET_ISSUE)
async def test_get_issue(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
