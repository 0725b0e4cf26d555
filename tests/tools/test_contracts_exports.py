"""export_pdfs contracts beyond the start of an export: following one by id, the signed link only when asked,
and a repeat only with allow_duplicate (each a request sent, or not sent)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp import deadline
from tests.tools.recorder import recording_server
from tests.tools.test_contracts_reviews_docs import fill, known
from tests.tools.test_spec import sandbox_sleep

pytestmark = pytest.mark.anyio
H = {"project": "hospital"}
EXPORTS = "/construction/files/v1/projects/{p}/exports"
START = {**H, "files": ["<file>"]}

# (tool, arguments, method and path of the request that must be sent — or None: nothing may be sent there —,
#  JSON body, whether the first call (START) runs before)
ROWS: list[tuple[str, dict[str, Any], str, str | None, dict[str, Any] | None, bool]] = [
    ("export_pdfs", {**H, "export": "<export>"}, "GET", EXPORTS + "/<export>", None, True),
    ("export_pdfs", {**START, "link": True}, "POST", EXPORTS, {"fileVersions": ["<file>"]}, False),
    ("export_pdfs", {**START, "allow_duplicate": True}, "POST", EXPORTS, {"fileVersions": ["<file>"]}, True),
    ("export_pdfs", START, "POST", None, None, True),  # an identical export within the window: not sent again
]


@pytest.mark.parametrize(("tool", "args", "method", "path", "body", "first"), ROWS)
async def test_export_request(
    tool: str,
    args: dict[str, Any],
    method: str,
    path: str | None,
    body: dict[str, Any] | None,
    first: bool,
    sandbox_app: Starlette,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deadline, "sleep", sandbox_sleep(sandbox_app))
    ids = known(sandbox_app)
    pid = next(p["id"] for p in sandbox_app.state.world.projects if "Hospital" in p["name"])
    server, log = recording_server(sandbox_app, toolsets="all")
    async with Client(server) as client:
        if first:
            started = await client.call_tool(tool, fill(START, ids))
            assert not started.is_error and started.structured_content is not None
            ids["<export>"] = str(started.structured_content["id"])
        log.clear()
        result = await client.call_tool(tool, fill(args, ids))
    text = result.content[0].text  # type: ignore[union-attr]
    posts = [r for r in log if r.method == "POST"]
    if path is None:
        assert result.is_error and "allow_duplicate=true" in text and not posts, text
        return
    assert not result.is_error, text
    where = fill(path, ids).format(p=pid)
    hits = [r for r in log if r.method == method and unquote(r.url.path) == where]
    assert hits, f"no {method} {where} in {[unquote(r.url.path) for r in log]}"
    if body is not None:
        assert json.loads(hits[-1].content) == fill(body, ids)
    if args.get("link"):
        assert "Download: http" in text and "link" in (result.structured_content or {})
    else:
        assert "Download:" not in text and "link=true" in text
