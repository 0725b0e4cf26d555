"""How a spec becomes an MCP tool: errors the model can read, even from inside a task group."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from mcp import Client

from acc_mcp.config import Settings
from acc_mcp.errors import AuthError, NotFound
from acc_mcp.server import AccServer
from acc_mcp.tools.base import Param, ToolOutput, ToolSpec, as_function

pytestmark = pytest.mark.anyio


async def _fails_in_group(rt: Any, args: dict[str, Any]) -> ToolOutput:
    async def fail() -> None:
        raise AuthError("Sign in again: run `acc-mcp login`.")

    async with anyio.create_task_group() as tg:  # as a concurrent page fetch would
        tg.start_soon(fail)
    raise AssertionError("unreachable")


async def _not_found(rt: Any, args: dict[str, Any]) -> ToolOutput:
    raise NotFound(f"No project {args['x']}.")


async def test_errors_from_a_task_group_reach_the_model() -> None:
    specs = [
        ToolSpec("group_fail", "Fails inside a task group.", "admin", (), _fails_in_group, ("admin.projects.list",)),
        ToolSpec(
            "lookup",
            "Not found.",
            "admin",
            (Param("x", str, "an id"),),
            _not_found,
            ("admin.projects.get",),
            not_found="Call list_projects.",
        ),
    ]
    settings = Settings.load(env={})
    server = AccServer(settings, specs)
    runtime = SimpleNamespace(settings=settings)
    for spec in specs:
        server.add_tool(as_function(spec, lambda ctx: runtime), name=spec.name, structured_output=False)  # type: ignore[arg-type, return-value]
    async with Client(server) as client:
        grouped = await client.call_tool("group_fail", {})
        missing = await client.call_tool("lookup", {"x": "p1"})
    assert grouped.is_error and "acc-mcp login" in grouped.content[0].text  # type: ignore[union-attr]
    assert missing.content[0].text.endswith("No project p1. Call list_projects.")  # type: ignore[union-attr]
