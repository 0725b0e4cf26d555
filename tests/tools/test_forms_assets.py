"""Forms and Assets end to end through the SDK client: named things, filters that narrow, paging, bad input."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox.app import Fault
from acc_mcp.sandbox.locations_data import project_locations

pytestmark = pytest.mark.anyio
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
H = {"project": "hospital"}


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "forms,assets"}, app=sandbox_app)) as c:
        yield c


async def call(client: Client, tool: str, **args: object) -> tuple[str, dict[str, object]]:
    result = await client.call_tool(tool, {**H, **args})
    body = "\n".join(b.text for b in result.content if b.type == "text")
    assert not result.is_error, body
    return body, result.structured_content or {}


async def error(client: Client, tool: str, **args: object) -> str:
    result = await client.call_tool(tool, {**H, **args})
    assert result.is_error
    return "\n".join(b.text for b in result.content if b.type == "text")


async def test_forms_are_named_and_narrowed_by_template_status_and_date(client: Client) -> None:
    body, _ = await call(client, "list_forms")
    lines = body.splitlines()[1:]
    assert lines[0].startswith("#") and not UUID.search(body)
    assert re.search(r"· assignee [A-Z][a-z]+ [A-Z]", body) and " · at Level " in body
    body, data = await call(client, "list_forms", template="weekly site safety", status=["submitted"])
    items = data["items"]
    assert isinstance(items, list) and items
    assert all(i["name"] == "Weekly Site Safety Inspection" and i["status"] == "submitted" for i in items)
    body, _ = await call(client, "list_forms", date="2026-10-26..2026-10-30")
    days = re.findall(r" · (\w{3} \d+) · ", body)
    assert days and set(days) <= {"Oct 26", "Oct 27", "Oct 28", "Oct 29", "Oct 30"}


async def test_form_templates_list_every_template(client: Client) -> None:
    body, _ = await call(client, "list_form_templates")
    assert body.startswith("7 form templates in all.")
    assert "Daily Report · type daily_report" in body and "· inactive ·" in body  # active goes unsaid


async def test_assets_name_category_status_and_location(client: Client) -> None:
    body, _ = await call(client, "list_assets", limit=10)
    lines = body.splitlines()
    # Grouped by category; the tag leads each line, then status and location.
    assert lines[1] == "Air Handling Units:" and lines[2].startswith("AHU-1-01 Installed · at Level 1 - North")
    assert not UUID.search(body)
    assert lines[-1].startswith("Showing 1-10.") and "cursor=" in lines[-1]
    cursor = re.search(r'cursor="([^"]+)"', lines[-1]).group(1)  # type: ignore[union-attr]
    more, _ = await call(client, "list_assets", limit=10, cursor=cursor)
    assert more.splitlines()[-1].startswith("Showing 11-20.")
    tags = [ln for ln in lines[1:-1] if not ln.endswith(":")]
    assert not set(tags) & set(more.splitlines()[1:-1])  # cursorState: the next page, no overlap


async def test_a_category_includes_its_subcategories_and_status_is_a_label(client: Client) -> None:
    _, data = await call(client, "list_assets", category="mechanical", status="INSTALLED")
    items = data["items"]
    assert isinstance(items, list) and len(items) > 1
    assert {i["status"] for i in items} == {"Installed"}
    assert {i["category"] for i in items} <= {"Air Handling Units", "VAV Boxes", "Exhaust Fans", "Pumps"}


async def test_a_search_shows_each_assets_attributes_by_name(client: Client) -> None:
    body, _ = await call(client, "list_assets", search="trane")
    assert "Manufacturer Trane" in body and "Voltage 277/480V" in body and "Serial Number " in body


async def test_a_location_is_that_node_and_everything_below_it(client: Client, sandbox_app: Starlette) -> None:
    """Asked what equipment is on Level 3: every asset on Level 3 or a location under it, and only those."""
    world = sandbox_app.state.world
    project = next(p for p in world.projects if "Hospital" in p["name"])
    nodes = project_locations(world, project)
    below = {n["id"] for n in nodes if n["name"] == "Level 3"}
    while grown := {n["id"] for n in nodes if n["parentId"] in below} - below:
        below |= grown
    live = [a for a in sandbox_app.state.families["assets"].project(project).assets if a["deletedAt"] is None]
    wanted = {a["clientAssetId"] for a in live if a["locationId"] in below}
    assert wanted and len(wanted) < len(live)
    body, data = await call(client, "list_assets", location="Level 3", limit=200)
    items = data["items"]
    assert isinstance(items, list) and {i["tag"] for i in items} == wanted and len(items) == len(wanted)
    assert all(i["at"] == "Level 3" or i["at"].startswith("Level 3 - ") for i in items)
    assert body.startswith(f"{len(wanted)} assets in all.")
    _, data = await call(client, "list_assets", location="level 3 north", limit=200)  # "Level 3 - North"
    north = {n["id"] for n in nodes if n["name"] == "Level 3 - North"}
    items, wing = data["items"], {a["clientAssetId"] for a in live if a["locationId"] in north}
    assert isinstance(items, list) and {i["tag"] for i in items} == wing and wing < wanted


async def test_settings_and_a_categorys_attributes(client: Client) -> None:
    body, _ = await call(client, "get_asset_settings")
    assert "Mechanical: Air Handling Units, VAV Boxes, Exhaust Fans, Pumps" in body
    assert "Temporary Power (inactive)" in body
    assert "Equipment Lifecycle (default): Specified > Ordered > Delivered > Installed" in body
    assert "Voltage (select: 120/208V, 277/480V, 4160V)" in body
    body, _ = await call(client, "get_asset_settings", category="vav")
    assert body.startswith("Asset category VAV Boxes")
    assert (
        "Manufacturer (text, required, from All Assets)" in body and "Airflow (CFM) (numeric, from Mechanical)" in body
    )


async def test_bad_input_says_which_tool_lists_valid_values(client: Client) -> None:
    assert "list_form_templates" in await error(client, "list_forms", template="boiler startup")
    assert "get_asset_settings" in await error(client, "list_assets", category="boilers")
    text = await error(client, "list_assets", status="broken")
    assert "'broken' is no asset status" in text and "Commissioned" in text
    assert "YYYY-MM-DD" in await error(client, "list_forms", date="last week")
    text = await error(client, "list_assets", location="Level 99")
    assert "No location matches 'Level 99'" in text and "list_locations" in text


async def test_names_degrade_to_ids_when_a_settings_list_is_forbidden(sandbox_app: Starlette) -> None:
    sandbox_app.state.controls.faults.append(Fault(403, "/categories", times=5))
    async with Client(demo_server({"toolsets": "assets"}, app=sandbox_app)) as client:
        body, _ = await call(client, "list_assets", limit=3)
    lines = body.splitlines()
    assert lines[1] == "3:" and lines[2].startswith("AHU-1-01 Installed · ")  # the category's id, status named


async def test_assets_not_yet_installed_are_the_steps_before_it_and_count_by_category(client: Client) -> None:
    _, every = await call(client, "list_assets", limit=200)
    items = every["items"]
    assert isinstance(items, list)
    ahead = {"Specified", "Ordered", "Delivered"}  # before Installed in both status sets
    expected = Counter(str(i["category"]) for i in items if i["status"] in ahead)
    _, data = await call(client, "list_assets", status="before installed", limit=200)
    shown = data["items"]
    assert isinstance(shown, list) and len(shown) == sum(expected.values()) > 0
    assert {i["status"] for i in shown} <= ahead
    _, same = await call(client, "list_assets", status="not installed", limit=200)
    assert same["items"] == shown  # "not installed" on a job means not yet: Started Up is installed
    body, _ = await call(client, "list_assets", status="before Installed", group_by="category")
    assert body.startswith(f"{sum(expected.values())} assets in St. Mary's Hospital Expansion")
    assert all(f"\n{category}: {n}" in body for category, n in expected.items())
    assert "'not' is no asset status" in await error(client, "list_assets", status="not")
