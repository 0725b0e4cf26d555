"""Data Connector lists: requests by prefix or name, jobs grouped under their request."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.tools.schedules import next_run as _next_run
from acc_mcp.views import ViewContext

pytestmark = pytest.mark.anyio


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as c:
        yield c


async def call(client: Client, tool: str, **args: Any) -> tuple[str, dict[str, Any]]:
    result = await client.call_tool(tool, args)
    body = "\n".join(b.text for b in result.content if b.type == "text")
    assert not result.is_error, body
    return body, result.structured_content or {}


async def test_request_lines(client: Client, sandbox_app: Starlette) -> None:
    body, data = await call(client, "list_data_connector_requests")
    lines = body.splitlines()[1:]
    requests = sandbox_app.state.families["data_connector"].requests
    assert len(lines) == len(requests)
    for line, item in zip(lines, data["items"], strict=True):
        assert re.match(r"[0-9a-f]{8} ", line) and item["id"].startswith(line[:8])
        assert item["name"] in line and item["schedule"] in ("once", "daily", "weekly", "monthly", "yearly")
        # The schedule is written unless the name already says it.
        assert f" · {item['schedule']}" in line or item["schedule"] in item["name"].lower()
    paused = [ln for ln in lines if "(paused)" in ln]
    assert paused and all(" · inactive" in ln for ln in paused)
    assert sum(" · inactive" in ln for ln in lines) == len(paused)


async def test_jobs_grouped_by_request_and_filtered_by_prefix_or_name(client: Client) -> None:
    body, data = await call(client, "list_data_connector_jobs")
    headings = [ln for ln in body.splitlines()[1:] if ln.endswith(":")]
    assert headings and all(re.match(r"request .+ \([0-9a-f]{8}\):$", h) for h in headings)
    jobs = [ln for ln in body.splitlines()[1:] if not ln.endswith(":") and not ln.startswith("Showing")]
    assert all(re.match(r"[0-9a-f]{8} (queued|running|complete)", ln) for ln in jobs)
    assert len(jobs) == len(data["items"])

    weekly = next(h for h in headings if "Weekly issues" in h)
    prefix = weekly[-10:-2]
    for request in (prefix, "weekly issues"):
        one, only = await call(client, "list_data_connector_jobs", request=request)
        assert [h for h in one.splitlines() if h.endswith(":")] == [weekly]
        assert {i["request"][:8] for i in only["items"]} == {prefix}


async def test_unknown_or_ambiguous_request(client: Client) -> None:
    unknown = await client.call_tool("list_data_connector_jobs", {"request": "0badc0de"})
    assert unknown.is_error and "list_data_connector_requests" in unknown.content[0].text  # type: ignore[union-attr]
    several = await client.call_tool("list_data_connector_jobs", {"request": "extract"})
    assert several.is_error and "matches" in several.content[0].text  # type: ignore[union-attr]


async def test_a_created_request_is_followed_by_its_prefix(client: Client) -> None:
    # Starting on the sandbox's today (2026-11-02, before its clock's 15:00), the request runs at once: its job
    # is listed under the request's prefix. (The default start is the subject of an xfail contract row.)
    created = await client.call_tool(
        "create_data_connector_request",
        {"description": "Prefix test", "service_groups": ["admin"], "start": "2026-11-02"},
    )
    request_id = (created.structured_content or {})["id"]
    body, data = await call(client, "list_data_connector_jobs", request=request_id[:8])
    lines = body.splitlines()
    assert re.fullmatch(r"1 jobs? in all\.", lines[0]) and lines[1] == f"request Prefix test ({request_id[:8]}):", body
    assert re.fullmatch(r"[0-9a-f]{8} (queued|running|complete) · started Nov 2", lines[2]), body
    items: Any = data["items"]
    assert [i["request"] for i in items] == [request_id]


async def test_requests_say_when_they_run_next(client: Client) -> None:
    body, data = await call(client, "list_data_connector_requests")
    # The weekly one ran today (Nov 2, the sandbox's day): next week; the monthly one ran Nov 1: next month.
    assert "Weekly issues + RFIs extract · next Nov 9" in body and "extract · next Dec 1 ·" in body
    runs = {i["name"]: i.get("next") for i in data["items"]}
    assert runs["Daily locations + submittals (paused)"] is None and runs["Account admin snapshot"] is None


def test_the_next_run_steps_whole_intervals_from_the_start() -> None:
    today = ViewContext(today=date(2026, 11, 2))

    def nxt(**r: Any) -> str | None:
        day = _next_run({"isActive": True, "reoccuringInterval": 1, **r}, today)
        return None if day is None else day.day.isoformat()

    assert nxt(scheduleInterval="MONTH", effectiveFrom="2026-01-31T06:00:00Z") == "2026-11-30"  # clamped
    assert nxt(scheduleInterval="MONTH", effectiveFrom="2026-01-31", lastQueuedAt="2026-11-30") == "2026-12-31"
    assert nxt(scheduleInterval="WEEK", effectiveFrom="2026-08-03", reoccuringInterval=2) == "2026-11-09"
    assert nxt(scheduleInterval="DAY", effectiveFrom="2026-12-25T00:00:00Z") == "2026-12-25"  # not started yet
    assert nxt(scheduleInterval="YEAR", effectiveFrom="2025-03-01") == "2027-03-01"
    assert nxt(scheduleInterval="DAY", effectiveFrom="2026-01-01", effectiveTo="2026-10-31") is None  # over
    assert nxt(scheduleInterval="ONE_TIME", effectiveFrom="2026-12-01") is None
    assert nxt(scheduleInterval="WEEK", effectiveFrom="2026-08-03", isActive=False) is None
