"""End to end through the SDK client on the demo: load the account's monthly extract, describe it, and answer
analytical questions with one query_data each — checked against the REST routes and the sandbox's records,
which the extract is built from."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox import SANDBOX_TOKEN, World, issues_data, rfis_data
from acc_mcp.sandbox.app import Fault
from acc_mcp.sandbox.world import SANDBOX_TODAY

pytestmark = pytest.mark.anyio


def _text(result: Any) -> str:
    return str(result.content[0].text)


async def _rows(client: Client, sql: str) -> list[list[Any]]:
    result = await client.call_tool("query_data", {"sql": sql})
    assert not result.is_error, _text(result)
    return list((result.structured_content or {})["rows"])


async def _monthly_job(client: Client) -> str:
    jobs = await client.call_tool("list_data_connector_jobs", {"request": "Monthly full account extract"})
    return str((jobs.structured_content or {})["items"][0]["id"])


@pytest.fixture
async def loaded(sandbox_app: Starlette, tmp_path: Path) -> Any:
    server = demo_server({"toolsets": ("all",), "analytics_dir": str(tmp_path)}, app=sandbox_app)
    async with Client(server) as client:
        out = await client.call_tool("load_data", {"job": await _monthly_job(client)})
        assert not out.is_error, _text(out)
        yield client


async def test_load_describe_and_ten_questions(loaded: Client, world: World, sandbox_app: Starlette) -> None:
    client = loaded
    described = _text(await client.call_tool("describe_data", {}))
    assert "5 projects" in described and "issues_issues (" in described and "admin_users (" in described
    assert "issues_issues.bim360_project_id = admin_projects.id" in described
    full = _text(await client.call_tool("describe_data", {"table": "rfis_rfis"}))
    assert "created_at TIMESTAMP — Created (UTC)." in full

    issues = {p["name"]: [i for i in issues_data.generate(world, p).issues if not i["deleted"]] for p in world.projects}
    rfis = [r for p in world.projects for r in rfis_data.generate(world, p).rfis]
    everything = [i for found in issues.values() for i in found]

    # 1. Open issues per project, against the REST list's own count.
    open_sql = (
        "SELECT p.name, count(*) FROM issues_issues i JOIN admin_projects p ON p.id = i.bim360_project_id "
        "WHERE i.status = 'open' GROUP BY ALL"
    )
    by_sql = dict(await _rows(client, open_sql))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sandbox_app), headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ) as http:
        for p in world.projects:
            url = f"http://s/construction/issues/v1/projects/{p['id']}/issues"
            page = (await http.get(url, params={"filter[status]": "open", "limit": 1})).json()
            assert by_sql.get(p["name"], 0) == page["pagination"]["totalResults"]

    # 2. RFIs by status, account-wide.
    assert dict(await _rows(client, "SELECT status, count(*) FROM rfis_rfis GROUP BY 1")) == Counter(
        r["status"] for r in rfis
    )

    # 3. Members per company across the projects (distinct people).
    members = Counter(
        u["companyName"] for u in {m["id"]: m for p in world.projects for m in world.project_members(p["id"])}.values()
    )
    sql = "SELECT company_name, count(DISTINCT user_id) FROM admin_project_users GROUP BY 1"
    assert dict(await _rows(client, sql)) == members

    # 4. Overdue unclosed safety issues per project, judged against the sandbox's today.
    sql = (
        "SELECT bim360_project_id, count(*) FROM issues_issues WHERE issue_type = 'Safety' AND due_date < "
        "DATE '2026-11-02' AND status NOT IN ('closed', 'completed', 'draft') GROUP BY 1"
    )
    safety = {
        t["id"] for p in world.projects for t in issues_data.generate(world, p).issue_types if t["title"] == "Safety"
    }
    late = [i for i in everything if i["dueDate"] and i["dueDate"] < "2026-11-02" and i["issueTypeId"] in safety]
    expected = Counter(
        p["id"] for p in world.projects for i in issues[p["name"]]
        if i in late and i["status"] not in ("closed", "completed", "draft")
    )  # fmt: skip
    assert dict(await _rows(client, sql)) == expected

    # 5. Which company is assigned the most open issues (users joined to their companies).
    sql = (
        "SELECT c.name, count(*) n FROM issues_issues i JOIN admin_users u ON u.autodesk_id = i.assignee_id "
        "JOIN admin_companies c ON c.id = u.company_id WHERE i.status = 'open' GROUP BY 1 ORDER BY n DESC LIMIT 1"
    )
    by_company = Counter(
        world.user(i["assignedTo"])["companyName"]  # type: ignore[index]
        for i in everything
        if i["status"] == "open" and i["assignedToType"] == "user"
    )
    assert (await _rows(client, sql))[0] == list(by_company.most_common(1)[0])

    # 6. Average RFI turnaround (days to answer) per project.
    sql = (
        "SELECT bim360_project_id, avg(date_diff('second', created_at, responded_at)) / 86400 FROM rfis_rfis "
        "WHERE responded_at IS NOT NULL GROUP BY 1"
    )
    got = dict(await _rows(client, sql))
    for p in world.projects:
        answered = [r for r in rfis if r["projectId"] == p["id"] and r["respondedAt"]]
        days = [
            (
                datetime.fromisoformat(r["respondedAt"][:-1]) - datetime.fromisoformat(r["createdAt"][:-1])
            ).total_seconds()
            / 86400
            for r in answered
        ]
        assert got[p["id"]] == pytest.approx(sum(days) / len(days), abs=1e-3)

    # 7. Issues created per month in 2026 (one month checked).
    sql = "SELECT strftime(created_at, '%Y-%m') m, count(*) FROM issues_issues GROUP BY 1 ORDER BY 1"
    months = dict(await _rows(client, sql))
    assert months["2026-09"] == sum(1 for i in everything if i["createdAt"].startswith("2026-09"))

    # 8. Comments in the extract match each issue's comment count.
    sql = "SELECT (SELECT count(*) FROM issues_issue_comments), (SELECT sum(comment_count) FROM issues_issues)"
    comments, counted = (await _rows(client, sql))[0]
    assert comments == counted == sum(i["commentCount"] for i in everything)

    # 9. Open RFIs with a cost impact.
    sql = "SELECT count(*) FROM rfis_rfis WHERE cost_impact = 'Yes' AND status NOT IN ('closed', 'void')"
    assert (await _rows(client, sql))[0][0] == sum(
        1 for r in rfis if r["costImpact"] == "Yes" and r["status"] not in ("closed", "void")
    )

    # 10. Issues closed in the last 30 days, by root cause (top one).
    sql = (
        "SELECT count(*) FROM issues_issues WHERE closed_at >= TIMESTAMP '2026-10-03 15:00:00' "
        "AND closed_at <= TIMESTAMP '2026-11-02 15:00:00'"
    )
    assert (await _rows(client, sql))[0][0] == sum(
        1 for i in everything if i["closedAt"] and "2026-10-03T15:00:00" <= i["closedAt"] <= "2026-11-02T15:00:00.000Z"
    )

    # 11. People per company in the account.
    sql = "SELECT c.name, count(*) FROM admin_users u JOIN admin_companies c ON c.id = u.company_id GROUP BY 1"
    assert dict(await _rows(client, sql)) == Counter(u["companyName"] for u in world.users)

    # A long result is cut to the budget and says how to see more.
    many = _text(await client.call_tool("query_data", {"sql": "SELECT issue_id, title FROM issues_issues"}))
    assert many.startswith("Rows 1–") and f"of {len(everything):,}" in many and "OFFSET" in many


async def test_the_database_persists_and_read_only_never_starts_an_extract(
    sandbox_app: Starlette, tmp_path: Path
) -> None:
    settings = {"toolsets": ("all",), "analytics_dir": str(tmp_path), "read_only": True}
    async with Client(demo_server(settings, app=sandbox_app)) as client:
        refused = await client.call_tool("load_data", {"new": True})
        assert refused.is_error and "read-only" in _text(refused)
        assert "call load_data first" in _text(await client.call_tool("describe_data", {}))
        loaded = await client.call_tool("load_data", {})  # the newest existing job: a read
        assert not loaded.is_error, _text(loaded)
        # That job covers some projects only: the text names the rest, so its totals are not taken as the account's.
        world = sandbox_app.state.world
        active = [p for p in world.projects if p.get("status") not in ("archived", "inactive", "suspended")]
        left = re.search(
            r"Not in it: (\d+) of the account's (\d+) active or pending projects \((.+?)\), so", _text(loaded)
        )
        assert left is not None, _text(loaded)
        named = left[3].split(", ")
        assert int(left[1]) == len(named) and int(left[2]) == len(active) and 0 < len(named) < len(active)
        assert set(named) <= {p["name"] for p in active} and f"{len(active) - len(named)} projects" in _text(loaded)
    async with Client(demo_server(settings, app=sandbox_app)) as client:  # a restart reuses it
        described = _text(await client.call_tool("describe_data", {}))
        assert described.startswith("Loaded extract: job ") and "loaded moments ago" in described
        count = await client.call_tool("query_data", {"sql": "SELECT count(*) FROM rfis_rfis"})
        assert not count.is_error
        refused = await client.call_tool("query_data", {"sql": "DELETE FROM rfis_rfis"})
        assert refused.is_error and "only read-only queries" in _text(refused)


async def test_a_new_extract_is_started_and_waited_for_with_progress(sandbox_app: Starlette, tmp_path: Path) -> None:
    ticks = iter(range(10_000))
    state = sandbox_app.state.families["data_connector"]
    state.clock = lambda: SANDBOX_TODAY + timedelta(seconds=2 * next(ticks))  # time moves 2 s a request
    seen: list[str] = []

    async def progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(str(message))

    server = demo_server({"toolsets": ("all",), "analytics_dir": str(tmp_path)}, app=sandbox_app)
    async with Client(server) as client:
        out = await client.call_tool("load_data", {"new": True}, progress_callback=progress)
        assert not out.is_error, _text(out)
        assert "5 projects" in _text(out) and "Not in it" not in _text(out)  # a new extract covers every project
    assert seen and seen[0].startswith("Extract ")


async def test_a_new_extract_acc_did_not_confirm_is_not_asked_for_again(sandbox_app: Starlette, tmp_path: Path) -> None:
    """The request that starts the extract answered 500 (it may have been made): saying so, and refusing the
    same call until it is known, rather than starting a second extract against the 24 jobs a day."""
    state = sandbox_app.state.families["data_connector"]
    before = len(state.requests)
    sandbox_app.state.controls.faults.append(Fault(500, path="/requests", times=20))
    server = demo_server({"toolsets": ("all",), "analytics_dir": str(tmp_path)}, app=sandbox_app)
    async with Client(server) as client:
        lost = await client.call_tool("load_data", {"new": True})
        assert lost.is_error and "may have been applied" in _text(lost) and "load_data without new" in _text(lost)
        again = await client.call_tool("load_data", {"new": True})
        refusal = _text(again)
        assert again.is_error and "did not confirm it: it may have been applied" in refusal, refusal
        assert "load_data without new" in refusal, refusal
        tool = next(t for t in (await client.list_tools()).tools if t.name == "load_data")
    assert len(state.requests) == before  # the fault answered before the sandbox made one
    # not read-only for the client (new writes), yet listed in read-only mode, where only new is refused
    assert tool.annotations is not None and tool.annotations.read_only_hint is False
