"""Name lookups' error policy: successes cached, failures never; 429 and 401 surface, a missing permission
degrades to raw ids. And the runtime's cache stays bounded; writes are sent once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox import Fault
from acc_mcp.tools import runtime as runtime_module
from acc_mcp.tools.runtime import Runtime

pytestmark = pytest.mark.anyio
ZARA = {"project": "hospital", "status": ["open"], "assignee": "Zara Olsen"}


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as c:
        yield c


def text(result: Any) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


def faults(app: Starlette, status: int, path: str, times: int) -> None:
    app.state.controls.faults.append(Fault(status, path=path, times=times, retry_after=0))


async def test_a_rate_limited_lookup_surfaces_and_is_not_remembered(client: Client, sandbox_app: Starlette) -> None:
    faults(sandbox_app, 429, "/users", 4)  # every retry of the member lookup
    limited = await client.call_tool("list_issues", ZARA)
    assert limited.is_error and "rate limit" in text(limited).lower()
    again = await client.call_tool("list_issues", ZARA)  # the failure was not cached for five minutes
    assert not again.is_error and "assignee Zara Olsen" in text(again)


async def test_a_missing_permission_degrades_to_ids_without_caching(client: Client, sandbox_app: Starlette) -> None:
    faults(sandbox_app, 403, "/users", 1)
    faults(sandbox_app, 403, "/companies", 1)
    degraded = await client.call_tool("list_issues", {"project": "hospital", "limit": 5})
    assert not degraded.is_error and "Zara Olsen" not in text(degraded) and "assignee" in text(degraded)
    named = await client.call_tool("list_issues", {"project": "hospital", "limit": 5})
    assert "assignee" in text(named) and text(named) != text(degraded)  # names back on the next call


async def test_a_rejected_sign_in_during_a_lookup_surfaces(client: Client, sandbox_app: Starlette) -> None:
    faults(sandbox_app, 401, "/users", 1)
    rejected = await client.call_tool("list_issues", {"project": "hospital", "limit": 5})
    assert rejected.is_error and "401" in text(rejected)


async def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime_module, "CACHE_ENTRIES", 3)
    rt = Runtime(settings=None, client=None)  # type: ignore[arg-type]
    loads: list[int] = []

    async def load(n: int) -> int:
        loads.append(n)
        return n

    for n in range(5):
        assert await rt.cached(f"k{n}", lambda n=n: load(n)) == n  # type: ignore[misc]
    assert len(rt._cache) == 3
    assert await rt.cached("k4", lambda: load(99)) == 4  # still cached
    assert await rt.cached("k0", lambda: load(100)) == 100  # evicted, loaded again
    assert rt._locks == {}


async def test_a_write_is_sent_once_even_when_the_answer_is_a_server_error(
    client: Client, sandbox_app: Starlette
) -> None:
    faults(sandbox_app, 503, "/data-connector/", 1)
    args = {"description": "Once only", "service_groups": ["issues"]}
    failed = await client.call_tool("create_data_connector_request", args)
    assert failed.is_error
    posts = sandbox_app.state.controls.requests[
        f"/data-connector/v1/accounts/{sandbox_app.state.world.account_id}/requests"
    ]
    assert posts == 1


async def test_people_are_found_as_typed_without_accents_or_capitals(client: Client) -> None:
    typed = await client.call_tool("list_issues", {"project": "hospital", "assignee": "tomas alvarez"})
    exact = await client.call_tool("list_issues", {"project": "hospital", "assignee": "Tomás Alvarez"})
    assert not typed.is_error and "Tomás Alvarez" in text(typed) and text(typed) == text(exact)
    waiting = await client.call_tool("list_reviews", {"project": "hospital", "waiting_on": "TOMAS"})
    assert not waiting.is_error and "claimed Tomás Alvarez" in text(waiting)
