"""Follow-ups of the play-the-model session: counts by company, an edited cursor, and temporaries of a killed
download removed when the server starts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox import SANDBOX_TOKEN

pytestmark = pytest.mark.anyio
NOT_CLOSED = ("draft", "open", "pending", "in_progress", "in_review", "completed", "not_approved", "in_dispute")


def text(result: Any) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


async def test_issues_counted_by_the_assignees_company(sandbox_app: Starlette) -> None:
    world = sandbox_app.state.world
    hospital = next(p for p in world.projects if "Hospital" in p["name"])
    company_of = {m["autodeskId"]: m["companyName"] for m in world.project_members(hospital["id"])}
    company_of |= {c["oxygenId"]: c["name"] for c in world.companies}
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sandbox_app), headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ) as http:
        url = f"http://s/construction/issues/v1/projects/{hospital['id']}/issues"
        found: list[dict[str, Any]] = []
        total = 1
        while len(found) < total:
            query: dict[str, str | int] = {"filter[status]": ",".join(NOT_CLOSED), "limit": 100, "offset": len(found)}
            page = (await http.get(url, params=query)).json()
            found, total = found + page["results"], page["pagination"]["totalResults"]
    # A role as assignee has no company: it is counted under "(none)" with the unassigned.
    expected = Counter(company_of[i["assignedTo"]] for i in found if i["assignedTo"] in company_of)
    assert len(expected) >= 5
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        out = await client.call_tool(
            "list_issues", {"project": "hospital", "status": ["not_closed"], "group_by": "company"}
        )
    body = text(out)
    assert not out.is_error and "by company:" in body, body
    for company, n in expected.items():
        assert f"{company}: {n}" in body, (company, n, body)


async def test_an_edited_cursor_is_named_as_such(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        first = await client.call_tool("list_issues", {"project": "hospital", "limit": 2})
        cursor = str((first.structured_content or {})["cursor"])
        edited = cursor.rsplit(".", 1)[0] + ".tNOT-AN-OFFSET"
        again = await client.call_tool("list_issues", {"project": "hospital", "limit": 2, "cursor": edited})
    assert again.is_error and "The cursor is not valid" in text(again), text(again)


async def test_a_killed_downloads_temporary_is_removed_at_start(sandbox_app: Starlette, tmp_path: Path) -> None:
    job = tmp_path / "3f2a1b4c-0000-4000-8000-000000000000"
    job.mkdir()
    stale = job / ".issues_issues.csv.99999999.ab12cd.part"  # a process id that is not running
    stale.write_bytes(b"half a file")
    kept = job / "issues_issues.csv"
    kept.write_bytes(b"a whole file")
    async with Client(demo_server({"download_dir": str(tmp_path)}, app=sandbox_app)) as client:
        await client.list_tools()
    assert not stale.exists() and kept.read_bytes() == b"a whole file"


async def test_an_account_wide_list_says_how_many_projects_had_any(sandbox_app: Starlette) -> None:
    """ "6 issues in 5 projects" under two project headings read as three projects missing: the header says
    how many of the projects read had any (a person who is not on a project has none there)."""
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        result = await client.call_tool("list_issues", {"created_by": "Zara Olsen", "status": ["not_closed"]})
    body = text(result)
    headings = [line for line in body.splitlines()[1:] if line.endswith(":")]
    assert not result.is_error and body.startswith(f"6 issues in {len(headings)} of 5 projects as of "), body
    assert len(headings) == 2, body
