"""The sandbox's Forms family: `data` + `pagination`, limit 1-50, every documented filter, sortBy/sortOrder."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import World

pytestmark = pytest.mark.anyio
Params = dict[str, str | int | list[str]]


def base(world: World) -> str:
    return f"/construction/forms/v1/projects/{world.projects[0]['id']}"


async def forms(http: httpx2.AsyncClient, world: World, **params: Any) -> dict[str, Any]:
    r = await http.get(f"{base(world)}/forms", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_data_and_pagination_newest_update_first(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    body = await forms(sandbox_http, world)
    page = body["pagination"]
    assert set(body) == {"data", "pagination"} and page["limit"] == 50 and page["offset"] == 0
    assert page["totalResults"] > 50 and "offset=50" in page["nextUrl"]
    stamps = [f["updatedAt"] for f in body["data"]]
    assert stamps == sorted(stamps, reverse=True)
    last = await forms(sandbox_http, world, offset=50)
    assert last["pagination"]["nextUrl"] is None and len(last["data"]) == page["totalResults"] - 50
    members = {m["autodeskId"] for m in world.project_members(world.projects[0]["id"])}
    assert {f["createdBy"] for f in body["data"]} <= members
    for bad in ({"limit": 0}, {"limit": 51}, {"sortOrder": "up"}, {"sortBy": "colour"}, {"statuses": "done"}):
        assert (await sandbox_http.get(f"{base(world)}/forms", params=bad)).status_code == 400


async def test_filters(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    everything = (await forms(sandbox_http, world, limit=50))["data"]
    template = everything[0]["formTemplate"]["id"]
    got = (await forms(sandbox_http, world, templateId=template))["data"]
    assert got and {f["formTemplate"]["id"] for f in got} == {template}
    got = (await forms(sandbox_http, world, statuses=["draft", "inReview"]))["data"]
    assert got and {f["status"] for f in got} <= {"draft", "inReview"}
    got = (await forms(sandbox_http, world, formDateMin="2026-10-01", formDateMax="2026-10-07"))["data"]
    assert got and all("2026-10-01" <= f["formDate"] <= "2026-10-07" for f in got)
    got = (await forms(sandbox_http, world, updatedAfter="2026-10-30T00:00:00Z"))["data"]
    assert got and all(f["updatedAt"] > "2026-10-30" for f in got)
    got = (await forms(sandbox_http, world, updatedBefore="2026-09-01T00:00:00Z"))["data"]
    assert got and all(f["updatedAt"] < "2026-09-01" for f in got)
    two = [f["id"] for f in everything[:2]]
    assert {f["id"] for f in (await forms(sandbox_http, world, ids=two))["data"]} == set(two)
    place = next(f["locationId"] for f in everything if f["locationId"])
    got = (await forms(sandbox_http, world, locationIds=[place]))["data"]
    assert got and {f["locationId"] for f in got} == {place}
    by_num = (await forms(sandbox_http, world, sortBy="formNum", sortOrder="asc", limit=3))["data"]
    assert [f["formNum"] for f in by_num] == [1, 2, 3]


async def test_templates(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(f"{base(world)}/form-templates", params={"sortOrder": "asc", "limit": 3})
    body = r.json()
    assert body["pagination"]["totalResults"] == 7 and len(body["data"]) == 3
    stamps = [t["updatedAt"] for t in body["data"]]
    assert stamps == sorted(stamps)
    names = {t["name"] for t in (await sandbox_http.get(f"{base(world)}/form-templates")).json()["data"]}
    assert {"Daily Report", "Weekly Site Safety Inspection", "Pre-Task Plan"} <= names
