"""The sandbox's Issues responses as a whole: the 10,000-issue project (size and speed), the official OpenAPI
schemas, and the cached page encoding (byte for byte what a JSON response would send)."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from acc_mcp.sandbox.issues_data import LARGE_ISSUES
from acc_mcp.sandbox.world import LARGE_PROJECT
from tests.sandbox.test_issues import Issue, base
from tests.sandbox.test_issues import issues as issues  # the fixture: every issue of the first project

from .reference import component

pytestmark = pytest.mark.anyio


# the large world --------------------------------------------------------------------------------------------


async def test_large_project_has_ten_thousand_issues_and_builds_fast() -> None:
    started = time.perf_counter()
    big = World.build(large=True)
    app = build_app(big)
    built = time.perf_counter() - started
    project = next(p for p in big.projects if p["name"] == LARGE_PROJECT[0])
    url = f"/construction/issues/v1/projects/{project['id']}/issues"
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="https://developer.api.autodesk.com",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    ) as http:
        started = time.perf_counter()
        first = (await http.get(url, params={"limit": 100})).json()
        first_page = time.perf_counter() - started
        last = (await http.get(url, params={"limit": 100, "offset": LARGE_ISSUES - 100})).json()
        open_ = (await http.get(url, params={"filter[status]": "open", "sortBy": "-dueDate", "limit": 1})).json()
    assert first["pagination"]["totalResults"] == LARGE_ISSUES == 10_000
    assert len(last["results"]) == 100 and "nextUrl" not in last["pagination"]
    assert last["results"][-1]["displayId"] == LARGE_ISSUES
    assert 0 < open_["pagination"]["totalResults"] < LARGE_ISSUES
    assert built < 1.0, f"building the large world took {built:.2f}s"
    assert first_page < 3.0, f"the first page of the large project took {first_page:.2f}s"


# the official OpenAPI schemas --------------------------------------------------------------------------------


async def test_responses_validate_against_issues_openapi(
    sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]
) -> None:
    issue_schema = component("Issue")
    pinned = next(i for i in issues if i["linkedDocuments"] and i["gpsCoordinates"] and i["customAttributes"])
    for issue in [pinned, *issues[:40]]:
        issue_schema.validate(issue)
    assert not issue_schema.is_valid({**pinned, "displayId": "7"})  # the check has teeth
    one = (await sandbox_http.get(f"{base(world)}/issues/{pinned['id']}")).json()
    issue_schema.validate(one)
    pages = {
        "IssuesPage": "/issues?limit=5",
        "issue_types_page": "/issue-types?include=subtypes",
        "root_cause_categories_page": "/issue-root-cause-categories?include=rootcauses",
        "attr_definition_page": "/issue-attribute-definitions",
        "attr_mapping_page": "/issue-attribute-mappings",
        "User": "/users/me",
        "commentsPage": f"/issues/{max(issues, key=lambda i: i['commentCount'])['id']}/comments",
        "attachments": f"/attachments/{next(i for i in issues if i['attachmentCount'])['id']}/items",
    }
    for name, path in pages.items():
        body = (await sandbox_http.get(f"{base(world)}{path}")).json()
        component(name).validate(body)


async def test_full_pages_are_the_bytes_a_json_response_would_send(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Any, world: World
) -> None:
    """The cached-encoding fast path for unprojected pages sends exactly what JSONResponse would."""
    from starlette.responses import JSONResponse

    from acc_mcp.sandbox.issues_data import render

    for _ in range(2):  # cold, then from the cache
        params: dict[str, str | int] = {"limit": 7, "offset": 3, "sortBy": "-displayId"}
        got = await sandbox_http.get(f"{base(world)}/issues", params=params)
        data = sandbox_app.state.families["issues"].project(world.projects[0])
        body = got.json()
        expected = {
            "pagination": body["pagination"],
            "results": [render(data.by_id[i["id"]], data.project_id) for i in body["results"]],
        }
        assert got.content == JSONResponse(expected).body
        assert got.headers["content-type"] == "application/json"
        numbers = [i["displayId"] for i in body["results"]]
        assert numbers == sorted(numbers, reverse=True) and len(numbers) == 7
