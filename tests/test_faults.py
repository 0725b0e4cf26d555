"""Fault suite: every tool the server lists × every fault, through the MCP client.

Asserts: the deadline holds (on a fake clock for 429 storms, on the real one for blackholes and drip-fed
bodies), reads recover from a transient fault, a write is never repeated, an ambiguous write is reported
as possibly applied and arms the duplicate guard, and no error is bare, long or full of control characters.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import pytest
from mcp import Client

from acc_mcp.sandbox import build_app
from acc_mcp.tools import ALL_TOOLS

from .harness import (
    FAULT_KINDS,
    SLOW_KINDS,
    FakeClock,
    FaultTransport,
    check_error,
    fault_matrix,
    faulty_server,
    sample_values,
    texts,
)
from .harness import fake_clock as fake_clock
from .harness import valid_arguments as valid

pytestmark = pytest.mark.anyio
TRANSIENT = (
    "429",
    "500",
    "503",
    "reset-before",
    "reset-after",
    "timeout-after",
    "malformed",
    "empty",
    "null",
    "string",
)
"""One such fault is retried away by a read."""


async def test_every_tool_under_every_fault(fake_clock: FakeClock) -> None:
    app = build_app()
    transport = FaultTransport(app)
    async with Client(faulty_server(app, transport)) as client:
        matrix = await fault_matrix(client, app, transport, fake_clock)
    assert len(matrix.baseline_ok) >= len(matrix.tools) - 1, f"only {sorted(matrix.baseline_ok)} work without faults"
    assert not matrix.problems, "\n".join(matrix.problems[:10])
    assert matrix.cells == len(matrix.tools) * (len(FAULT_KINDS) - len(SLOW_KINDS))
    assert matrix.ambiguous_reported >= 9 and matrix.recovered > 100


async def test_redirects_and_off_shape_answers_are_errors_not_empty_lists(fake_clock: FakeClock) -> None:
    app = build_app()
    transport = FaultTransport(app)
    async with Client(faulty_server(app, transport)) as client:
        for kind in ("redirect", "array", "null", "string", "empty"):
            transport.inject(kind, times=10)
            result = await client.call_tool("list_projects", {})
            transport.plan.clear()
            assert result.is_error, f"{kind}: {texts(result)}"
            assert "No projects" not in texts(result)
            assert ("redirect" if kind == "redirect" else "documented") in texts(result)


class Progress:
    """The progress messages a client receives during one call."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.messages.append(message or "")


async def test_retry_after_storms_stay_within_the_deadline(fake_clock: FakeClock) -> None:
    """Retry-After: 29, inf and 1e308 storms: waits only what fits in ACC_CALL_TIMEOUT, and never crashes."""
    app = build_app()
    transport = FaultTransport(app)
    async with Client(faulty_server(app, transport, call_timeout=45)) as client:
        for after in ("29", "inf", "1e308", "-5", "Wed, 21 Oct 2099 07:28:00 GMT", "soon"):
            transport.plan.clear()
            transport.plan.append(_storm(after))
            started = fake_clock.now
            on_progress = Progress()
            progress = on_progress.messages
            result = await client.call_tool("list_projects", {}, progress_callback=on_progress)
            assert result.is_error and "rate limit" in texts(result), texts(result)
            check_error("list_projects", texts(result))
            assert fake_clock.now - started <= 45
            if after == "29":
                assert fake_clock.now - started >= 29  # waited once, as asked, then stopped in time
                assert any("waiting 3" in m for m in progress), progress


def _storm(after: str) -> Any:
    from .harness import Fault

    return Fault(f"429={after}", times=10_000)


async def test_slow_upstreams_end_within_the_deadline() -> None:
    """Blackholed and drip-fed: every tool, at once, ends within ACC_CALL_TIMEOUT (real time, 0.6 s)."""
    limit = 0.6
    for kind in SLOW_KINDS:
        app = build_app()
        transport = FaultTransport(app)
        async with Client(faulty_server(app, transport, call_timeout=limit)) as client:
            samples = sample_values(app)
            tools = (await client.list_tools()).tools
            transport.inject(kind, times=100_000)
            results: dict[str, Any] = {}
            started = time.monotonic()

            async def one(tool: Any, into: dict[str, Any] = results, samples: dict[str, Any] = samples) -> None:
                into[tool.name] = await client.call_tool(tool.name, valid(tool.input_schema, samples))

            async with anyio.create_task_group() as tg:
                for tool in tools:
                    tg.start_soon(one, tool)
            elapsed = time.monotonic() - started
        assert elapsed < limit + 2.5, f"{kind}: {elapsed:.1f} s"
        for name, result in results.items():
            if not next(t for t in ALL_TOOLS if t.name == name).calls:  # never asks ACC: unaffected, as it should be
                continue
            assert result.is_error, f"{name} × {kind}"
            check_error(name, texts(result))
            assert "time limit" in texts(result) or "may have been applied" in texts(result), texts(result)
