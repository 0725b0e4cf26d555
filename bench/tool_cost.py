"""Token cost of tools/list as an MCP client receives it: per tool and per toolset, over every registered tool.

    python bench/tool_cost.py
    python bench/tool_cost.py --record   # also rewrite tests/fixtures/tool_tokens.json (the calibration's record)

Every tool of `acc_mcp.tools.ALL_TOOLS` is listed by an in-process SDK `Client` (`demo_server`, toolsets
`all`), serialised as the SDK sends it (model_dump(by_alias, exclude_none, json), compact JSON) and counted
with tiktoken cl100k_base. Targets: all <= 10,000 tokens, default <= 3,000, no tool > 400. Also: the figure
`acc-mcp tools` prints (`acc_mcp.render.tool_tokens` without tiktoken, a calibrated characters-per-token
estimate) against the real count: within 15%.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import anyio
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import TOKENIZER, compact, emit, figure, header, markdown, section, table, tokens

from acc_mcp.demo import demo_server
from acc_mcp.render import estimate_tool_tokens
from acc_mcp.tools import ALL_TOOLS

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tool_tokens.json"


def record(texts: dict[str, str], cost: dict[str, int]) -> None:
    doc = json.loads(FIXTURE.read_text())
    doc["tools"] = {n: {"chars": len(texts[n]), "tokens": cost[n]} for n in texts}
    FIXTURE.write_text(json.dumps(doc, indent=1) + "\n")
    chars, total = sum(len(t) for t in texts.values()), sum(cost.values())
    print(f"recorded {FIXTURE}: {chars:,} characters, {total:,} tokens, {chars / total:.2f} characters a token")


async def main() -> int:
    header("tool_cost: tokens of tools/list, every registered tool")
    async with Client(demo_server({"toolsets": "all"})) as client:
        listed = (await client.list_tools()).tools
    specs = {t.name: t for t in ALL_TOOLS}
    assert {t.name for t in listed} == set(specs), "tools/list (all) differs from ALL_TOOLS"
    texts = {t.name: compact(t.model_dump(by_alias=True, exclude_none=True, mode="json")) for t in listed}
    cost = {name: tokens(text) for name, text in texts.items()}
    estimate = {name: estimate_tool_tokens(text) for name, text in texts.items()}

    per_tool = sorted(cost.items(), key=lambda r: -r[1])
    tool_rows = [
        (n, specs[n].toolset, "*" if specs[n].default else "", c, estimate[n], len(texts[n])) for n, c in per_tool
    ]
    tool_headers = ["tool", "toolset", "default", "tokens", "estimate", "chars"]
    table(tool_headers, tool_rows)
    print()
    groups: dict[str, list[str]] = defaultdict(list)
    for name, spec in specs.items():
        groups["all"].append(name)
        groups[spec.toolset].append(name)
        if spec.default:
            groups["default"].append(name)
    set_rows = []
    for toolset in ("default", "all", *sorted(k for k in groups if k not in ("default", "all"))):
        names = groups[toolset]
        total = sum(cost[n] for n in names)
        set_rows.append((toolset, len(names), total, total / len(names), max(cost[n] for n in names)))
    set_headers = ["toolset", "tools", "tokens", "avg/tool", "max/tool"]
    table(set_headers, set_rows)
    print()
    section(
        "Tool list: per toolset",
        markdown(set_headers, set_rows) + f"\n\nCounted with {TOKENIZER} over the compact JSON of each tool.",
    )
    section("Tool list: per tool", markdown(tool_headers, tool_rows))

    total_all = sum(cost.values())
    total_default = sum(cost[n] for n in groups["default"])
    biggest = per_tool[0]
    est_all = sum(estimate.values())
    ok = figure(
        f"Tool list, all ({len(cost)} tools)",
        ours=f"{total_all:,} tokens",
        floor="-",
        ratio=None,
        target="≤ 10,000",
        ok=total_all <= 10_000,
    )
    ok &= figure(
        f"Tool list, default ({len(groups['default'])} tools)",
        ours=f"{total_default:,} tokens",
        floor="-",
        ratio=None,
        target="≤ 3,000",
        ok=total_default <= 3_000,
    )
    ok &= figure(
        "Tool list, largest tool",
        ours=f"{biggest[1]} tokens ({biggest[0]})",
        floor="-",
        ratio=None,
        target="≤ 400",
        ok=biggest[1] <= 400,
    )
    worst = max(cost, key=lambda n: abs(estimate[n] / cost[n] - 1))
    ok &= figure(
        "Tool list, `acc-mcp tools` estimate (no tiktoken) vs real cl100k count, all",
        ours=f"{est_all:,} tokens",
        floor=f"{total_all:,} tokens",
        ratio=est_all / total_all,
        target="0.85–1.15×",
        ok=0.85 <= est_all / total_all <= 1.15,
        note=f"per tool {min(estimate[n] / cost[n] for n in cost):.2f}–{max(estimate[n] / cost[n] for n in cost):.2f}×"
        f" (widest: {worst})",
    )
    if "--record" in sys.argv:
        record(texts, cost)
    emit("tool_cost")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
