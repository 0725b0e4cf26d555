"""Spec kinds: upstream names are checked against the registry, and each tool's declared endpoints are exactly
the ones it really calls (counted from the requests that reach the sandbox)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp import deadline
from acc_mcp.analytics import store
from acc_mcp.endpoints import BY_KEY, ENDPOINTS
from acc_mcp.sandbox import SANDBOX_TOKEN
from acc_mcp.tools import ALL_TOOLS
from acc_mcp.tools.base import Param
from acc_mcp.tools.issues import ISSUE
from acc_mcp.tools.spec import GetSpec, ListSpec
from tests.tools.dc_sandbox import new_job
from tests.tools.recorder import recording_server

pytestmark = pytest.mark.anyio


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", path)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{body.replace('/hq/v1/', '/hq/v1/(?:regions/eu/)?')}$")


ROUTES = [(e.key, e.method, _pattern(e.path), len(e.placeholders)) for e in BY_KEY.values()]


def route_of(request: httpx2.Request) -> str:
    """The registry key of an upstream request (the most specific path when several match)."""
    hits = [
        (n, key) for key, method, pattern, n in ROUTES if method == request.method and pattern.match(request.url.path)
    ]
    assert hits, f"{request.method} {request.url.path} is no registry endpoint"
    return min(hits)[1]


def test_registry_has_every_reference_endpoint_once() -> None:
    assert len(ENDPOINTS) == 69 and len({e.key for e in ENDPOINTS}) == 69
    assert len({(e.method, e.path) for e in ENDPOINTS}) == 69
    assert all(e.paging != "none" or "limit" not in e.query for e in ENDPOINTS)


def test_an_upstream_name_the_registry_does_not_know_fails_when_the_spec_is_built() -> None:
    typo = Param("status", str | None, "x", None, to="filter[stauts]")
    with pytest.raises(ValueError, match=r"'filter\[stauts\]' is not a parameter of issues.issues.list"):
        ListSpec("t", "d", "issues", "issues.issues.list", ISSUE, "issues", params=[typo]).tool()
    with pytest.raises(ValueError, match="'include' is not a parameter"):
        GetSpec("t", "d", "issues", "issues.issues.get", ISSUE, header=str, fixed={"include": "x"}).tool()
    with pytest.raises(KeyError):
        ListSpec("t", "d", "issues", "issues.issue.list", ISSUE, "issues").tool()


Step = tuple[str, dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]]
"""(tool, arguments — or a function of the previous call's structured content)."""
H = {"project": "hospital"}
SCENARIOS: dict[str, list[Step]] = {
    "list_projects": [("list_projects", {"status": "active"})],
    "get_project": [("get_project", H)],
    "list_project_users": [("list_project_users", {**H, "name": "chen"})],
    "list_companies": [("list_companies", {"trade": "steel"}), ("list_companies", H)],
    "get_company": [("get_company", {"company": "Ironclad"}), ("get_company", lambda prev: {"company": prev["id"]})],
    "list_account_users": [("list_account_users", {}), ("list_account_users", {"company": "voltaic"})],
    "get_person": [
        ("get_person", {**H, "person": "Wei Chen"}),
        ("get_person", lambda prev: {"person": prev["id"]}),
        ("get_person", {"person": "me"}),
    ],
    "list_business_units": [("list_business_units", {})],
    "list_accounts": [("list_accounts", {})],
    "list_issues": [
        ("list_issues", {**H, "assignee": "Zara Olsen", "type": "Safety", "location": "Level 3"}),
        ("list_issues", {**H, "assignee": "me"}),
    ],
    "get_issue": [("get_issue", {**H, "issue": 6}), ("get_issue", lambda prev: {**H, "issue": prev["id"]})],
    "get_issue_settings": [("get_issue_settings", H)],
    "list_issue_comments": [("list_issue_comments", {**H, "issue": "#42"})],
    "list_locations": [("list_locations", {**H, "limit": 5})],
    "search_rfis": [("search_rfis", {**H, "assignee": "Zara Olsen"}), ("search_rfis", {**H, "assignee": "me"})],
    "get_rfi": [("get_rfi", {**H, "rfi": "RFI 012"})],
    "list_reviews": [("list_reviews", {**H, "waiting_on": "Zara Olsen"})],
    "get_review_progress": [
        ("get_review_progress", {**H, "review": 20}),
        ("get_review_progress", lambda prev: {**H, "review": prev["review"]["id"]}),
    ],
    "get_my_rfi_role": [("get_my_rfi_role", H)],
    "list_review_workflows": [("list_review_workflows", H)],
    "get_review_workflow": [
        ("get_review_workflow", {**H, "workflow": "MEP Coordination"}),
        ("get_review_workflow", lambda prev: {**H, "workflow": prev["id"]}),
    ],
    "list_review_files": [("list_review_files", {**H, "review": 15})],
    "list_file_approvals": [("list_file_approvals", {**H, "urn": "set from the sandbox"})],
    "list_packages": [("list_packages", H), ("list_packages", {**H, "package": "Structural Bid"})],
    "get_folder_settings": [("get_folder_settings", {**H, "folder": "?", "naming_standard": "?"})],
    "get_linked_models": [("get_linked_models", {**H, "model": "?"})],
    "get_autospecs": [
        ("get_autospecs", {**H, "what": what}) for what in ("versions", "register", "requirements", "submittals")
    ],
    "export_pdfs": [("export_pdfs", {**H, "files": "?"})],
    "search_photos": [("search_photos", {**H, "taken_by": "Wei Chen", "limit": 2})],
    "get_photo": [("get_photo", lambda _: {**H, "photo": "0", "size": "none"})],
    "create_data_connector_request": [
        ("create_data_connector_request", {"description": "t", "service_groups": ["issues"], "projects": ["tower"]})
    ],
    "list_data_connector_requests": [("list_data_connector_requests", {})],
    "list_forms": [("list_forms", {**H, "template": "safety", "status": ["submitted"], "date": "2026-09-01.."})],
    "list_form_templates": [("list_form_templates", H)],
    "list_assets": [("list_assets", {**H, "category": "Mechanical", "status": "before installed", "search": "unit"})],
    "get_asset_settings": [("get_asset_settings", H), ("get_asset_settings", {**H, "category": "VAV"})],
    "list_data_connector_jobs": [("list_data_connector_jobs", {}), ("list_data_connector_jobs", {"request": "week"})],
    "get_data_connector_request": [("get_data_connector_request", {"request": "weekly"})],
    "update_data_connector_request": [("update_data_connector_request", {"request": "weekly", "active": False})],
    "delete_data_connector_request": [("delete_data_connector_request", {"request": "admin snapshot"})],
    "get_data_connector_job": [
        ("get_data_connector_job", {}),
        ("get_data_connector_job", {"request": "weekly"}),
        ("get_data_connector_job", lambda prev: {"job": prev["id"][:8]}),
    ],
    "cancel_data_connector_job": [("cancel_data_connector_job", {})],
    "download_data_connector_file": [("download_data_connector_file", {"file": "autodesk_data_extract.zip"})],
    "load_data": [("load_data", {}), ("load_data", {"new": True})],
    "describe_data": [("describe_data", {}), ("describe_data", {"table": "rfis_rfis"})],
    "query_data": [("query_data", {"sql": "SELECT status, count(*) FROM rfis_rfis GROUP BY 1"})],
}


def test_every_tool_has_a_scenario() -> None:
    assert set(SCENARIOS) == {t.name for t in ALL_TOOLS}


@pytest.mark.parametrize("tool", sorted(SCENARIOS))
async def test_declared_endpoints_are_the_ones_called(
    tool: str, sandbox_app: Starlette, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(deadline, "sleep", sandbox_sleep(sandbox_app))
    spec = next(t for t in ALL_TOOLS if t.name == tool)
    server, log = recording_server(sandbox_app, toolsets="all", download_dir=str(tmp_path), analytics_dir=str(tmp_path))
    called: set[str] = set()
    if tool in ("describe_data", "query_data"):  # an extract already loaded: these two call nothing upstream
        _loaded_extract(tmp_path / sandbox_app.state.world.account_id)
    async with Client(server) as client:
        previous: dict[str, Any] = {}
        for name, arguments in SCENARIOS[tool]:
            args = arguments(previous) if callable(arguments) else arguments
            if name == "get_photo":  # an id prefix nothing has shown yet: found by scanning the newest photos
                args = {**args, "photo": await oldest_photo_prefix(sandbox_app)}
            if name in ("cancel_data_connector_job", "download_data_connector_file"):  # a job no tool has shown
                job = await new_job(sandbox_app, finished=name.startswith("download"))
                args = {**args, "job": job[:8]}
            args = {**args, **sandbox_args(sandbox_app, name)}
            result = await client.call_tool(name, args)
            assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
            previous = result.structured_content or {}
            # Signed-URL downloads (an extract's files) go to the file host, not to a registry endpoint.
            called |= {route_of(r) for r in log if not r.url.path.startswith("/sandbox-files/")}
            assert called <= set(spec.calls), f"{tool} called undeclared {called - set(spec.calls)}"
    assert called == set(spec.calls), f"{tool} declares endpoints it never called: {set(spec.calls) - called}"


def _loaded_extract(folder: Path) -> None:
    files = folder.parent / "files"
    files.mkdir()
    (files / "rfis_rfis.csv").write_text("id,status\na,open\nb,closed\n")
    store.build(folder, files, job="j", request="r", completed_at="2026-11-01T00:00:00Z", projects=[])


async def oldest_photo_prefix(app: Starlette) -> str:
    """Straight from the sandbox, so that no tool has shown it."""
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ) as http:
        projects = (
            await http.get(f"http://s/construction/admin/v1/accounts/{app.state.world.account_id}/projects")
        ).json()
        project = next(p["id"] for p in projects["results"] if "Hospital" in p["name"])
        url = f"http://s/construction/photos/v1/projects/{project}/photos:filter"
        page = (await http.post(url, json={"sort": ["takenAt", "asc"], "limit": 1})).json()
    return str(page["results"][0]["id"])[:8]


def review_file_urn(app: Starlette) -> str:
    """A file version under review in the hospital project, straight from the sandbox."""
    data = app.state.families["reviews"]
    hospital = next(p["id"] for p in app.state.world.projects if "Hospital" in p["name"])
    return str(next(urn for (pid, urn) in data.approvals if pid == hospital))


def sandbox_args(app: Starlette, tool: str) -> dict[str, Any]:
    """Arguments only the sandbox knows (URNs and ids that no tool of this scenario shows)."""
    hospital = next(p for p in app.state.world.projects if "Hospital" in p["name"])
    docs = app.state.families["documents"].project(hospital)
    args: dict[str, Callable[[], dict[str, Any]]] = {
        "list_file_approvals": lambda: {"urn": review_file_urn(app)},
        "get_folder_settings": lambda: {"folder": next(iter(docs.folders)), "naming_standard": docs.naming["id"]},
        "get_linked_models": lambda: {"model": next(iter(docs.links))},
        "export_pdfs": lambda: {"files": [docs.files[0]["urn"]]},
    }
    return args[tool]() if tool in args else {}


def sandbox_sleep(app: Starlette) -> Callable[[float], Awaitable[None]]:
    """A sleep that moves the sandbox clock instead of waiting (exports finish on that clock)."""

    async def sleep(seconds: float) -> None:
        app.state.controls.advance_clock(seconds)

    return sleep
