"""Latency a tool call adds over the upstream request it makes, through a real MCP client over stdio.

    python bench/overhead.py

The sandbox is served on loopback by uvicorn in a child process. `python -m acc_mcp` runs as a stdio MCP
server against it (ACC_BASE_URL=http://127.0.0.1:PORT). We time `list_reviews(project=<id>)` (one upstream
GET once the warm-up call has filled the caches) and the same GET made directly with httpx2.
Target: added <= 5 ms median.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import anyio
import httpx2
from mcp import Client, StdioServerParameters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, header, median, p95, table, verdict
from _sandbox import LoopbackSandbox

from acc_mcp.sandbox import SANDBOX_TOKEN

N = int(os.environ.get("BENCH_N", "200"))


async def main() -> int:
    header(f"overhead: tool call over stdio vs direct upstream request ({N} calls each)")
    with LoopbackSandbox(free_port()) as sandbox:
        auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        async with httpx2.AsyncClient(base_url=sandbox.url, headers=auth) as http:
            projects = (await http.get(f"/construction/admin/v1/accounts/{sandbox.account_id}/projects")).json()
            pid = next(p["id"] for p in projects["results"] if "Hospital" in p["name"])
            path = f"/construction/reviews/v1/projects/{pid}/reviews"
            # What the tool sends (see the sandbox's request log: sort, limit, offset).
            params: dict[str, str | int] = {"sort": "createdAt desc", "limit": 25, "offset": 0}
            for _ in range(20):
                (await http.get(path, params=params)).raise_for_status()
            direct = []
            for _ in range(N):
                t = time.perf_counter()
                r = await http.get(path, params=params)
                r.json()
                direct.append((time.perf_counter() - t) * 1000)

        env = {
            **os.environ,
            "ACC_BASE_URL": sandbox.url,
            "APS_ACCESS_TOKEN": SANDBOX_TOKEN,
            "ACC_ACCOUNT_ID": sandbox.account_id,
        }
        params_ = StdioServerParameters(command=sys.executable, args=["-m", "acc_mcp"], env=env)
        async with Client(params_) as client:
            for _ in range(20):
                result = await client.call_tool("list_reviews", {"project": pid})
                assert not result.is_error, result.content
            warm = sandbox.stats()["byPath"].get(path, 0)
            tool = []
            for _ in range(N):
                t = time.perf_counter()
                result = await client.call_tool("list_reviews", {"project": pid})
                tool.append((time.perf_counter() - t) * 1000)
            after = sandbox.stats()
        upstream_per_call = (after["byPath"].get(path, 0) - warm) / N

    rows = [
        ("direct httpx2 GET", median(direct), p95(direct)),
        ("list_reviews over stdio", median(tool), p95(tool)),
        ("added by acc-mcp + MCP", median(tool) - median(direct), p95(tool) - p95(direct)),
    ]
    table(["path", "median ms", "p95 ms"], rows)
    print(f"upstream requests per measured tool call: {upstream_per_call:.2f}")
    added = median(tool) - median(direct)
    ok = verdict("added <= 5 ms median", added <= 5.0, f"{added:.2f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
