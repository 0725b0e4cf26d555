"""The sandbox's Assets family: cursorState paging, the documented asset filters, the settings lists."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import World

pytestmark = pytest.mark.anyio


def base(world: World) -> str:
    return f"/construction/assets/v1/projects/{world.projects[0]['id']}"


async def get(http: httpx2.AsyncClient, url: str, **params: Any) -> dict[str, Any]:
    r = await http.get(url, params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def assets(http: httpx2.AsyncClient, world: World, **params: Any) -> list[dict[str, Any]]:
    url = base(world).replace("/v1/", "/v2/") + "/assets"
    return list((await get(http, url, limit=200, **params))["results"])


async def test_cursor_state_pages_without_overlap(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = base(world).replace("/v1/", "/v2/") + "/assets"
    first = await get(sandbox_http, url)
    assert first["pagination"]["limit"] == 25 and len(first["results"]) == 25
    seen = [a["id"] for a in first["results"]]
    cursor = first["pagination"]["cursorState"]
    while cursor:
        page = await get(sandbox_http, url, cursorState=cursor)
        seen += [a["id"] for a in page["results"]]
        cursor = page["pagination"].get("cursorState")
    assert seen == [a["id"] for a in await assets(sandbox_http, world)] and len(set(seen)) == len(seen)
    tampered = first["pagination"]["cursorState"][:-2] + "xx"
    assert (await sandbox_http.get(url, params={"cursorState": tampered})).status_code == 400
    assert (await sandbox_http.get(url, params={"limit": 201})).status_code == 400


async def test_asset_filters(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    everything = await assets(sandbox_http, world)
    assert "customAttributes" not in everything[0]
    got = await assets(sandbox_http, world, **{"filter[categoryId]": ["3", "4"]})
    assert got and {a["categoryId"] for a in got} == {"3", "4"}
    installed = await assets(sandbox_http, world, **{"filter[statusLabel]": "INSTALLED"})
    assert installed and len({a["statusId"] for a in installed}) == 2  # "Installed" is a step in both sets
    one = installed[0]["statusId"]
    assert {a["statusId"] for a in await assets(sandbox_http, world, **{"filter[statusId]": one})} == {one}
    got = await assets(sandbox_http, world, **{"filter[searchText]": "ahu-"})
    assert got and all(a["clientAssetId"].startswith("AHU-") for a in got)
    got = await assets(sandbox_http, world, **{"filter[updatedAt]": "2026-10-15T00:00:00.000Z.."})
    assert got and all(a["updatedAt"] >= "2026-10-15" for a in got)
    deleted = await assets(sandbox_http, world, includeDeleted="true")
    assert len(deleted) == len(everything) + 2


async def test_locations_and_sub_locations(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    """`filter[locationId]` keeps the assets on those nodes; with `includeSubLocations=true` (one id only) the
    nodes below too. Expected sets come from the unfiltered list and the tree, not from the filter."""
    nodes = (
        await get(sandbox_http, f"/construction/locations/v2/projects/{world.projects[0]['id']}/trees/default/nodes")
    )["results"]
    everything = await assets(sandbox_http, world)

    def on(where: set[str]) -> list[str]:
        return [a["id"] for a in everything if a["locationId"] in where]

    def under(node: str) -> set[str]:
        found = {node}
        while grown := {n["id"] for n in nodes if n["parentId"] in found} - found:
            found |= grown
        return found

    node = {n["name"]: n["id"] for n in nodes}
    for level in ("Level 1", "Level 3"):  # Level 1 holds assets of its own, Level 3 only in its wings
        direct = await assets(sandbox_http, world, **{"filter[locationId]": node[level]})
        assert [a["id"] for a in direct] == on({node[level]})
        below = await assets(sandbox_http, world, **{"filter[locationId]": node[level], "includeSubLocations": "true"})
        assert [a["id"] for a in below] == on(under(node[level]))
        assert len(direct) < len(below) < len(everything)
        off = {"filter[locationId]": node[level], "includeSubLocations": "false"}
        assert await assets(sandbox_http, world, **off) == direct
    wings = [node["Level 1 - North"], node["Level 2 - North"]]
    several = await assets(sandbox_http, world, **{"filter[locationId]": wings})
    assert [a["id"] for a in several] == on(set(wings)) and several
    url = base(world).replace("/v1/", "/v2/") + "/assets"
    both = {"filter[locationId]": wings, "includeSubLocations": "true"}
    assert (await sandbox_http.get(url, params=both)).status_code == 400  # sub-locations take one location


async def test_custom_attribute_filters(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    everything = await assets(sandbox_http, world, includeCustomAttributes="true")
    got = await assets(sandbox_http, world, includeCustomAttributes="true", **{"filter[customAttributes][ca6]": "tra"})
    assert got and {a["customAttributes"]["ca6"] for a in got} == {"Trane"}
    got = await assets(sandbox_http, world, includeCustomAttributes="true", **{"filter[customAttributes][ca1]": "true"})
    assert got and all(a["customAttributes"]["ca1"] is True for a in got) and len(got) < len(everything)
    got = await assets(
        sandbox_http, world, includeCustomAttributes="true", **{"filter[customAttributes][ca2]": "..1000"}
    )
    assert got and all(a["customAttributes"]["ca2"] <= 1000 for a in got)
    bad = await sandbox_http.get(
        base(world).replace("/v1/", "/v2/") + "/assets", params={"filter[customAttributes][nope]": "1"}
    )
    assert bad.status_code == 400
    ordered = await assets(sandbox_http, world, includeCustomAttributes="true", sort="customAttributes.ca2 desc")
    weights = [a["customAttributes"]["ca2"] for a in ordered]
    assert weights == sorted(weights, reverse=True)


async def test_settings(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    cats = (await get(sandbox_http, f"{base(world)}/categories"))["results"]
    root = next(c for c in cats if c["isRoot"])
    assert root["parentId"] is None and "uid" not in root
    assert all(c["id"] in root["subcategoryIds"] for c in cats if c["parentId"] == root["id"])
    shallow = (await get(sandbox_http, f"{base(world)}/categories", **{"filter[maxDepth]": "1"}))["results"]
    assert {c["parentId"] for c in shallow} == {None, root["id"]}
    active = (await get(sandbox_http, f"{base(world)}/categories", **{"filter[isActive]": "false"}))["results"]
    assert [c["name"] for c in active] == ["Temporary Power"]
    sets = (await get(sandbox_http, f"{base(world)}/status-step-sets"))["results"]
    assert [s["name"] for s in sets] == ["Equipment Lifecycle", "Electrical Gear"]
    statuses = await get(sandbox_http, f"{base(world)}/asset-statuses", limit=5)
    assert len(statuses["results"]) == 5 and statuses["pagination"]["cursorState"]
    attrs = (await get(sandbox_http, f"{base(world)}/custom-attributes"))["results"]
    assert [a["name"] for a in attrs][:3] == ["ca1", "ca2", "ca3"]
    own = (await get(sandbox_http, f"{base(world)}/categories/3/custom-attributes"))["results"]
    every = (await get(sandbox_http, f"{base(world)}/categories/3/custom-attributes", includeInherited="true"))[
        "results"
    ]
    assert [a["displayName"] for a in own] == [] and len(every) > len(own)
    assert {a["inheritedFromCategoryId"] for a in every} == {"1", "2"}
    assert (await sandbox_http.get(f"{base(world)}/categories/999/custom-attributes")).status_code == 404
