"""Cold start: spawning `python -m acc_mcp` (every tool registered) to the tools/list answer, vs a one-tool MCPServer.

    python bench/cold_start.py

Both are spawned by the SDK's Client over stdio; the wall time runs from before the spawn to the
tools/list result. Ours is the real server (`ACC_TOOLSETS=all`, a static token, nothing contacted before a
tool call); `python -m acc_mcp demo` (which builds the sandbox in-process) is shown for information. The floor
is a temp script with a minimal MCPServer and one tool (what importing the SDK and starting a stdio server
costs). Interleaved, median of BENCH_RUNS (default 5) each. Target: <= 1.3x the floor. Also listed: which
heavy modules (auth flows and crypto, DuckDB, the sandbox) the server has imported by the time it serves.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, figure, header, markdown, median, section, table

import acc_mcp

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


HEAVY = ("duckdb", "acc_mcp.sandbox", "acc_mcp.auth.login", "acc_mcp.auth.ssa", "authlib", "jwt", "cryptography")
ENV = {**os.environ, "APS_ACCESS_TOKEN": "cold-start", "ACC_ACCOUNT_ID": "cold-start", "ACC_TOOLSETS": "all"}

PROBE = """
import json, sys
import acc_mcp.cli as cli
from acc_mcp.config import Settings
from acc_mcp.server import build_server
build_server(Settings.load())
print(json.dumps(sorted(sys.modules)))
"""
FLOOR_PROBE = "import json, sys\nfrom mcp.server import MCPServer\nprint(json.dumps(sorted(sys.modules)))"


async def once(args: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    async with Client(StdioServerParameters(command=sys.executable, args=args, env=ENV)) as client:
        tools = await client.list_tools()
        elapsed = time.perf_counter() - t
    return elapsed, len(tools.tools)


async def main() -> int:
    header(f"cold_start: spawn to tools/list answer over stdio (median of {RUNS}, interleaved)")
    # Byte-compiled, as pip leaves an installed wheel and the SDK here (with PYTHONDONTWRITEBYTECODE set, an
    # editable checkout would otherwise compile every module on every start, which no installed copy does).
    compileall.compile_dir(str(Path(acc_mcp.__file__).parent), quiet=1)
    serve, demo = ["-m", "acc_mcp"], ["-m", "acc_mcp", "demo"]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "floor_server.py"
        script.write_text(MINIMAL)
        for args in ([str(script)], serve, demo):  # warm the OS file cache and .pyc files
            await once(args)
        floor: list[float] = []
        ours: list[float] = []
        ours_demo: list[float] = []
        tools = 0
        for _ in range(RUNS):  # interleaved, so drift hits all alike
            floor.append((await once([str(script)]))[0])
            elapsed, tools = await once(serve)
            ours.append(elapsed)
            ours_demo.append((await once(demo))[0])
    probe = subprocess.run([sys.executable, "-c", PROBE], env=ENV, capture_output=True, text=True, check=True)
    loaded = json.loads(probe.stdout.splitlines()[-1])
    probe = subprocess.run([sys.executable, "-c", FLOOR_PROBE], capture_output=True, text=True, check=True)
    sdk = set(json.loads(probe.stdout.splitlines()[-1]))
    # Heavy modules the SDK itself does not already import (it imports cryptography, starlette, uvicorn).
    heavy = sorted({h for h in HEAVY for m in loaded if (m == h or m.startswith(h + ".")) and m not in sdk})
    rows = [
        ("minimal MCPServer, 1 tool (floor)", median(floor) * 1000, min(floor) * 1000, max(floor) * 1000),
        (f"python -m acc_mcp, {tools} tools", median(ours) * 1000, min(ours) * 1000, max(ours) * 1000),
        ("python -m acc_mcp demo (info)", median(ours_demo) * 1000, min(ours_demo) * 1000, max(ours_demo) * 1000),
    ]
    headers = ["server", "median ms", "min ms", "max ms"]
    table(headers, rows)
    print(f"heavy modules imported before serving: {', '.join(heavy) or 'none'}")
    section(
        "Cold start",
        markdown(headers, rows) + f"\n\nHeavy modules imported by the time the server serves (of {', '.join(HEAVY)}): "
        f"{', '.join(heavy) or 'none'}. Demo mode imports and builds the sandbox on purpose.",
    )
    ratio = median(ours) / median(floor)
    ok = figure(
        f"Cold start: python -m acc_mcp ({tools} tools) vs one-tool MCPServer",
        ours=f"{median(ours) * 1000:.0f} ms",
        floor=f"{median(floor) * 1000:.0f} ms",
        ratio=ratio,
        target="≤ 1.3×, no heavy import",
        ok=ratio <= 1.3 and not heavy,
        note=f"heavy imports: {', '.join(heavy)}" if heavy else "",
    )
    if not ok:
        print("profile: python -X importtime -c 'import acc_mcp.cli' 2>&1 | sort -t'|' -k2 -n | tail")
    emit("cold_start")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
