"""Photos: lines show an id prefix, and get_photo takes that prefix back."""

from __future__ import annotations

import re

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server

pytestmark = pytest.mark.anyio


async def test_photo_lines_carry_a_prefix_that_get_photo_accepts(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        listed = await client.call_tool("search_photos", {"project": "hospital", "limit": 5})
        body = listed.content[0].text  # type: ignore[union-attr]
        lines = body.splitlines()[1:]
        assert all(re.match(r"[0-9a-f]{8} .+ · \w{3} \d+( \d{4})? by \S", ln) for ln in lines[:5])
        prefix = lines[0].split()[0]
        full = (listed.structured_content or {})["items"][0]["id"]
        assert full.startswith(prefix) and full not in body
        before = sandbox_app.state.controls.stats()["requests"]
        photo = await client.call_tool("get_photo", {"project": "hospital", "photo": prefix, "size": "none"})
        assert not photo.is_error and f"id: {full}" in photo.content[0].text  # type: ignore[union-attr]
        # Shown a moment ago: resolved from memory, one request for the photo itself.
        assert sandbox_app.state.controls.stats()["requests"] - before == 1


async def test_prefix_from_an_earlier_session_is_looked_up(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        listed = await client.call_tool("search_photos", {"project": "hospital", "limit": 30})
        prefixes = [ln.split()[0] for ln in listed.content[0].text.splitlines()[1:]]  # type: ignore[union-attr]
    async with Client(demo_server(app=sandbox_app)) as fresh:  # a new server: nothing remembered
        photo = await fresh.call_tool("get_photo", {"project": "hospital", "photo": prefixes[-1], "size": "none"})
        assert not photo.is_error, photo.content[0].text  # type: ignore[union-attr]
        unknown = await fresh.call_tool("get_photo", {"project": "hospital", "photo": "0badc0de"})
        message = unknown.content[0].text  # type: ignore[union-attr]
        assert unknown.is_error and "no photo id starts with '0badc0de'" in message and "search_photos" in message
