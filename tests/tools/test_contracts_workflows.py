"""get_review_workflow: a workflow by (part of) its name is found in the list, which carries whole records."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.recording import upstream
from tests.tools.contract import PROJECTS, Case, case, run_case

pytestmark = pytest.mark.anyio
WORKFLOWS = "GET /construction/reviews/v1/projects/{projectId}/workflows"
LIST = "/construction/reviews/v1/projects/{hospital}/workflows"

ROWS = [
    case(
        "by-name-from-the-list",
        "get_review_workflow",
        {"project": "hospital", "workflow": "Structural Shop Drawing Review"},
        [upstream("GET", LIST, {"limit": 50, "offset": 0})],
        {PROJECTS, WORKFLOWS},
        check=lambda out, ids: (
            None
            if out.text.startswith("Workflow Structural Shop Drawing Review") and "Initial Review" in out.text
            else pytest.fail(out.text)
        ),
    ),
    case(
        "by-part-of-the-name",
        "get_review_workflow",
        {"project": "hospital", "workflow": "owner design"},
        [upstream("GET", LIST, {"limit": 50, "offset": 0})],
        {PROJECTS, WORKFLOWS},
        check=lambda out, ids: None if out.text.startswith("Workflow Owner Design Approval") else pytest.fail(out.text),
    ),
    case(
        "unknown-name",
        "get_review_workflow",
        {"project": "hospital", "workflow": "Landscaping"},
        [upstream("GET", LIST, {"limit": 50, "offset": 0})],
        {PROJECTS, WORKFLOWS},
        error="no workflow matches 'Landscaping'",
    ),
]


@pytest.mark.parametrize("c", ROWS)
async def test_get_review_workflow(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
