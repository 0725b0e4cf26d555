"""The list runner (tools/listing.py): what it computes only when a list needs it."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from acc_mcp.demo import demo_server
from acc_mcp.paging import fingerprint

pytestmark = pytest.mark.anyio


async def test_the_fingerprint_is_hashed_only_for_a_cursor(monkeypatch: pytest.MonkeyPatch, sandbox_app: Any) -> None:
    """Most lists end in one page: no cursor is read or written, so the query is not hashed. A list that goes
    on still gets the cursor the fingerprint makes, and its footer was budgeted at the same length."""
    from acc_mcp import paging
    from acc_mcp.tools.listing import SIZING

    hashed: list[str] = []

    def counted(tool: str, arguments: dict[str, Any]) -> str:
        hashed.append(tool)
        return fingerprint(tool, arguments)

    monkeypatch.setattr(paging, "fingerprint", counted)
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        whole = await client.call_tool("list_reviews", {"project": "hospital"})
        assert not whole.is_error and "cursor" not in (whole.structured_content or {}) and hashed == []
        paged = await client.call_tool("list_reviews", {"project": "hospital", "limit": 5})
        cursor = (paged.structured_content or {})["cursor"]
        assert hashed == ["list_reviews"]
        assert len(cursor.split(".")[0]) == len(SIZING)  # what the footer was budgeted with
        more = await client.call_tool("list_reviews", {"project": "hospital", "limit": 5, "cursor": cursor})
        assert not more.is_error and "Showing 6-10 of 22" in more.content[0].text  # type: ignore[union-attr]
