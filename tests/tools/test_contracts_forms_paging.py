"""Forms and Assets contracts in the table form the cover test reads: a project by name, and each list's cursor
(forms: limit/offset in the `data` + `pagination` shape; assets: the upstream `cursorState`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import PROJECTS, Case, case, run_case

pytestmark = pytest.mark.anyio
FORMS = "GET /construction/forms/v1/projects/{projectId}/forms"
TEMPLATES = "GET /construction/forms/v1/projects/{projectId}/form-templates"
STEP_SETS = "GET /construction/assets/v1/projects/{projectId}/status-step-sets"
CATEGORIES = "GET /construction/assets/v1/projects/{projectId}/categories"
BASE = "/construction/forms/v1/projects/{hospital}"


def continues(first: int) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert f"Showing {first}-" in out.text, out.text

    return check


ROWS = [
    case(
        "forms-cursor",
        "list_forms",
        {"project": "hospital", "limit": 5},
        [upstream("GET", BASE + "/forms", {"limit": 5, "offset": 5})],
        {FORMS},
        before={"project": "hospital", "limit": 5},
        check=continues(6),
    ),
    case(
        "templates-by-project-name",
        "list_form_templates",
        {"project": "hospital"},
        [],
        set(),
        exact=False,
        check=lambda out, ids: None if "Weekly Site Safety Inspection" in out.text else pytest.fail(out.text),
    ),
    case(
        "templates-one-page-no-cursor",  # seven templates: the first page is the whole list, no cursor to follow
        "list_form_templates",
        {"project": "hospital"},
        [],
        set(),
        before={"project": "hospital"},
        exact=False,
        check=lambda out, ids: None if "More:" not in out.text and "cursor" not in out.data else pytest.fail(out.text),
    ),
    case(
        "assets-cursor",
        "list_assets",
        {"project": "hospital", "limit": 5},
        [],
        set(),
        before={"project": "hospital", "limit": 5},
        exact=False,
        check=continues(6),
    ),
    case(
        "settings-by-project-name",
        "get_asset_settings",
        {"project": "hospital"},
        [],
        {PROJECTS, STEP_SETS, CATEGORIES},
        exact=False,
        check=lambda out, ids: None if "Commissioned" in out.text else pytest.fail(out.text),
    ),
]


@pytest.mark.parametrize("c", ROWS)
async def test_forms_and_assets_paging(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
