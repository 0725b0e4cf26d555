"""MCP prompts: listed with typed arguments, rendered with the right tool calls, bad arguments refused."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from acc_mcp.demo import demo_server

pytestmark = pytest.mark.anyio


async def _text(client: Client, name: str, arguments: dict[str, str]) -> str:
    result = await client.get_prompt(name, arguments)
    assert len(result.messages) == 1 and result.messages[0].role == "user"
    content = result.messages[0].content
    assert content.type == "text"
    return content.text


async def test_listed_with_typed_arguments() -> None:
    async with Client(demo_server()) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(prompts) == {"weekly_status", "overdue_digest", "review_bottlenecks", "safety_report"}
    args = {name: {a.name: a.required for a in p.arguments or []} for name, p in prompts.items()}
    assert args["weekly_status"] == {"project": True, "week_ending": False}
    assert args["overdue_digest"] == {"projects": False, "min_days_overdue": False, "assignee": False}
    assert args["review_bottlenecks"] == {"project": True, "stuck_days": False}
    assert args["safety_report"] == {"project": True, "days": False, "focus": False}
    assert all(p.title and p.description for p in prompts.values())
    assert all(a.description for p in prompts.values() for a in p.arguments or [])


async def test_weekly_status_renders_the_week_and_the_calls() -> None:
    async with Client(demo_server({"toolsets": ["all"]})) as client:
        text = await _text(client, "weekly_status", {"project": "hospital", "week_ending": "2026-10-30"})
    assert "week 2026-10-24..2026-10-30" in text
    for call in (
        'get_project project="hospital"',
        'list_issues project="hospital" created="2026-10-24..2026-10-30"',
        'due="..2026-10-30"',
        'search_rfis project="hospital" status=["submitted","open"]',
        'list_reviews project="hospital" status=OPEN',
        "get_review_progress",
        'search_photos project="hospital" taken="2026-10-24..2026-10-30"',
    ):
        assert call in text


async def test_defaults_follow_the_servers_today() -> None:
    """The demo's sandbox is dated 2026-11-02: 'today' in prompts is that day, as in the tools."""
    async with Client(demo_server()) as client:
        weekly = await _text(client, "weekly_status", {"project": "tower"})
        digest = await _text(client, "overdue_digest", {"min_days_overdue": "14", "assignee": "Zara Olsen"})
        reviews = await _text(client, "review_bottlenecks", {"project": "hospital", "stuck_days": "10"})
        safety = await _text(client, "safety_report", {"project": "hospital", "days": "7", "focus": "incidents"})
    assert "week 2026-10-27..2026-11-02" in weekly
    assert "list_projects status=active" in digest and 'due="..2026-10-18"' in digest
    assert 'assignee="Zara Olsen"' in digest and "at least 14 days late" in digest
    assert "since before 2026-10-23" in reviews and 'get_review_progress project="hospital"' in reviews
    assert 'type="Incident" created="2026-10-27..2026-11-02"' in safety and "only incidents" in safety


async def test_named_projects_skip_the_project_listing() -> None:
    async with Client(demo_server()) as client:
        digest = await _text(client, "overdue_digest", {"projects": "hospital, tower"})
    assert "the projects hospital, tower" in digest and "list_projects" not in digest


async def test_bad_arguments_name_the_argument() -> None:
    async with Client(demo_server()) as client:
        with pytest.raises(MCPError, match="days"):
            await client.get_prompt("safety_report", {"project": "hospital", "days": "abc"})
        with pytest.raises(MCPError, match="focus"):
            await client.get_prompt("safety_report", {"project": "hospital", "focus": "fires"})
        with pytest.raises(MCPError, match="stuck_days"):
            await client.get_prompt("review_bottlenecks", {"project": "hospital", "stuck_days": "0"})
        with pytest.raises(MCPError, match="project"):
            await client.get_prompt("weekly_status", {})


async def test_steps_name_only_visible_tools() -> None:
    async with Client(demo_server({"toolsets": ["issues"]})) as client:
        names = [p.name for p in (await client.list_prompts()).prompts]
        text = await _text(client, "weekly_status", {"project": "hospital"})
    assert "review_bottlenecks" not in names and "weekly_status" in names
    assert "list_issues" in text
    for hidden in ("search_rfis", "list_reviews", "search_photos", "get_project"):
        assert hidden not in text
