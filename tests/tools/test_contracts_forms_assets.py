"""Forms and Assets tools: arguments in, the exact upstream request out (method, path, query).

A dropped or misspelt filter fails a row here. Forms and Assets read arrays exploded (`statuses=a&statuses=b`),
so the query is compared as the list of its pairs.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.endpoints import endpoint
from acc_mcp.sandbox.locations_data import project_locations
from tests.tools.recorder import recording_server
from tests.tools.test_spec import route_of

pytestmark = pytest.mark.anyio
H = {"project": "hospital"}
Query = list[tuple[str, str]]
PAGE = [("limit", "25"), ("offset", "0")]
ASSETS = [("includeCustomAttributes", "true"), ("limit", "25")]

ROWS: list[tuple[str, dict[str, Any], str, Query]] = [
    ("list_forms", {}, "forms.forms.list", PAGE),
    ("list_forms", {"limit": 5}, "forms.forms.list", [("limit", "5"), ("offset", "0")]),
    (
        "list_forms",
        {"status": ["submitted", "inReview"]},
        "forms.forms.list",
        [("statuses", "submitted"), ("statuses", "inReview"), *PAGE],
    ),
    ("list_forms", {"template": "Weekly Site Safety"}, "forms.forms.list", [("templateId", "<template>"), *PAGE]),
    (
        "list_forms",
        {"date": "2026-10-01..2026-10-31"},
        "forms.forms.list",
        [("formDateMin", "2026-10-01"), ("formDateMax", "2026-10-31"), *PAGE],
    ),
    (
        "list_forms",
        {"date": "2026-10-05"},
        "forms.forms.list",
        [("formDateMin", "2026-10-05"), ("formDateMax", "2026-10-05"), *PAGE],
    ),
    ("list_forms", {"date": "..2026-10-31"}, "forms.forms.list", [("formDateMax", "2026-10-31"), *PAGE]),
    # a count reads every page, 50 at a time (the row checks the last: the hospital has 50-100 forms)
    ("list_forms", {"group_by": "template"}, "forms.forms.list", [("limit", "50"), ("offset", "50")]),
    ("list_form_templates", {}, "forms.templates.list", PAGE),
    ("list_assets", {}, "assets.assets.list", ASSETS),
    (
        "list_assets",
        {"category": "Mechanical"},
        "assets.assets.list",
        [("includeCustomAttributes", "true"), *(("filter[categoryId]", n) for n in "23456"), ("limit", "25")],
    ),
    (
        "list_assets",
        {"status": "installed"},
        "assets.assets.list",
        [*ASSETS[:1], ("filter[statusLabel]", "Installed"), ASSETS[1]],
    ),
    (
        "list_assets",
        {"search": "Trane"},
        "assets.assets.list",
        [*ASSETS[:1], ("filter[searchText]", "Trane"), ASSETS[1]],
    ),
    (
        "list_assets",
        {"updated": "2026-10-01..2026-10-31"},
        "assets.assets.list",
        [*ASSETS[:1], ("filter[updatedAt]", "2026-10-01T00:00:00.000Z..2026-10-31T23:59:59.999Z"), ASSETS[1]],
    ),
    (
        "list_assets",
        {"updated": "2026-10-01..", "limit": 3},
        "assets.assets.list",
        [ASSETS[0], ("filter[updatedAt]", "2026-10-01T00:00:00.000Z.."), ("limit", "3")],
    ),
    # A location is one node and everything below it: `filter[locationId]` with `includeSubLocations=true`.
    # Every other list_assets row above is compared whole, so none of them sends includeSubLocations.
    (
        "list_assets",
        {"location": "Level 3"},
        "assets.assets.list",
        [ASSETS[0], ("filter[locationId]", "<Level 3>"), ("includeSubLocations", "true"), ASSETS[1]],
    ),
    (
        "list_assets",
        {"location": "Level 3 > Level 3 - North", "category": "vav", "limit": 5},
        "assets.assets.list",
        [
            ASSETS[0],
            ("filter[categoryId]", "4"),
            ("filter[locationId]", "<Level 3 - North>"),
            ("includeSubLocations", "true"),
            ("limit", "5"),
        ],
    ),
    # Status labels, any of; "before X" is the steps ahead of X in every status set that has X (not yet X).
    (
        "list_assets",
        {"status": "before installed"},
        "assets.assets.list",
        [ASSETS[0], *(("filter[statusLabel]", s) for s in ("Specified", "Ordered", "Delivered")), ASSETS[1]],
    ),
    ("list_assets", {"status": "before Installed"}, "assets.status_step_sets.list", [("limit", "200")]),
    (
        "list_assets",
        {"status": ["Delivered", "after Installed"]},
        "assets.assets.list",
        [
            ASSETS[0],
            *(("filter[statusLabel]", s) for s in ("Delivered", "Started Up", "Commissioned", "Energized")),
            *(("filter[statusLabel]", s) for s in ("Tested", "Turned Over")),
            ASSETS[1],
        ],
    ),
    (
        "list_assets",
        {"status": "not yet Installed", "group_by": "status"},  # a lifecycle: Started Up is installed
        "assets.assets.list",
        [ASSETS[0], *(("filter[statusLabel]", s) for s in ("Specified", "Ordered", "Delivered")), ("limit", "200")],
    ),
    ("get_asset_settings", {}, "assets.categories.list", []),
    ("get_asset_settings", {}, "assets.status_step_sets.list", [("limit", "200")]),
    ("get_asset_settings", {}, "assets.custom_attributes.list", [("limit", "200")]),
    ("get_asset_settings", {"category": "VAV"}, "assets.category_attributes.list", [("includeInherited", "true")]),
]


def _ids(app: Starlette) -> dict[str, str]:
    world = app.state.world
    project = next(p for p in world.projects if "Hospital" in p["name"])
    templates, _forms = app.state.families["forms"].project(project)
    safety = next(t["id"] for t in templates if t["name"] == "Weekly Site Safety Inspection")
    nodes = {f"<{n['name']}>": str(n["id"]) for n in project_locations(world, project)}
    return {"projectId": project["id"], "<template>": safety, "categoryId": "4", **nodes}


@pytest.mark.parametrize(("tool", "args", "key", "query"), ROWS)
async def test_request_sent(tool: str, args: dict[str, Any], key: str, query: Query, sandbox_app: Starlette) -> None:
    server, log = recording_server(sandbox_app, toolsets="all")
    async with Client(server) as client:
        result = await client.call_tool(tool, {**H, **args})
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    ids = _ids(sandbox_app)
    sent = [r for r in log if route_of(r) == key]
    assert sent, f"{tool} sent no {key} request"
    request = sent[-1]
    ep = endpoint(key)
    assert request.method == ep.method
    assert request.url.path == ep.path.format(**ids)
    assert list(request.url.params.multi_items()) == [(k, ids.get(v, v)) for k, v in query]
