"""Contracts for the RFI, Reviews (and later Packages, Docs, AutoSpecs, Files) tools: arguments in, request out.

Each row: a tool call, then the exact upstream request its last call makes (method, path after the project,
query). The sandbox answers, so the arguments are checked all the way through the tool's own conversions.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp import deadline
from tests.tools.recorder import recording_server
from tests.tools.test_spec import review_file_urn, sandbox_sleep

pytestmark = pytest.mark.anyio
H = {"project": "hospital"}
URN = "<urn>"
PAGE = {"limit": "25", "offset": "0"}

ROWS: list[tuple[str, dict[str, Any], str, str, dict[str, Any]]] = [
    ("get_my_rfi_role", H, "GET", "/construction/rfis/v3/projects/{p}/users/me", {}),
    ("list_review_workflows", H, "GET", "/construction/reviews/v1/projects/{p}/workflows", {**PAGE}),
    (
        "list_review_workflows",
        {**H, "status": "INACTIVE"},
        "GET",
        "/construction/reviews/v1/projects/{p}/workflows",
        {"filter[status]": "INACTIVE", **PAGE},
    ),
    (
        "list_review_files",
        {**H, "review": "54f91081-520e-4e6d-9dc1-60eb0a618146", "approval": "Approved"},
        "GET",
        "/construction/reviews/v1/projects/{p}/reviews/54f91081-520e-4e6d-9dc1-60eb0a618146/versions",
        {"filter[approveStatus]": "Approved", **PAGE},
    ),
    (
        "list_review_files",
        {**H, "review": 20},
        "GET",
        "/construction/reviews/v1/projects/{p}/reviews/<review20>/versions",
        {**PAGE},
    ),
    (
        "list_review_files",
        {**H, "review": "Level 3 Structural"},
        "GET",
        "/construction/reviews/v1/projects/{p}/reviews/<review20>/versions",
        {**PAGE},
    ),
    (
        "list_file_approvals",
        {**H, "urn": URN},
        "GET",
        "/construction/reviews/v1/projects/{p}/versions/" + URN + "/approval-statuses",
        {**PAGE},
    ),
    (
        "list_reviews",
        {**H, "waiting_on": "zara olsen", "status": "OPEN"},
        "GET",
        "/construction/reviews/v1/projects/{p}/reviews",
        {"filter[status]": "OPEN", "filter[nextActionByUser]": "ULQKX8R89IG7", "sort": "createdAt desc", **PAGE},
    ),
    ("list_packages", H, "GET", "/construction/packages/v1/projects/{p}/packages", PAGE),
    (
        "list_packages",
        {**H, "package": 101},
        "GET",
        "/construction/packages/v1/projects/{p}/packages/<package>/resources",
        PAGE,
    ),
    (
        "get_folder_settings",
        {**H, "folder": "<folder>", "naming_standard": "<naming>"},
        "GET",
        "/bim360/docs/v1/projects/{p}/naming-standards/<naming>",
        {},
    ),
    (
        "get_folder_settings",
        {**H, "folder": "<folder>"},
        "GET",
        "/bim360/docs/v1/projects/{p}/folders/<folder>/permissions",
        {},
    ),
    (
        "get_folder_settings",
        {**H, "folder": "<folder>"},
        "GET",
        "/bim360/docs/v1/projects/{p}/folders/<folder>/custom-attribute-definitions",
        {"limit": "200", "offset": "0"},
    ),
    (
        "get_linked_models",
        {**H, "model": "<model>"},
        "GET",
        "/construction/rcm/v1/projects/{p}/published-versions/<model>/linked-files",
        {"limit": "600"},
    ),
    ("get_autospecs", H, "GET", "/construction/autospecs/v1/projects/{p}/metadata", {}),
    (
        "get_autospecs",
        {**H, "what": "requirements", "version": "issued for tender"},
        "GET",
        "/construction/autospecs/v1/projects/{p}/version/<tender>/requirements",
        {},
    ),
    (
        "get_autospecs",
        {**H, "what": "register"},
        "GET",
        "/construction/autospecs/v1/projects/{p}/version/<current>/smartregister",
        {},
    ),
    (
        "get_autospecs",
        {**H, "what": "submittals"},
        "GET",
        "/construction/autospecs/v1/projects/{p}/version/<current>/submittalsSummary",
        {},
    ),
    (
        "export_pdfs",
        {**H, "files": ["<file>"], "name": "IFC set"},
        "POST",
        "/construction/files/v1/projects/{p}/exports",
        {"fileVersions": ["<file>"], "options": {"outputFileName": "IFC set"}},
    ),
    (
        "get_autospecs",
        {**H, "what": "register", "division": "03"},
        "GET",
        "/construction/autospecs/v1/projects/{p}/version/<current>/smartregister",
        {},
    ),
]


def known(app: Starlette) -> dict[str, str]:
    """Ids only the sandbox knows, by the placeholder the rows use."""
    hospital = next(p for p in app.state.world.projects if "Hospital" in p["name"])
    docs = app.state.families["documents"].project(hospital)
    tender, current = (v["id"] for v in docs.spec_versions)
    return {
        URN: review_file_urn(app),
        "<package>": docs.packages[1]["id"],
        "<folder>": next(iter(docs.folders)),
        "<naming>": docs.naming["id"],
        "<model>": next(iter(docs.links)),
        "<tender>": tender,
        "<current>": current,
        "<file>": docs.files[0]["urn"],
        "<review20>": next(
            r["id"] for r in app.state.families["reviews"].reviews[hospital["id"]] if r["sequenceId"] == 20
        ),
    }


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for token, real in ids.items():
            value = value.replace(token, real)
        return value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("tool", "args", "method", "path", "sent"), ROWS)
async def test_request(
    tool: str,
    args: dict[str, Any],
    method: str,
    path: str,
    sent: dict[str, Any],
    sandbox_app: Starlette,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deadline, "sleep", sandbox_sleep(sandbox_app))
    ids = known(sandbox_app)
    pid = next(p["id"] for p in sandbox_app.state.world.projects if "Hospital" in p["name"])
    server, log = recording_server(sandbox_app, toolsets="all")
    async with Client(server) as client:
        result = await client.call_tool(tool, fill(args, ids))
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    path = fill(path, ids).format(p=pid)
    hits = [r for r in log if r.method == method and unquote(r.url.path) == path]
    assert hits, f"no {method} {path} in {[unquote(r.url.path) for r in log]}"
    got = json.loads(hits[-1].content) if method == "POST" else dict(hits[-1].url.params)
    assert got == fill(sent, ids)
