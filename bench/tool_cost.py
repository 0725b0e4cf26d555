"""Token cost of the tools/list result as an MCP client receives it, for the `default` and `all` toolsets.

    python bench/tool_cost.py

Each tool is serialised as the client gets it (model_dump(by_alias, exclude_none, json) then json.dumps)
and counted with tiktoken cl100k_base. Targets: all <= 12,000 tokens, and <= 170 a tool on average (so that
all 69 endpoints of the reference fit in 12,000), default <= 4,000, no tool > 400.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, table, tokens, verdict

from acc_mcp.demo import demo_server


async def measure(toolsets: str) -> list[tuple[str, int]]:
    async with Client(demo_server({"toolsets": toolsets})) as client:
        result = await client.list_tools()
    return [
        (t.name, tokens(json.dumps(t.model_dump(by_alias=True, exclude_none=True, mode="json")))) for t in result.tools
    ]


async def main() -> int:
    header("tool_cost: tokens of tools/list")
    default = await measure("default")
    everything = await measure("all")
    in_default = {n for n, _ in default}
    table(
        ["tool", "tokens", "default"],
        [(n, c, "*" if n in in_default else "") for n, c in sorted(everything, key=lambda r: -r[1])],
    )
    print()
    rows = []
    for name, tools in (("default", default), ("all", everything)):
        total = sum(c for _, c in tools)
        rows.append((name, len(tools), total, total / len(tools), max(c for _, c in tools)))
    table(["toolset", "tools", "tokens", "avg/tool", "max/tool"], rows)
    print()
    total_all = rows[1][2]
    total_default = rows[0][2]
    biggest = max(everything, key=lambda r: r[1])
    ok = verdict(
        "all <= 12,000",
        total_all <= 12_000,
        f"{total_all:,} tokens for {len(everything)} tools "
        f"(avg {total_all / len(everything):.0f}/tool; budget ~170/tool for 69 endpoints)",
    )
    ok &= verdict(
        "avg <= 170/tool",
        total_all / len(everything) <= 170,
        f"{total_all / len(everything):.1f} tokens/tool; at that rate 69 endpoints cost "
        f"{total_all / len(everything) * 69:,.0f}",
    )
    ok &= verdict("default <= 4,000", total_default <= 4_000, f"{total_default:,} tokens for {len(default)} tools")
    ok &= verdict("no tool > 400", biggest[1] <= 400, f"largest is {biggest[0]} at {biggest[1]} tokens")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
