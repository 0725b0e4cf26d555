"""Contracts for the RFI, Reviews (and later Packages, Docs, AutoSpecs, Files) tools: arguments in, request out.

Each row: a tool call, then the exact upstream request its last call makes (method, path after the project,
query). The sandbox answers, so the arguments are checked all the way through the tool's own conversions.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from mcp import Client
from starlette.applications import Starlette

from tests.tools.recorder import recording_server
from tests.tools.test_spec import review_file_urn

pytestmark = pytest.mark.anyio
H = {"project": "hospital"}
URN = "<urn>"
PAGE = {"limit": "25", "offset": "0"}

ROWS: list[tuple[str, dict[str, Any], str, str, dict[str, str]]] = [
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
]


@pytest.mark.parametrize(("tool", "args", "method", "path", "query"), ROWS)
async def test_request(
    tool: str, args: dict[str, Any], method: str, path: str, query: dict[str, str], sandbox_app: Starlette
) -> None:
    urn = await review_file_urn(sandbox_app)
    args = {k: urn if v == URN else v for k, v in args.items()}
    pid = next(p["id"] for p in sandbox_app.state.world.projects if "Hospital" in p["name"])
    server, log = recording_server(sandbox_app, toolsets="all")
    async with Client(server) as client:
        result = await client.call_tool(tool, args)
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    last = log[-1]
    assert last.method == method
    assert unquote(last.url.path) == path.format(p=pid).replace(URN, urn)
    assert dict(last.url.params) == query
