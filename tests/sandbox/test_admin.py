from __future__ import annotations

import httpx2
import pytest

from acc_mcp.sandbox import World

pytestmark = pytest.mark.anyio


async def test_projects_page_with_next_url(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(f"/construction/admin/v1/accounts/{world.account_id}/projects", params={"limit": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["pagination"]["totalResults"] == len(world.projects)
    assert "offset=2" in body["pagination"]["nextUrl"]
    assert len(body["results"]) == 2


async def test_projects_filter_name_and_b_prefix(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(
        f"/construction/admin/v1/accounts/b.{world.account_id}/projects", params={"filter[name]": "hospital"}
    )
    assert [p["name"] for p in r.json()["results"]] == ["St. Mary's Hospital Expansion"]


async def test_unknown_project_is_404(sandbox_http: httpx2.AsyncClient) -> None:
    r = await sandbox_http.get("/construction/admin/v1/projects/00000000-0000-4000-8000-000000000000")
    assert r.status_code == 404


async def test_missing_token_is_401(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(
        f"/construction/admin/v1/accounts/{world.account_id}/projects", headers={"Authorization": ""}
    )
    assert r.status_code == 401


async def test_hq_users_bare_array(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(f"/hq/v1/accounts/{world.account_id}/users", params={"limit": 5, "offset": 5})
    body = r.json()
    assert isinstance(body, list) and len(body) == 5
    assert body[0]["id"] == world.users[5]["id"]
    eu = await sandbox_http.get(f"/hq/v1/regions/eu/accounts/{world.account_id}/users")
    assert eu.status_code == 404  # a US account is not on the EU host


async def test_bad_limit_is_400(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(f"/construction/admin/v1/accounts/{world.account_id}/projects", params={"limit": "x"})
    assert r.status_code == 400
