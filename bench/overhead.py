"""Per-call overhead: one of our list tools over stdio vs a one-tool MCPServer making the same GET, interleaved.

    python bench/overhead.py

The sandbox is served on loopback by uvicorn in a child process. Two stdio servers run side by side, each
spawned by the SDK's `Client`: `python -m acc_mcp` (ACC_BASE_URL=http://127.0.0.1:PORT) and the floor, a
minimal `MCPServer` whose one tool makes the same upstream GET with one long-lived httpx2 client and returns
the body's length. Calls alternate between the two (which goes first alternates too), so load on the machine
hits both alike. Both make exactly one upstream request per call (checked with the sandbox's counters).
Target: median ours <= 1.15x median floor.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client, StdioServerParameters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, figure, free_port, header, markdown, median, p95, section, table
from _sandbox import LoopbackSandbox, RecordingTransport, server_on

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app

N = int(os.environ.get("BENCH_N", "200"))
TOOL = "list_reviews"

FLOOR = '''
import json, logging, os

import httpx2
from mcp.server import MCPServer

server = MCPServer("floor")
for name in ("httpx", "httpx2", "httpcore", "httpcore2"):  # as acc-mcp does: no log line per request
    logging.getLogger(name).setLevel(logging.WARNING)
http = httpx2.AsyncClient(
    base_url=os.environ["FLOOR_URL"], headers={"Authorization": "Bearer " + os.environ["FLOOR_TOKEN"]}
)
PARAMS = json.loads(os.environ["FLOOR_PARAMS"])


@server.tool()
async def get(path: str) -> int:
    """GET the path; return the body's length."""
    response = await http.get(path, params=PARAMS)
    response.raise_for_status()
    return len(response.content)


server.run("stdio")
'''


async def sent_query() -> dict[str, str]:
    """The query our tool sends upstream for one call (recorded in-process), so that the floor sends the same."""
    app = build_app(World.build())
    transport = RecordingTransport(app=app)
    world = app.state.world
    pid = next(p["id"] for p in world.projects if "Hospital" in p["name"])
    async with Client(server_on(app, transport)) as client:
        await client.call_tool(TOOL, {"project": pid})
    request = next(r for r, _ in reversed(transport.log) if r.url.path.endswith("/reviews"))
    return dict(request.url.params.items())


async def main() -> int:
    header(f"overhead: {TOOL} over stdio vs a one-tool MCPServer making the same GET ({N} calls each, interleaved)")
    with LoopbackSandbox(free_port()) as sandbox, tempfile.TemporaryDirectory() as tmp:
        auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        async with httpx2.AsyncClient(base_url=sandbox.url, headers=auth) as http:
            projects = (await http.get(f"/construction/admin/v1/accounts/{sandbox.account_id}/projects")).json()
        pid = next(p["id"] for p in projects["results"] if "Hospital" in p["name"])
        path = f"/construction/reviews/v1/projects/{pid}/reviews"
        script = Path(tmp) / "floor_server.py"
        script.write_text(FLOOR)
        env = {**os.environ, "ACC_BASE_URL": sandbox.url, "APS_ACCESS_TOKEN": SANDBOX_TOKEN}
        env["ACC_ACCOUNT_ID"] = sandbox.account_id
        ours_params = StdioServerParameters(command=sys.executable, args=["-m", "acc_mcp"], env=env)
        async with Client(ours_params) as ours:
            sent = await sent_query()
            floor_env = {**env, "FLOOR_URL": sandbox.url, "FLOOR_TOKEN": SANDBOX_TOKEN}
            floor_env["FLOOR_PARAMS"] = json.dumps(sent)
            floor_params = StdioServerParameters(command=sys.executable, args=[str(script)], env=floor_env)
            async with Client(floor_params) as floor:

                async def call_ours() -> None:
                    result = await ours.call_tool(TOOL, {"project": pid})
                    assert not result.is_error, result.content

                async def call_floor() -> None:
                    result = await floor.call_tool("get", {"path": path})
                    assert not result.is_error, result.content

                for _ in range(20):  # warm-up: caches filled, connections open
                    await call_ours()
                    await call_floor()
                before = sandbox.stats()["byPath"].get(path, 0)
                times: dict[str, list[float]] = {"ours": [], "floor": []}
                for i in range(N):
                    pair: list[tuple[str, Any]] = [("ours", call_ours), ("floor", call_floor)]
                    for name, call in pair if i % 2 else reversed(pair):
                        t = time.perf_counter()
                        await call()
                        times[name].append((time.perf_counter() - t) * 1000)
                upstream = (sandbox.stats()["byPath"].get(path, 0) - before) / (2 * N)

    ours_ms, floor_ms = times["ours"], times["floor"]
    rows = [
        ("one-tool MCPServer, same GET (floor)", median(floor_ms), p95(floor_ms)),
        (f"{TOOL} over stdio", median(ours_ms), p95(ours_ms)),
    ]
    table(["server", "median ms", "p95 ms"], rows)
    print(f"upstream requests per call: {upstream:.2f} (both servers together average this)")
    section(
        "Per-call overhead",
        markdown(["server", "median ms", "p95 ms"], rows)
        + f"\n\n{N} calls each after 20 warm-up calls, alternating; upstream requests per call {upstream:.2f}; "
        f"query sent by both: `{json.dumps(sent)}`.",
    )
    ratio = median(ours_ms) / median(floor_ms)
    ok = figure(
        f"Per-call overhead: {TOOL} over stdio vs one-tool MCPServer, same GET",
        ours=f"{median(ours_ms):.2f} ms",
        floor=f"{median(floor_ms):.2f} ms",
        ratio=ratio,
        target="≤ 1.15×",
        ok=ratio <= 1.15 and abs(upstream - 1) < 0.01,
    )
    emit("overhead")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
