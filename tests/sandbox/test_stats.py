"""Request counting by registry route: what the tool side checks its declared endpoints against."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.endpoints import endpoint
from acc_mcp.sandbox import World

pytestmark = pytest.mark.anyio


async def test_by_route_uses_the_registry_templates(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid, account = world.projects[0]["id"], world.account_id
    await sandbox_http.get(f"/construction/issues/v1/projects/{pid}/issues", params={"limit": 1})
    await sandbox_http.get(f"/construction/issues/v1/projects/b.{pid}/issues", params={"limit": 1})
    await sandbox_http.get(f"/hq/v1/accounts/{account}/users/search", params={"name": "a"})
    await sandbox_http.get(f"/hq/v1/accounts/{account}/users/{world.users[0]['id']}")
    await sandbox_http.post(f"/construction/rfis/v3/projects/{pid}/search:rfis", json={})
    await sandbox_http.get(f"/construction/issues/v1/projects/{pid}/issues", headers={"Authorization": ""})  # a 401
    await sandbox_http.get("/construction/nowhere/v1/things")  # gated, but no registry route
    await sandbox_http.get("/_sandbox/stats")  # not gated: not counted
    stats = (await sandbox_http.get("/_sandbox/stats")).json()
    assert stats["byRoute"] == {
        str(endpoint("issues.issues.list")): 3,
        str(endpoint("hq.users.search")): 1,
        str(endpoint("hq.users.get")): 1,
        str(endpoint("rfis.rfis.search")): 1,
    }
    assert "GET /construction/issues/v1/projects/{projectId}/issues" in stats["byRoute"]
    assert sum(stats["byRoute"].values()) == stats["requests"] - 1
    assert sandbox_app.state.controls.stats()["byRoute"] == stats["byRoute"]


async def test_eu_host_counts_as_the_same_route(world: World) -> None:
    from acc_mcp.sandbox import SANDBOX_TOKEN, build_app

    eu = World.build(region="EMEA")
    app = build_app(eu)
    transport = httpx2.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    async with httpx2.AsyncClient(transport=transport, base_url="https://x", headers=headers) as http:
        r = await http.get(f"/hq/v1/regions/eu/accounts/{eu.account_id}/users", params={"limit": 2})
        assert r.status_code == 200 and len(r.json()) == 2
    assert app.state.controls.stats()["byRoute"] == {str(endpoint("hq.users.list")): 1}
