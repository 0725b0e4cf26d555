"""Reading a 10,000-issue project (100 pages of 100) with 50 ms per upstream request.

    python bench/scale.py

`World.build(large=True)`'s "Metro Transit Hub" project, sandbox `Controls.latency = 0.05`, read through
AccClient over httpx2.ASGITransport with `acc_mcp.paging.collect` and `OffsetPaging(max_page=100)` at
concurrency 4 and 8, vs one page after another (a plain loop following each page's `next`), vs the floor
ceil(pages / concurrency) x 50 ms. Target: within 1.5x the floor.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, header, table, verdict
from _sandbox import LoopbackSandbox

from acc_mcp.client import AccClient, StaticToken
from acc_mcp.config import Settings
from acc_mcp.paging import Call, OffsetPaging, collect
from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app

LATENCY = 0.05
PAGE = 100


class _InProcess:
    """The sandbox app in this process (its JSON encoding shares this process's event loop and core)."""

    def __init__(self, app: Any) -> None:
        self.controls = app.state.controls

    def configure(self, latency: float) -> None:
        self.controls.latency = latency

    def reset(self) -> None:
        self.controls.peak_per_minute = 0
        self.controls._window.clear()

    def stats(self) -> dict[str, Any]:
        return dict(self.controls.stats())


class _Loopback:
    def __init__(self, sandbox: LoopbackSandbox) -> None:
        self.sandbox = sandbox

    def configure(self, latency: float) -> None:
        self.sandbox.configure(latency=latency)

    def reset(self) -> None:
        pass  # the child's peak is a rolling-minute maximum: read it as it grows

    def stats(self) -> dict[str, Any]:
        return self.sandbox.stats()


async def main() -> int:
    header("scale: 10,000 issues in pages of 100, 50 ms per upstream request")
    ok = True
    world = World.build(large=True)
    app = build_app(world)
    rows = await measure(
        "in-process (ASGITransport)",
        world.account_id,
        httpx2.ASGITransport(app=app),
        "https://developer.api.autodesk.com",
        _InProcess(app),
    )
    with LoopbackSandbox(free_port(), large=True) as sandbox:
        rows += await measure("loopback (uvicorn child)", sandbox.account_id, None, sandbox.url, _Loopback(sandbox))
    print()
    table(
        [
            "sandbox",
            "mode",
            "items",
            "requests",
            "seconds",
            "floor s",
            "x floor",
            "floor incl. 1st page s",
            "peak req/min (counted)",
            "req/min rate",
        ],
        rows,
    )
    for row in rows:
        if row[1] != "one page at a time":
            ok &= verdict(
                f"{row[0]}, {row[1]} within 1.5x floor",
                row[6] <= 1.5,
                f"{row[4]:.2f} s vs floor {row[5]:.2f} s ({row[6]:.2f}x)",
            )
    return 0 if ok else 1


async def measure(where: str, account: str, transport: Any, base_url: str, sandbox: Any) -> list[tuple[Any, ...]]:
    settings = Settings.load(env={}, access_token=SANDBOX_TOKEN, account_id=account, base_url=base_url)
    paging = OffsetPaging(max_page=PAGE)
    rows: list[tuple[Any, ...]] = []
    async with AccClient(settings, StaticToken(SANDBOX_TOKEN), transport=transport) as client:
        projects = await client.get(
            client.url("/construction/admin/v1/accounts/{a}/projects", a=account), {"limit": 200}
        )
        pid = next(p["id"] for p in projects["results"] if p["name"] == "Metro Transit Hub")
        call = Call("GET", client.url("/construction/issues/v1/projects/{p}/issues", p=pid))

        async def fetch(c: Call) -> Any:
            return await client.request(c.method, c.path, params=c.params, json=c.json, idempotent=True)

        await collect(fetch, paging, call, want=PAGE)  # warm-up, no latency
        sandbox.configure(LATENCY)

        async def sequential() -> int:
            items, position = 0, None
            while True:
                page = paging.parse(position, PAGE, await fetch(paging.request(call, position, PAGE)))
                items += len(page.items)
                if page.next is None:
                    return items
                position = page.next

        async def concurrent(n: int) -> int:
            got = await collect(fetch, paging, call, want=10_000, concurrency=n)
            return len(got.items)

        runs = [("one page at a time", 1, sequential)] + [
            (f"collect(concurrency={n})", n, (lambda n=n: concurrent(n))) for n in (4, 8)
        ]
        for label, n, run in runs:
            sandbox.reset()
            before = sandbox.stats()["requests"]
            t = time.perf_counter()
            items = await run()
            elapsed = time.perf_counter() - t
            stats = sandbox.stats()
            requests = stats["requests"] - before
            pages = math.ceil(items / PAGE)
            # collect fetches the first page alone (to learn the total), then the rest n at a time.
            floor = math.ceil(pages / n) * LATENCY
            floor_first = (1 + math.ceil((pages - 1) / n)) * LATENCY
            rows.append(
                (
                    where,
                    label,
                    items,
                    requests,
                    elapsed,
                    floor,
                    elapsed / floor,
                    floor_first,
                    stats["peakPerMinute"],
                    round(requests / elapsed * 60),
                )
            )
        sandbox.configure(0.0)
    return rows


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
