"""Contracts for the Admin, Issues, Locations and Photos tools: arguments in, the exact upstream request out.

Each row names the tool's arguments and the request it must send for its own endpoint (method, path with the
sandbox's ids written as `{account}`, `{project}`, `{user}`, `{company}`, `{issue}`, `{node}`, and the query or
body); lookups the tool makes on the way (project names, people) are not the contract.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.sandbox import World, issues_data, locations_data

from .recorder import recording_server
from .test_spec import route_of

pytestmark = pytest.mark.anyio
H = {"project": "hospital"}
ADMIN = "/construction/admin/v1"
ISSUES = "/construction/issues/v1/projects/{project}"

Row = tuple[str, dict[str, Any], str, str, str, dict[str, Any]]
"""(tool, arguments, registry key, method, path, query — or JSON body for a POST)."""
ROWS: list[Row] = [
    ("list_companies", {}, "admin.companies.list", "GET", ADMIN + "/accounts/{account}/companies",
     {"sort": "name", "limit": "50", "offset": "0"}),
    ("list_companies", {"name": "iron", "trade": "steel"}, "admin.companies.list", "GET",
     ADMIN + "/accounts/{account}/companies",
     {"sort": "name", "filter[name]": "iron", "filter[trade]": "steel", "limit": "50", "offset": "0"}),
    ("list_companies", H, "hq.project_companies.list", "GET", "/hq/v1/accounts/{account}/projects/{project}/companies",
     {"sort": "name", "limit": "50", "offset": "0"}),
    ("get_company", {"company": "{company}"}, "hq.companies.get", "GET",
     "/hq/v1/accounts/{account}/companies/{company}", {}),
    ("get_company", {"company": "Ironclad"}, "hq.companies.search", "GET", "/hq/v1/accounts/{account}/companies/search",
     {"name": "Ironclad", "limit": "100", "offset": "0"}),
    ("list_account_users", {}, "hq.users.list", "GET", "/hq/v1/accounts/{account}/users",
     {"sort": "name", "limit": "50", "offset": "0"}),
    ("list_account_users", {"name": "chen", "company": "harbor"}, "hq.users.search", "GET",
     "/hq/v1/accounts/{account}/users/search",
     {"sort": "name", "name": "chen", "company_name": "harbor", "limit": "50", "offset": "0"}),
    ("get_person", {"person": "{user}"}, "hq.users.get", "GET", "/hq/v1/accounts/{account}/users/{user}", {}),
    ("get_person", {"person": "{user}"}, "admin.user_projects.list", "GET",
     ADMIN + "/accounts/{account}/users/{user}/projects", {"limit": "200", "offset": "0"}),
    ("get_person", {"person": "{user}"}, "admin.user_products.list", "GET",
     ADMIN + "/accounts/{account}/users/{user}/products", {"limit": "200", "offset": "0"}),
    ("get_person", {"person": "{user}"}, "admin.user_roles.list", "GET",
     ADMIN + "/accounts/{account}/users/{user}/roles", {"limit": "200", "offset": "0"}),
    ("get_person", {**H, "person": "{user}"}, "admin.project_users.get", "GET",
     ADMIN + "/projects/{project}/users/{user}", {}),
    # "me": the Issues profile's Autodesk id, that member's email, then the directory searched by email
    ("get_person", {"person": "me"}, "hq.users.search", "GET", "/hq/v1/accounts/{account}/users/search",
     {"email": "{me_email}", "limit": "100", "offset": "0"}),
    ("get_person", {"person": "me"}, "admin.user_roles.list", "GET", ADMIN + "/accounts/{account}/users/{me}/roles",
     {"limit": "200", "offset": "0"}),
    ("get_person", {"person": "{me_email}"}, "hq.users.search", "GET", "/hq/v1/accounts/{account}/users/search",
     {"email": "{me_email}", "limit": "100", "offset": "0"}),
    ("list_business_units", {}, "hq.business_units.get", "GET", "/hq/v1/accounts/{account}/business_units_structure",
     {}),
    ("list_accounts", {}, "dm.hubs.list", "GET", "/project/v1/hubs", {}),
    ("get_issue_settings", H, "issues.me.get", "GET", ISSUES + "/users/me", {}),
    ("get_issue_settings", H, "issues.types.list", "GET", ISSUES + "/issue-types",
     {"include": "subtypes", "limit": "200", "offset": "0"}),
    ("get_issue_settings", H, "issues.attribute_definitions.list", "GET", ISSUES + "/issue-attribute-definitions",
     {"limit": "200", "offset": "0"}),
    ("get_issue_settings", H, "issues.attribute_mappings.list", "GET", ISSUES + "/issue-attribute-mappings",
     {"limit": "200", "offset": "0"}),
    ("get_issue_settings", H, "issues.root_causes.list", "GET", ISSUES + "/issue-root-cause-categories",
     {"include": "rootCauses", "limit": "200", "offset": "0"}),
    ("get_issue", {**H, "issue": "{issue}"}, "issues.comments.list", "GET", ISSUES + "/issues/{issue}/comments",
     {"sortBy": "-createdAt", "limit": "3"}),
    ("get_issue", {**H, "issue": "{issue}"}, "issues.attachments.list", "GET", ISSUES + "/attachments/{issue}/items",
     {}),
    ("list_issues", {**H, "location": "Level 3", "limit": 5}, "issues.issues.list", "GET", ISSUES + "/issues",
     {"sortBy": "-updatedAt", "filter[subLocationId]": "{node}", "limit": "5", "offset": "0"}),
    # A path whose child repeats its parent's name is shown as the child alone; either form finds it.
    ("list_issues", {**H, "location": "Level 3 - North", "limit": 5}, "issues.issues.list", "GET", ISSUES + "/issues",
     {"sortBy": "-updatedAt", "filter[subLocationId]": "{north3}", "limit": "5", "offset": "0"}),
    ("list_issues", {**H, "location": "Level 3 > Level 3 - North", "limit": 5}, "issues.issues.list", "GET",
     ISSUES + "/issues", {"sortBy": "-updatedAt", "filter[subLocationId]": "{north3}", "limit": "5", "offset": "0"}),
    ("list_issues", {**H, "location": "level 3 north", "limit": 5}, "issues.issues.list", "GET",  # punctuation aside
     ISSUES + "/issues", {"sortBy": "-updatedAt", "filter[subLocationId]": "{north3}", "limit": "5", "offset": "0"}),
]  # fmt: skip


def _ids(world: World) -> dict[str, str]:
    project = next(p for p in world.projects if "Hospital" in p["name"])
    issue = next(i for i in issues_data.generate(world, project).issues if i["displayId"] == 6)
    nodes = locations_data.project_locations(world, project)
    return {
        "account": world.account_id,
        "project": project["id"],
        "user": world.users[3]["id"],
        "me": world.users[0]["id"],  # who the sandbox token signs in as
        "me_email": world.users[0]["email"],
        "company": world.companies[4]["id"],
        "issue": issue["id"],
        "node": next(n["id"] for n in nodes if n["name"] == "Level 3"),
        "north3": next(n["id"] for n in nodes if n["name"] == "Level 3 - North"),
    }


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace(f"{{{k}}}", v)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("tool", "args", "key", "method", "path", "sent"), ROWS)
async def test_arguments_become_this_request(
    tool: str, args: dict[str, Any], key: str, method: str, path: str, sent: dict[str, Any], sandbox_app: Starlette
) -> None:
    ids = _ids(sandbox_app.state.world)
    server, log = recording_server(sandbox_app, toolsets="all")
    async with Client(server) as client:
        result = await client.call_tool(tool, _fill(args, ids))
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    requests = [r for r in log if route_of(r) == key]
    assert requests, f"{tool} never called {key}"
    request: httpx2.Request = requests[0]
    assert (request.method, request.url.path) == (method, _fill(path, ids))
    got = json.loads(request.content) if method == "POST" else dict(request.url.params)
    assert got == _fill(sent, ids)
