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


async def test_hq_sort_and_field_ignore_invalid_names(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    """hq v1's reference: invalid `sort` fields and whitespace are ignored, `field` picks fields, id always."""
    url = f"/hq/v1/accounts/{world.account_id}/users"
    by_name = (await sandbox_http.get(url, params={"sort": "-name, bogus", "limit": 100})).json()
    names = [u["name"] for u in by_name]
    assert names == sorted(names, key=str.casefold, reverse=True)
    plain = (await sandbox_http.get(url, params={"sort": "bogus", "limit": 100})).json()
    assert [u["id"] for u in plain] == [u["id"] for u in world.users]
    slim = (await sandbox_http.get(url, params={"field": "email,nope", "limit": 2})).json()
    assert [set(u) for u in slim] == [{"id", "email"}] * 2


async def test_project_fields_and_sort(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = f"/construction/admin/v1/accounts/{world.account_id}/projects"
    body = (await sandbox_http.get(url, params={"fields": "name,jobNumber", "sort": "-name"})).json()
    assert [set(p) for p in body["results"]] == [{"id", "name", "jobNumber"}] * len(world.projects)
    names = [p["name"] for p in body["results"]]
    assert names == sorted(names, key=str.casefold, reverse=True)
    assert (await sandbox_http.get(url, params={"sort": "bogus"})).status_code == 400
