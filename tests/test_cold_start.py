"""Cold start (issue 13): what `python -m acc_mcp` imports by the time it answers tools/list over stdio.

The real process, with `-X importtime` (every import it makes, to stderr), against a one-tool MCPServer
served the same way: sign-in flows, DuckDB, the sandbox, the HTTP stack and the pieces only a tool call
needs are imported when first used, and no third-party package beyond the SDK's is imported to start.
bench/cold_start.py measures the time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

pytestmark = pytest.mark.anyio

FLOOR = '''
from mcp.server import MCPServer

server = MCPServer("floor")


@server.tool()
def echo(text: str) -> str:
    """Echo the text."""
    return text


server.run("stdio")
'''

NOT_AT_START = (
    "authlib",
    "joserfc",
    "jwt",
    "duckdb",
    "httpcore2",  # the pooled HTTP client is made at the first request
    "acc_mcp.sandbox",
    "acc_mcp.analytics",
    "acc_mcp.auth.login",
    "acc_mcp.auth.ssa",
    "acc_mcp.auth.oauth",
    "acc_mcp.auth.store",
    "acc_mcp.auth.tokens",
    "acc_mcp.paging",
    "acc_mcp.clients",
    "acc_mcp.http_app",
    "acc_mcp.demo",
)
ALLOWED = ("platformdirs",)
"""Third-party packages the server may import to start beyond the SDK's: the per-user download folder."""


async def _imported(args: list[str], tmp_path: Path, name: str) -> tuple[set[str], int]:
    """Modules the process imported until it answered tools/list (and closed), and how many tools it listed."""
    env = {
        **os.environ,
        "APS_ACCESS_TOKEN": "cold-start",
        "ACC_ACCOUNT_ID": "cold-start",
        "ACC_TOOLSETS": "all",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    log = tmp_path / f"{name}.log"
    params = StdioServerParameters(command=sys.executable, args=["-X", "importtime", *args], env=env)
    with log.open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            tools = (await client.list_tools()).tools
    lines = log.read_text().splitlines()
    names = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:") and "|" in line}
    return names, len(tools)


async def test_serving_stdio_imports_only_what_the_tool_list_needs(tmp_path: Path) -> None:
    script = tmp_path / "floor.py"
    script.write_text(FLOOR)
    floor, _ = await _imported([str(script)], tmp_path, "floor")
    ours, count = await _imported(["-m", "acc_mcp"], tmp_path, "ours")
    assert count == 46 and "acc_mcp.tools.admin" in ours  # the log is read right
    early = [h for h in NOT_AT_START if any(m == h or m.startswith(h + ".") for m in ours)]
    assert not early, f"imported at start-up: {early}"
    top = {m.split(".")[0] for m in ours - floor}
    third_party = sorted(t for t in top if t not in sys.stdlib_module_names and t != "acc_mcp" and t not in ALLOWED)
    assert not third_party, f"third-party packages the SDK does not import, imported at start-up: {third_party}"
