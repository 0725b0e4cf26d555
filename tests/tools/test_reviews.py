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
        assert all(re.match(r"#\d+ .+ · step due \w{3} \d+.* · (next|claimed) ", ln) for ln in open_lines)
        number = open_lines[0].split()[0].lstrip("#")
        progress = await client.call_tool("get_review_progress", {"project": "hospital", "review": number})
        assert not progress.is_error and progress.content[0].text.startswith(f"Review #{number} ")  # type: ignore[union-attr]


async def test_progress_says_who_a_step_waits_on_and_who_claimed_it(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("get_review_progress", {"project": "hospital", "review": 15})
    text = result.content[0].text  # type: ignore[union-attr]
    assert "UNCLAIMED · waiting on Zara Olsen, Calder Structural Engineers (company)" in text
    assert "SUBMITTED · by Wei Chen" in text


async def test_progress_says_whom_a_step_not_yet_started_will_go_to(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        result = await client.call_tool("get_review_progress", {"project": "hospital", "review": 22})
        workflow = await client.call_tool(
            "get_review_workflow", {"project": "hospital", "workflow": "Owner Design Approval"}
        )
    text = result.content[0].text  # type: ignore[union-attr]
    line = next(ln for ln in text.splitlines() if ln.startswith("step 3 "))
    assert (
        line
        == "step 3 · Owner Approval · not started · then Felix Wagner, Samuel Adeyemi, Owner's Representative (role)"
    )
    # the same people the workflow names for that step
    assert "Owner Approval (" in workflow.content[0].text and "Felix Wagner" in workflow.content[0].text  # type: ignore[union-attr]


async def test_workflows_files_and_approvals_end_to_end(sandbox_app: Starlette) -> None:
    h = {"project": "hospital"}
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        listed = await client.call_tool("list_review_workflows", h)
        assert "MEP Coordination Review · steps Initiator, MEP Consultant Review" in listed.content[0].text  # type: ignore[union-attr]
        wf = await client.call_tool("get_review_workflow", {**h, "workflow": "mep coordination"})
        text = wf.content[0].text  # type: ignore[union-attr]
        assert text.startswith("Workflow MEP Coordination Review") and "(role)" in text and "outcomes: " in text
        files = await client.call_tool("list_review_files", {**h, "review": "Transfer Beam"})
        assert "S-401 Concrete Reinforcement Schedules.pdf · v2" in files.content[0].text  # type: ignore[union-attr]
        urn = (files.structured_content or {})["items"][0]["urn"]
        approvals = await client.call_tool("list_file_approvals", {**h, "urn": urn})
        assert approvals.content[0].text.splitlines()[1] == "#15 OPEN · In Review"  # type: ignore[union-attr]
        ambiguous = await client.call_tool("get_review_workflow", {**h, "workflow": "structural"})
        assert ambiguous.is_error and "'Structural Review – 2 step'" in ambiguous.content[0].text  # type: ignore[union-attr]
        bad = await client.call_tool("list_file_approvals", {**h, "urn": "S-401.pdf"})
        assert bad.is_error and "A review's or a package's file list shows them" in bad.content[0].text  # type: ignore[union-attr]
        waiting = await client.call_tool("list_reviews", {**h, "waiting_on": "Zara Olsen"})
        assert "#15 Transfer Beam" in waiting.content[0].text  # type: ignore[union-attr]


async def test_my_rfi_role(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        result = await client.call_tool("get_my_rfi_role", {"project": "hospital"})
    text = result.content[0].text  # type: ignore[union-attr]
    assert "workflow roles: projectGC" in text and "may create RFIs as: draft, submitted, open" in text


async def test_a_claimed_step_says_so_and_counts_under_the_name(sandbox_app: Starlette) -> None:
    """waiting_on finds the reviews where the person is a candidate; one another candidate has claimed says
    who claimed it, so the line does not read as a wrong match; counts by next take the claimer."""
    async with Client(demo_server(app=sandbox_app)) as client:
        waiting = await client.call_tool("list_reviews", {"project": "hospital", "waiting_on": "James Smith"})
        lines = waiting.content[0].text.splitlines()  # type: ignore[union-attr]
        counted = await client.call_tool("list_reviews", {"project": "hospital", "status": "OPEN", "group_by": "next"})
    assert any(ln.endswith(" · claimed Tomás Alvarez") for ln in lines), lines
    assert all("James Smith" in ln or " · claimed " in ln for ln in lines if ln.startswith("#")), lines
    counts = (counted.structured_content or {})["counts"]
    assert counts["Tomás Alvarez"] == 2, counts
