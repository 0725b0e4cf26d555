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


async def test_a_page_the_result_budget_cut_short_says_so(sandbox_app: Any) -> None:
    """limit=200 giving 88 lines read as a bug; the footer says the budget stopped it, and the cursor goes on."""
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        many = await client.call_tool("search_rfis", {"project": "hospital", "status": ["not_closed"], "limit": 200})
        few = await client.call_tool("search_rfis", {"project": "hospital", "limit": 5})
    shown = len((many.structured_content or {})["items"])
    footer = many.content[0].text.splitlines()[-1]  # type: ignore[union-attr]
    assert 0 < shown < 115 and footer.startswith(f"Showing 1-{shown} of 115 (all that fit the result budget). More:")
    assert "budget" not in few.content[0].text  # type: ignore[union-attr]
