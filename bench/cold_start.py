"""Cold start: spawning `python -m acc_mcp demo` to the tools/list answer, vs a one-tool MCPServer.

    python bench/cold_start.py

Both are spawned by the SDK's Client over stdio; the wall time runs from before the spawn to the
tools/list result. The floor is a temp script with a minimal MCPServer and one tool (what importing the
SDK and starting a stdio server costs). Median of 5 runs each. Target: <= 1.3x the floor.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, median, table, verdict

RUNS = int(os.environ.get("BENCH_RUNS", "5"))

MINIMAL = '''
from mcp.server import MCPServer

server = MCPServer("floor")


@server.tool()
def echo(text: str) -> str:
    """Echo the text."""
    return text


server.run("stdio")
'''


async def once(args: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    async with Client(StdioServerParameters(command=sys.executable, args=args)) as client:
        tools = await client.list_tools()
        elapsed = time.perf_counter() - t
    return elapsed, len(tools.tools)


async def main() -> int:
    header(f"cold_start: spawn to tools/list answer over stdio (median of {RUNS})")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "floor_server.py"
        script.write_text(MINIMAL)
        await once([str(script)])  # warm the OS file cache and .pyc files
        await once(["-m", "acc_mcp", "demo"])
        floor, ours = [], []
        for _ in range(RUNS):  # interleaved, so drift hits both alike
            floor.append((await once([str(script)]))[0])
            ours.append((await once(["-m", "acc_mcp", "demo"]))[0])
    rows = [
        ("minimal MCPServer, 1 tool (floor)", median(floor) * 1000, min(floor) * 1000, max(floor) * 1000),
        ("python -m acc_mcp demo", median(ours) * 1000, min(ours) * 1000, max(ours) * 1000),
    ]
    table(["server", "median ms", "min ms", "max ms"], rows)
    ratio = median(ours) / median(floor)
    ok = verdict(
        "<= 1.3x floor", ratio <= 1.3, f"{ratio:.2f}x ({median(ours) * 1000:.0f} ms vs {median(floor) * 1000:.0f} ms)"
    )
    if not ok:
        print("profile: python -X importtime -c 'import acc_mcp.cli' 2>&1 | sort -t'|' -k2 -n | tail")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
