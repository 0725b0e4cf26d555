"""Fuzz suite (bounded): valid and invalid arguments from every listed tool's schema, through the MCP client.

The bigger run is `python bench/reliability.py`, which writes docs/reliability.md.
"""

from __future__ import annotations

import pytest
from mcp import Client

from acc_mcp.sandbox import build_app

from .fuzzing import fuzz
from .harness import FakeClock, FaultTransport, faulty_server, sample_values
from .harness import fake_clock as fake_clock

pytestmark = pytest.mark.anyio
PER_TOOL = 12
"""Valid and invalid examples per tool in the test suite (14 tools: ~340 calls, a few seconds)."""


async def test_schema_fuzz_never_crashes_or_returns_bare_errors(fake_clock: FakeClock) -> None:
    app = build_app()
    async with Client(faulty_server(app, FaultTransport(app))) as client:
        stats = await fuzz(client, sample_values(app), PER_TOOL)
        still = await client.call_tool("list_projects", {})
    assert stats.calls >= 2 * PER_TOOL * 10
    assert not stats.problems, "\n".join(stats.problems[:10])
    assert 0 < stats.errors < stats.calls  # both paths were exercised
    assert not still.is_error
