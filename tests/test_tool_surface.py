"""The tool surface as a client sees it: a snapshot, so any change to names, descriptions or schemas is
visible in review, plus the invariants every tool must keep."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.render import estimate_tokens
from acc_mcp.sandbox import SANDBOX_TOKEN

pytestmark = pytest.mark.anyio
SNAPSHOT = Path(__file__).parent / "snapshots" / "tools.json"


async def test_tools_match_snapshot(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        tools = [t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in (await client.list_tools()).tools]
    for tool in tools:
        tool.pop("_meta", None)
    current = json.dumps(tools, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("ACC_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    # A missing snapshot is a failure, never silently recreated: it is the reviewed record of the surface.
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing: run with ACC_UPDATE_SNAPSHOT=1 and commit it"
    assert current == SNAPSHOT.read_text(encoding="utf-8"), "tool surface changed: rerun with ACC_UPDATE_SNAPSHOT=1"


async def test_every_tool_is_named_annotated_and_small(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        tools = (await client.list_tools()).tools
    for tool in tools:
        assert tool.name.islower() and len(tool.name) <= 64 and tool.description
        assert tool.annotations is not None and tool.annotations.open_world_hint is True
        cost = estimate_tokens(json.dumps(tool.model_dump(by_alias=True, exclude_none=True, mode="json")))
        assert cost <= 650, f"{tool.name} costs ~{cost} tokens in every prompt"


async def test_no_secret_in_logs_or_results(sandbox_app: Starlette, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with Client(demo_server(app=sandbox_app)) as client:
        photos = await client.call_tool("search_photos", {"project": "hospital", "limit": 1})
        photo_id = (photos.structured_content or {})["items"][0]["id"]
        photo = await client.call_tool("get_photo", {"project": "hospital", "photo": photo_id})
        sandbox_app.state.controls.tokens.clear()
        denied = await client.call_tool("list_issues", {"project": "hospital"})
    texts = [b.text for r in (photos, photo, denied) for b in r.content if b.type == "text"]
    everything = "\n".join([*texts, *(r.getMessage() for r in caplog.records)])
    assert SANDBOX_TOKEN not in everything
    assert "Signature=" not in everything and "X-Amz" not in everything
    assert not any("sandbox-files" in t for t in texts)  # no download link reaches the model
