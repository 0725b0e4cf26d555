"""Coverage of the reference: every endpoint has a tool that calls it and a sandbox route that serves it.

`PENDING` lists, family by family, the endpoints not yet covered; the breadth work empties it. A test also fails
when an endpoint is listed as pending but is in fact covered, so the list never goes stale.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.routing import BaseRoute

from acc_mcp.endpoints import ENDPOINTS
from acc_mcp.sandbox import build_app
from acc_mcp.sandbox.engine import KeyedRoute
from acc_mcp.tools import ALL_TOOLS

PENDING = set(
    """
    """.split()  # noqa: SIM905 - one block per family, so parallel work edits different lines
)


def _keyed(routes: list[BaseRoute]) -> Iterator[KeyedRoute]:
    for route in routes:
        if isinstance(route, KeyedRoute):
            yield route
        yield from _keyed(getattr(route, "routes", []))


SERVED = {route.ep.key for route in _keyed(build_app().routes)}
CALLED = {key for tool in ALL_TOOLS for key in tool.calls}


@pytest.mark.parametrize("key", [e.key for e in ENDPOINTS])
def test_endpoint_has_a_tool_and_a_sandbox_route(key: str) -> None:
    covered = key in SERVED and key in CALLED
    if key in PENDING:
        assert not covered, f"{key} is covered now: take it out of PENDING"
        pytest.xfail("pending: no tool or no sandbox route yet")
    assert key in CALLED, f"no tool calls {key}"
    assert key in SERVED, f"the sandbox does not serve {key}"
