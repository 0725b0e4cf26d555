"""The sandbox's Locations family: the project's one tree, its paging, filter[id] with paths."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import World

pytestmark = pytest.mark.anyio


def url(world: World, n: int = 0, tree: str = "default") -> str:
    return f"/construction/locations/v2/projects/{world.projects[n]['id']}/trees/{tree}/nodes"


async def nodes(http: httpx2.AsyncClient, world: World, **params: str | int) -> dict[str, Any]:
    r = await http.get(url(world), params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_one_root_and_every_node_hangs_off_it(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    body = await nodes(sandbox_http, world)
    tree = body["results"]
    assert body["pagination"]["totalResults"] == len(tree) and body["pagination"]["limit"] == 10000
    roots = [n for n in tree if n["parentId"] is None]
    assert [(r["type"], r["name"]) for r in roots] == [("Root", "Project")]
    ids = {n["id"] for n in tree}
    assert all(n["parentId"] in ids for n in tree if n is not roots[0])
    assert {n["type"] for n in tree} == {"Root", "Area"}
    assert set(tree[0]) == {"id", "parentId", "type", "name", "description", "barcode", "order"}
    for parent in ids:  # siblings are numbered 0, 1, 2, … in order
        orders = [n["order"] for n in tree if n["parentId"] == parent]
        assert orders == list(range(len(orders)))


async def test_issues_point_at_real_nodes(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    ids = {n["id"] for n in (await nodes(sandbox_http, world))["results"]}
    base = f"/construction/issues/v1/projects/{world.projects[0]['id']}/issues"
    issues = (await sandbox_http.get(base, params={"limit": 100})).json()["results"]
    placed = [i["locationId"] for i in issues if i["locationId"]]
    assert placed and set(placed) <= ids


async def test_limit_offset_and_next_url(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    everything = (await nodes(sandbox_http, world))["results"]
    page = await nodes(sandbox_http, world, limit=3, offset=3)
    assert page["results"] == everything[3:6]
    assert "offset=6" in page["pagination"]["nextUrl"]
    for bad in ({"limit": 0}, {"limit": 10001}, {"offset": -1}):
        assert (await sandbox_http.get(url(world), params=bad)).status_code == 400


async def test_filter_id_ignores_paging_and_adds_paths(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    tree = (await nodes(sandbox_http, world))["results"]
    wing = next(n for n in tree if n["name"] == "Level 2 - North")
    level = next(n for n in tree if n["name"] == "Level 2")
    query: dict[str, str | int] = {"filter[id]": f"{wing['id']},{level['id']}", "limit": 1, "offset": 5}
    body = await nodes(sandbox_http, world, **query)
    got = {n["name"]: n["path"] for n in body["results"]}
    assert got == {"Level 2": ["Project"], "Level 2 - North": ["Project", "Level 2"]}


async def test_only_the_default_tree(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    assert (await sandbox_http.get(url(world, tree="other"))).status_code == 404
    missing = "/construction/locations/v2/projects/00000000-0000-4000-8000-000000000000/trees/default/nodes"
    assert (await sandbox_http.get(missing)).status_code == 404
