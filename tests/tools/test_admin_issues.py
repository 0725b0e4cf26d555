"""Admin, Issues, Locations and Photos end to end through the SDK client: the facts a person asks for, named."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox import World, build_app, issues_data, locations_data

from .recorder import recording_server

pytestmark = pytest.mark.anyio
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
H = {"project": "hospital"}


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as c:
        yield c


async def call(client: Client, tool: str, **args: object) -> tuple[bool, str]:
    result = await client.call_tool(tool, args)
    return bool(result.is_error), "\n".join(b.text for b in result.content if b.type == "text")


async def text_of(client: Client, tool: str, **args: object) -> str:
    error, body = await call(client, tool, **args)
    assert not error, body
    return body


def hospital(world: World) -> dict[str, object]:
    return next(p for p in world.projects if "Hospital" in p["name"])


async def test_companies_of_the_account_and_of_a_project(client: Client, world: World) -> None:
    body = await text_of(client, "list_companies")
    assert f"{len(world.companies)} companies in all." in body and not UUID.search(body)
    assert "Ironclad Steel Erectors · Structural Steel · Beaverton" in body
    on_project = {m["companyName"] for m in world.project_members(str(hospital(world)["id"]))}
    lines = (await text_of(client, "list_companies", limit=50, **H)).splitlines()[1:]
    assert {ln.split(" · ")[0] for ln in lines} == on_project
    one = await text_of(client, "get_company", company="ironclad")
    assert one.startswith("Company Ironclad Steel Erectors") and "website: https://www." in one


async def test_a_person_with_projects_products_and_roles_in_one_call(client: Client, world: World) -> None:
    person = world.users[3]
    body = await text_of(client, "get_person", person=person["name"], **H)
    assert body.startswith(f"Person {person['name']}") and person["email"] in body
    projects = [
        p["name"] for p in world.projects if any(m["id"] == person["id"] for m in world.project_members(p["id"]))
    ]
    assert all(name in body for name in projects)
    assert "products: AutoSpecs, Build, Docs" in body and f"roles: {person['roles'][0]['name']}" in body
    assert f"on project: active, {person['roles'][0]['name']}, {person['companyName']}" in body
    people = await text_of(client, "list_account_users", company=person["companyName"][:8])
    assert person["name"] in people and person["email"] in people


async def test_account_users_are_grouped_under_their_company(client: Client, world: World) -> None:
    """The company heads its people once instead of repeating on every line."""
    lines = (await text_of(client, "list_account_users", limit=100)).splitlines()[1:]
    heads = {ln[:-1]: i for i, ln in enumerate(lines) if ln.endswith(":")}
    assert set(heads) == {u["companyName"] for u in world.users}
    for user in world.users:
        at = lines.index(next(ln for ln in lines if ln.startswith(f"{user['name']} · ")))
        above = max(i for i in heads.values() if i < at)
        assert lines[above] == f"{user['companyName']}:" and user["companyName"] not in lines[at], lines[at]


async def test_business_units_and_accounts(client: Client, world: World) -> None:
    assert "North America > Pacific Northwest" in await text_of(client, "list_business_units")
    assert f"account {world.account_id}" in await text_of(client, "list_accounts")
    assert "value:" in await text_of(client, "get_project", **H)


async def test_latest_comments_and_attachments_come_with_the_issue(client: Client, world: World) -> None:
    project = hospital(world)
    issue = next(i for i in issues_data.generate(world, project).issues if i["displayId"] == 6)
    latest = max(issues_data.comments(world, str(project["id"]), issue), key=lambda c: c["createdAt"])
    body = await text_of(client, "get_issue", issue=6, **H)
    assert f"Latest comments ({issue['commentCount']} in all" in body
    assert " ".join(latest["body"].split())[:60] in body.split("Latest comments")[1].splitlines()[1]
    for attachment in issues_data.attachments(world, issue):
        assert attachment["displayName"] in body
    custom = next((ln for ln in body.splitlines() if ln.startswith("custom:")), "")
    assert not UUID.search(custom)
    assert not UUID.search("\n".join(ln for ln in body.splitlines() if " by:" in ln))


async def test_issue_settings_in_one_call(client: Client) -> None:
    body = await text_of(client, "get_issue_settings", **H)
    assert "you: project admin" in body and "Safety (Hazard, Near Miss, Incident)" in body
    assert "Priority [list: Critical, High, Medium, Low] on all types" in body
    assert "Workmanship (Installation error" in body and not UUID.search(body)


async def test_issues_filtered_by_a_location_name(client: Client, world: World) -> None:
    project = hospital(world)
    nodes = locations_data.project_locations(world, project)
    level = next(n["id"] for n in nodes if n["name"] == "Level 3")
    below = {level} | {n["id"] for n in nodes if n["parentId"] == level}
    live = [i for i in issues_data.generate(world, project).issues if not i["deletedAt"]]
    expected = sum(i["locationId"] in below for i in live)
    body = await text_of(client, "list_issues", location="level 3", limit=1, **H)
    assert body.startswith(f"{expected} issues in all.")


async def test_photo_lines_carry_the_description(client: Client) -> None:
    lines = (await text_of(client, "search_photos", limit=3, **H)).splitlines()[1:4]
    assert all(len(ln.split(" · ")) >= 3 for ln in lines)


@pytest.mark.parametrize(
    ("tool", "args", "says"),
    [
        ("get_person", {"person": "Nobody Here"}, "Call list_account_users"),
        ("list_companies", {**H, "trade": "steel"}, "call list_companies without project"),
        ("list_issues", {**H, "location": "Atlantis"}, "Call list_locations"),
        ("list_issues", {**H, "location": "Level"}, "Pass more of the path"),
        ("get_issue_settings", {"project": "no such project"}, "Call list_projects"),
    ],
)
async def test_bad_input_says_what_to_do_next(client: Client, tool: str, args: dict[str, object], says: str) -> None:
    error, body = await call(client, tool, **args)
    assert error and says in body, body


async def test_emea_accounts_are_asked_on_the_eu_hosts() -> None:
    app = build_app(World.build(region="EMEA"))
    server, log = recording_server(app, toolsets="all", region="EMEA")
    async with Client(server) as client:
        assert "North America" in await text_of(client, "list_business_units")
        assert "Person " in await text_of(client, "get_person", person=app.state.world.users[2]["name"])
    hq = [r.url.path for r in log if "/hq/" in r.url.path]
    assert hq and all(p.startswith("/hq/v1/regions/eu/") for p in hq)


async def test_a_person_not_on_the_project_is_still_shown(client: Client, world: World) -> None:
    on = {m["id"] for m in world.project_members(str(hospital(world)["id"]))}
    outsider = next(u for u in world.users if u["id"] not in on)
    body = await text_of(client, "get_person", person=outsider["email"].split("@")[0][1:], **H)
    assert body.startswith(f"Person {outsider['name']}") and "Not a member of project hospital." in body
