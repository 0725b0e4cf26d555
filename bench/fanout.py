"""Fan-out and counts: an account-wide query over every project and a `group_by` over 10,000 issues, vs a bare loop.

    python bench/fanout.py

Measured once the tools accept it: `list_issues` with an optional `project` (account-wide when none is given)
and a `group_by` parameter, found in its input schema; until then each figure says "not measured yet".
The sandbox (`World.build(large=True)`) runs in a uvicorn child on loopback; the server runs in this process
(in-memory MCP client) and reaches it over HTTP, through a transport that records every upstream request.
The floor replays exactly those requests with a bare httpx2 client, at the default concurrency, parsing the
JSON and nothing else. Interleaved, median of at least BENCH_REPEAT (default 3) pairs and at least 1 s of ours.
Target: <= 1.3x the bare loop.
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, figure, free_port, header, markdown, median, section, table
from _sandbox import LoopbackSandbox

from acc_mcp.config import Settings
from acc_mcp.paging import collect
from acc_mcp.sandbox import SANDBOX_TOKEN
from acc_mcp.server import build_server, settle

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
MIN_SECONDS = 1.0


def _seconds(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


CONCURRENCY: int = inspect.signature(collect).parameters["concurrency"].default
TOOL = "list_issues"


class Recording(httpx2.AsyncHTTPTransport):
    """A real HTTP transport that remembers (method, url, body) of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str, bytes]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.log.append((request.method, str(request.url), await request.aread()))
        return await super().handle_async_request(request)


async def bare(http: httpx2.AsyncClient, requests: list[tuple[str, str, bytes]]) -> int:
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    parsed = 0

    async def one(method: str, url: str, body: bytes) -> None:
        nonlocal parsed
        async with limiter:
            headers = {"Content-Type": "application/json"} if body else None
            response = await http.request(method, url, content=body or None, headers=headers)
        response.json()
        parsed += 1

    async with anyio.create_task_group() as tg:
        for method, url, body in requests:
            tg.start_soon(one, method, url, body)
    return parsed


def capabilities(schema: dict[str, Any]) -> tuple[bool, Any]:
    """(project optional?, a group_by value or None) from the tool's input schema."""
    props = schema.get("properties", {})
    optional_project = "project" in props and "project" not in schema.get("required", [])
    group = props.get("group_by")
    if group is None:
        return optional_project, None
    choices = [*group.get("enum", []), *(v for alt in group.get("anyOf", []) for v in alt.get("enum", []))]
    return optional_project, ("status" if "status" in choices or not choices else choices[0])


async def main() -> int:
    header(f"fanout: account-wide and group_by reads vs a bare loop replaying the same requests (median of {REPEAT})")
    # What the tool accepts, from its input schema (no upstream call needed to list tools).
    probe = Settings.load(env={}, access_token=SANDBOX_TOKEN, account_id="probe", toolsets="all")
    async with Client(build_server(probe)) as lister:
        listed = next(t for t in (await lister.list_tools()).tools if t.name == TOOL)
    optional_project, group_value = capabilities(listed.input_schema)
    scenarios: list[tuple[str, dict[str, Any] | None]] = [
        (f"Fan-out: {TOOL} over every project (no project given)", {} if optional_project else None),
        (
            f"Counts: {TOOL} group_by over 10,000 issues",
            {"project": "Metro Transit Hub", "group_by": group_value} if group_value is not None else None,
        ),
    ]
    rows: list[tuple[Any, ...]] = []
    ok = True
    for name, arguments in scenarios:
        if arguments is None:
            figure(name, ours="-", floor="-", ratio=None, target="≤ 1.3×", ok=None, note="not measured yet")
    if any(arguments is not None for _, arguments in scenarios):
        ok = await measure(scenarios, rows)
    headers = ["scenario", "requests", "pairs", "ours s", "bare loop s", "ratio"]
    if rows:
        table(headers, rows)
        section("Fan-out and counts", markdown(headers, rows))
    else:
        section(
            "Fan-out and counts",
            f"Not measured yet: `{TOOL}` has no optional `project` and no `group_by` in its input schema.",
        )
    emit("fanout")
    return 0 if ok else 1


async def measure(scenarios: list[tuple[str, dict[str, Any] | None]], rows: list[tuple[Any, ...]]) -> bool:
    ok = True
    with LoopbackSandbox(free_port(), large=True) as sandbox:
        transport = Recording()
        settings = Settings.load(
            env={}, access_token=SANDBOX_TOKEN, account_id=sandbox.account_id, base_url=sandbox.url, toolsets="all"
        )
        server = build_server(settings, transport=transport)
        async with Client(server) as client:
            auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
            async with httpx2.AsyncClient(headers=auth, timeout=60) as http:
                for name, arguments in scenarios:
                    if arguments is None:
                        continue
                    await client.call_tool(TOOL, arguments)  # warm-up: lookups cached, connections open
                    transport.log.clear()
                    result = await client.call_tool(TOOL, arguments)
                    assert not result.is_error, result.content
                    requests = list(transport.log)
                    await bare(http, requests)
                    settle()
                    times: dict[str, list[float]] = {"ours": [], "floor": []}
                    i = 0
                    # At least REPEAT pairs, and at least MIN_SECONDS of ours: a 10 ms fan-out is timed over
                    # ~100 pairs, so one scheduling hiccup cannot move its median.
                    while i < REPEAT or sum(times["ours"]) < MIN_SECONDS:
                        i += 1
                        for side in ("ours", "floor") if i % 2 == 0 else ("floor", "ours"):
                            t = time.perf_counter()
                            if side == "ours":
                                await client.call_tool(TOOL, arguments)
                            else:
                                await bare(http, requests)
                            times[side].append(time.perf_counter() - t)
                    o, f = median(times["ours"]), median(times["floor"])
                    rows.append((name, len(requests), len(times["ours"]), o, f, o / f))
                    ok &= figure(
                        name,
                        ours=_seconds(o),
                        floor=f"{_seconds(f)} ({len(requests)} requests, median of {len(times['ours'])})",
                        ratio=o / f,
                        target="≤ 1.3×",
                        ok=o / f <= 1.3,
                    )
    return ok


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
