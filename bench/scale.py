"""Large reads: `collect` of 10,000 issues (100 pages of 100) vs a bare httpx2 loop, same run, interleaved.

    python bench/scale.py

The sandbox (`World.build(large=True)`, project "Metro Transit Hub") runs in a uvicorn child on loopback, so
this process is only the client. Ours: `AccClient` + `acc_mcp.paging.collect` with `OffsetPaging(max_page=100)`.
The floor: a bare `httpx2.AsyncClient` that fetches the same pages at the same concurrency (the first page
alone, since its total says how many more there are, then the rest at most `concurrency` at a time) and only
parses the JSON. Each pair is run `BENCH_REPEAT` times (default 3), alternating which goes first; medians.
With no added latency and with 50 ms per upstream request, at concurrency 4 and 8: <= 1.2x the bare loop.
With latency, at the default concurrency: <= 1.5x the latency floor ceil(pages / concurrency) x 50 ms.

After the warm-up the bench calls `acc_mcp.server.settle()` (gc.freeze), as `acc-mcp serve` does before serving.
"""

from __future__ import annotations

import inspect
import math
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, figure, free_port, header, markdown, median, section, table
from _sandbox import LoopbackSandbox

from acc_mcp.client import AccClient, StaticToken
from acc_mcp.config import Settings
from acc_mcp.paging import Call, OffsetPaging, collect
from acc_mcp.sandbox import SANDBOX_TOKEN
from acc_mcp.server import settle

LATENCY = 0.05
PAGE = 100
WANT = 10_000
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
DEFAULT_CONCURRENCY: int = inspect.signature(collect).parameters["concurrency"].default


async def bare(http: httpx2.AsyncClient, path: str, concurrency: int) -> int:
    """The floor: the same pages, the same concurrency, JSON parsed and nothing else."""
    first = (await http.get(path, params={"limit": PAGE, "offset": 0})).json()
    bodies = [first]
    total = int(first["pagination"]["totalResults"])
    limiter = anyio.CapacityLimiter(concurrency)

    async def one(offset: int) -> None:
        async with limiter:
            response = await http.get(path, params={"limit": PAGE, "offset": offset})
        bodies.append(response.json())

    async with anyio.create_task_group() as tg:
        for offset in range(PAGE, min(total, WANT), PAGE):
            tg.start_soon(one, offset)
    return sum(len(b["results"]) for b in bodies)


async def timed(run: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    t = time.perf_counter()
    items = await run()
    return time.perf_counter() - t, items


async def main() -> int:
    header(f"scale: {WANT:,} issues in pages of {PAGE}, collect vs a bare httpx2 loop (median of {REPEAT})")
    rows: list[tuple[Any, ...]] = []
    ok = True
    with LoopbackSandbox(free_port(), large=True) as sandbox:
        settings = Settings.load(
            env={}, access_token=SANDBOX_TOKEN, account_id=sandbox.account_id, base_url=sandbox.url
        )
        paging = OffsetPaging(max_page=PAGE)
        auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        async with (
            AccClient(settings, StaticToken(SANDBOX_TOKEN), transport=None) as client,
            httpx2.AsyncClient(base_url=sandbox.url, headers=auth, timeout=60) as http,
        ):
            projects = await client.get(
                client.url("/construction/admin/v1/accounts/{a}/projects", a=sandbox.account_id), {"limit": 200}
            )
            pid = next(p["id"] for p in projects["results"] if p["name"] == "Metro Transit Hub")
            path = f"/construction/issues/v1/projects/{pid}/issues"
            call = Call("GET", client.url("/construction/issues/v1/projects/{p}/issues", p=pid))

            async def fetch(c: Call) -> Any:
                return await client.request(c.method, c.path, params=c.params, json=c.json, idempotent=True)

            def ours(n: int) -> Callable[[], Awaitable[int]]:
                async def run() -> int:
                    return len((await collect(fetch, paging, call, want=WANT, concurrency=n)).items)

                return run

            def floor(n: int) -> Callable[[], Awaitable[int]]:
                return lambda: bare(http, path, n)

            # Warm-up, no latency: opens the connections, fills caches, on both sides.
            for n in (4, 8):
                await ours(n)()
                await floor(n)()
            settle()  # as `acc-mcp serve` does before serving
            for latency in (0.0, LATENCY):
                sandbox.configure(latency=latency)
                for n in sorted({4, 8, DEFAULT_CONCURRENCY}):
                    times: dict[str, list[float]] = {"ours": [], "floor": []}
                    for i in range(REPEAT):
                        pair = [("ours", ours(n)), ("floor", floor(n))]
                        for name, run in pair if i % 2 == 0 else reversed(pair):
                            elapsed, items = await timed(run)
                            assert items == WANT, (name, items)
                            times[name].append(elapsed)
                    o, f = median(times["ours"]), median(times["floor"])
                    lat_floor = math.ceil(WANT / PAGE / n) * latency
                    x_lat = o / lat_floor if lat_floor else "-"
                    bare_lat = f / lat_floor if lat_floor else "-"
                    rows.append((f"{latency * 1000:.0f} ms", n, o, f, o / f, lat_floor or "-", x_lat, bare_lat))
            sandbox.configure(latency=0.0)

    headers = [
        "latency",
        "concurrency",
        "collect s",
        "bare loop s",
        "x bare",
        "latency floor s",
        "x latency floor",
        "bare x latency floor",
    ]
    table(headers, rows)
    section(
        "Large reads",
        markdown(headers, rows)
        + f"\n\nMedian of {REPEAT} interleaved runs each; {WANT:,} issues, {WANT // PAGE} pages; the default "
        f"concurrency is {DEFAULT_CONCURRENCY}.",
    )
    for latency, n, o, f, ratio, lat_floor, x_lat, bare_lat in rows:
        if n in (4, 8):
            ok &= figure(
                f"Large read, {latency} latency, concurrency {n}: collect vs bare httpx2 loop",
                ours=f"{o:.2f} s",
                floor=f"{f:.2f} s",
                ratio=ratio,
                target="≤ 1.2×",
                ok=ratio <= 1.2,
            )
        if n == DEFAULT_CONCURRENCY and lat_floor != "-":
            ok &= figure(
                f"Large read, {latency} latency, default concurrency {n}: collect vs latency floor",
                ours=f"{o:.2f} s",
                floor=f"{lat_floor:.2f} s",
                ratio=x_lat,
                target="≤ 1.5×",
                ok=x_lat <= 1.5,
                note=f"the bare loop: {bare_lat:.2f}× the latency floor in the same run",
            )
    emit("scale")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
