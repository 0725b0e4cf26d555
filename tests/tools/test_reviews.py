"""Reviews: grouped by status, each line with what the next tool call needs."""

from __future__ import annotations

import re

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server

pytestmark = pytest.mark.anyio


async def test_reviews_grouped_by_status_and_numbers_open_them(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("list_reviews", {"project": "hospital"})
        body = result.content[0].text  # type: ignore[union-attr]
        lines = body.splitlines()
        headings = [ln for ln in lines[1:] if ln.endswith(":")]
        assert headings[0] == "OPEN:" and len(headings) == len(set(headings)) >= 2
        items = (result.structured_content or {})["items"]
        assert len(lines) == 1 + len(headings) + len(items)
        # Every open review says when its step is due and who acts next; each line's number opens it.
        open_lines = lines[2 : 2 + sum(1 for i in items if i["status"] == "OPEN")]
        assert all(re.match(r"#\d+ .+ · due \w{3} \d+.* · next ", ln) for ln in open_lines)
        number = open_lines[0].split()[0].lstrip("#")
        progress = await client.call_tool("get_review_progress", {"project": "hospital", "review": number})
        assert not progress.is_error and progress.content[0].text.startswith(f"Review #{number} ")  # type: ignore[union-attr]
