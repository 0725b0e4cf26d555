"""First tries: forgiving inputs, overdue, group_by counts, fan-out across projects, instructions, tool order."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import anyio
import httpx2
import pytest
from mcp import Client
from pydantic import TypeAdapter
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.errors import AccError
from acc_mcp.instructions import LIMIT
from acc_mcp.tools import ALL_TOOLS, counts, fanout
from acc_mcp.tools.counts import plural
from acc_mcp.tools.forgive import forgiving
from acc_mcp.tools.overdue import OverdueRule

pytestmark = pytest.mark.anyio


def text(result: Any) -> str:
    return "\n".join(getattr(b, "text", "") for b in result.content)


# --- forgiving inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tp", "given", "read"),
    [
        (Literal["OPEN", "CLOSED"] | None, "open", "OPEN"),
        (Literal["Low", "High"], "HIGH", "High"),
        (list[Literal["open", "in_progress"]] | None, "in progress", ["in_progress"]),
        (list[Literal["open", "in_progress"]] | None, "OPEN, In-Progress", ["open", "in_progress"]),
        (list[Literal["open", "in_progress"]] | None, ["Open"], ["open"]),
        (list[str] | None, "St. Mary's, Phase 2", ["St. Mary's, Phase 2"]),
        (Literal["dueDate", "-dueDate"], "-duedate", "-dueDate"),
        (Literal["dueDate", "-dueDate"], "DUEDATE", "dueDate"),
    ],
)
def test_forgiving_reads_near_misses_as_meant(tp: Any, given: Any, read: Any) -> None:
    assert TypeAdapter(forgiving(tp)).validate_python(given) == read


def test_forgiving_keeps_the_schema_and_still_refuses_nonsense() -> None:
    tp = list[Literal["open", "closed"]] | None
    assert TypeAdapter(forgiving(tp)).json_schema() == TypeAdapter(tp).json_schema()
    with pytest.raises(ValueError):
        TypeAdapter(forgiving(tp)).validate_python("opne")


async def test_an_invalid_enum_is_one_sentence_naming_the_values(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("list_reviews", {"project": "hospital", "status": "pending"})
    assert result.is_error and "status" in text(result) and "OPEN" in text(result) and "pydantic" not in text(result)


def test_singular_counts() -> None:
    assert plural(1, "issues") == "1 issue" and plural(2, "issues") == "2 issues"
    assert plural(1, "companies") == "1 company" and plural(1, "RFIs") == "1 RFI" and plural(0, "RFIs") == "0 RFIs"


# --- overdue -----------------------------------------------------------------------------------------


def test_overdue_is_before_today_and_never_done() -> None:
    rule = OverdueRule("filter[dueDate]", "filter[status]", ("open", "pending"))
    query: dict[str, Any] = {}
    rule.apply(query, None, date(2026, 11, 2))
    assert query == {"filter[dueDate]": "..2026-11-01", "filter[status]": ["open", "pending"]}  # due today: not
    asked: dict[str, Any] = {"filter[status]": ["open", "closed"]}
    rule.apply(asked, None, date(2026, 11, 2))
    assert asked["filter[status]"] == ["open"]  # closed is never overdue
    body: dict[str, Any] = {"filter": {"status": "open"}}
    OverdueRule("filter.dueDate", "filter.status", ("open",)).apply({}, body, date(2026, 11, 2))
    assert body == {"filter": {"status": ["open"], "dueDate": "..2026-11-01"}}
    with pytest.raises(AccError, match="overdue"):
        rule.apply({"filter[status]": ["closed"]}, None, date(2026, 11, 2))


async def test_overdue_issues_end_to_end(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("list_issues", {"project": "tower", "overdue": True, "limit": 200})
    items = (result.structured_content or {})["items"]
    assert text(result).startswith("148 issues in all. Today is 2026-11-02.") and items
    assert all(str(i["due"]) < "2026-11-02" and i["status"] not in ("closed", "completed") for i in items)
    assert all(line.endswith("overdue") for line in text(result).splitlines()[1:-1])


# --- group_by ---------------------------------------------------------------------------------------


async def test_counts_read_every_page(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("list_issues", {"project": "school", "group_by": "status"})
    counted = (result.structured_content or {})["counts"]
    assert sum(counted.values()) == 250 > 100  # the page size is 100
    assert "safety cap" not in text(result)


async def test_counts_state_the_cap(sandbox_app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(counts, "CAP", 50)
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("list_issues", {"project": "school", "group_by": "assignee"})
    assert "Counted the first 50 per project (safety cap)" in text(result)


# --- fan-out ----------------------------------------------------------------------------------------


class Refusing(httpx2.AsyncBaseTransport):
    """The sandbox, except that one project's issues answer 403."""

    def __init__(self, app: Starlette, project: str) -> None:
        self.inner, self.project = httpx2.ASGITransport(app=app), project

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if f"/projects/{self.project}/issues" in request.url.path:
            return httpx2.Response(403, json={"detail": "no access"})
        return await self.inner.handle_async_request(request)


async def test_fan_out_reports_a_failing_project_and_goes_on(sandbox_app: Starlette) -> None:
    world = sandbox_app.state.world
    tower = next(p["id"] for p in world.projects if "Tower" in p["name"])
    server = demo_server(app=sandbox_app, transport=Refusing(sandbox_app, tower))
    async with Client(server) as client:
        listed = await client.call_tool("list_issues", {"limit": 2})
        counted = await client.call_tool("list_issues", {"group_by": "project"})
    assert not listed.is_error and "in 4 projects" in text(listed) and "Not read: Riverside Tower" in text(listed)
    assert not counted.is_error and "Not counted: Riverside Tower" in text(counted)


async def test_fan_out_bounds_concurrency() -> None:
    running = peak = 0

    async def read(pid: str, _name: str) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.01)
        running -= 1
        return pid

    got, failed = await fanout.gather([(str(i), f"p{i}") for i in range(12)], read)
    assert len(got) == 12 and not failed and peak == fanout.CONCURRENCY


async def test_fan_out_all_failing_is_an_error() -> None:
    async def read(_pid: str, _name: str) -> str:
        raise AccError("no access")

    with pytest.raises(AccError, match="No project could be read"):
        await fanout.gather([("1", "a"), ("2", "b")], read)


def test_one_project_is_not_a_fan_out() -> None:
    assert not fanout.many("hospital") and not fanout.many(["hospital"])
    assert fanout.many(None) and fanout.many([]) and fanout.many("all") and fanout.many(["a", "b"])


# --- instructions, tool order, hidden toolsets -------------------------------------------------------


@pytest.mark.parametrize("toolsets", ["default", "all", "issues"])
async def test_instructions_fit_in_2kb_and_state_the_date(sandbox_app: Starlette, toolsets: str) -> None:
    server = demo_server({"toolsets": toolsets}, app=sandbox_app)
    assert server.instructions is not None and len(server.instructions.encode()) <= LIMIT
    assert ("2026-11-02" in server.instructions and "ACC_TOOLSETS" in server.instructions) or toolsets == "all"


async def test_tools_list_order_is_deterministic(sandbox_app: Starlette) -> None:
    orders = []
    for _ in range(2):
        async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
            orders.append([t.name for t in (await client.list_tools()).tools])
    assert orders[0] == orders[1] == [t.name for t in ALL_TOOLS]


async def test_a_tool_of_a_toolset_that_is_off_says_which(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool("list_issue_comments", {"project": "hospital", "issue": 1})
    assert result.is_error and "'issues' toolset" in text(result) and "ACC_TOOLSETS" in text(result)


def test_hints_to_a_hidden_tool_say_how_to_get_it(sandbox_app: Starlette) -> None:
    server = demo_server(app=sandbox_app)
    shown = server._point("Call list_data_connector_requests for request ids.")
    assert "'data_connector' toolset, off here (ACC_TOOLSETS=default,data_connector)" in shown
    assert server._point("Call list_issues for numbers.") == "Call list_issues for numbers."
    everything = demo_server({"toolsets": "all"}, app=sandbox_app)
    assert everything._point("Call list_data_connector_requests.") == "Call list_data_connector_requests."


async def test_the_demo_uses_its_own_date_for_a_data_connector_request(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as client:
        result = await client.call_tool(
            "create_data_connector_request", {"description": "t", "service_groups": ["issues"]}
        )
    assert not result.is_error and "from: Nov 2" in text(result)
