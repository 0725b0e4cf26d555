"""Reading a 10,000-issue project (100 pages of 100) with 50 ms per upstream request.

    python bench/scale.py

`World.build(large=True)`'s "Metro Transit Hub" project, sandbox `Controls.latency = 0.05`, read through
AccClient with `acc_mcp.paging.collect` and `OffsetPaging(max_page=100)` at concurrency 4 and 8, vs one page
after another (a plain loop following each page's `next`), vs the floor ceil(pages / concurrency) x 50 ms.
Target: within 1.5x the floor. Twice: the sandbox in this process (httpx2.ASGITransport; its JSON encoding
shares this process's event loop, and its 10,000-issue world this process's garbage collector), then in a
uvicorn child on loopback, with the in-process world released first so that only the client is measured here.
"gc s" is the time this process spent in garbage collection during the run (gc.callbacks).

After the warm-up the bench calls `acc_mcp.server.settle()` (gc.freeze), as `acc-mcp serve` does before serving.
collect sends the first page alone (its total says how many more there are), then the rest together.
"""

from __future__ import annotations

import functools
import gc
import math
import sys
import time
from collections.abc import Awaitable, Callable
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
from acc_mcp.server import settle

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
    rows = await in_process()
    gc.collect()  # the in-process world is gone: the loopback run measures a client process, as in real use
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
            "gc s",
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


async def in_process() -> list[tuple[Any, ...]]:
    world = World.build(large=True)
    app = build_app(world)
    return await measure(
        "in-process (ASGITransport)",
        world.account_id,
        httpx2.ASGITransport(app=app),
        "https://developer.api.autodesk.com",
        _InProcess(app),
    )


class _GcClock:
    """Seconds spent in garbage collection while running."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.spent += time.perf_counter() - self._started


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

        # Warm-up, no latency: opens the connections.
        await collect(fetch, paging, call, want=PAGE)
        settle()  # as `acc-mcp serve` does before serving
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

        runs: list[tuple[str, int, Callable[[], Awaitable[int]]]] = [("one page at a time", 1, sequential)]
        runs += [(f"collect(concurrency={n})", n, functools.partial(concurrent, n)) for n in (4, 8)]
        for label, n, run in runs:
            sandbox.reset()
            before = sandbox.stats()["requests"]
            clock = _GcClock()
            gc.callbacks.append(clock)
            t = time.perf_counter()
            items = await run()
            elapsed = time.perf_counter() - t
            gc.callbacks.remove(clock)
            stats = sandbox.stats()
            requests = stats["requests"] - before
            pages = math.ceil(items / PAGE)
            floor = math.ceil(pages / n) * LATENCY
            rows.append(
                (
                    where,
                    label,
                    items,
                    requests,
                    elapsed,
                    floor,
                    elapsed / floor,
                    clock.spent,
                    stats["peakPerMinute"],
                    round(requests / elapsed * 60),
                )
            )
        sandbox.configure(0.0)
    return rows


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
