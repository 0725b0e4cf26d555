"""The sandbox's RFIs family: search:rfis (body paging, search, filters, sort), GET rfis/:id and users/me."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import World
from acc_mcp.sandbox.issues_data import project_locations
from acc_mcp.sandbox.rfis_data import US_STATUSES
from acc_mcp.sandbox.world import SANDBOX_TODAY

pytestmark = pytest.mark.anyio

Rfi = dict[str, Any]


def base(world: World, n: int = 1) -> str:
    return f"/construction/rfis/v3/projects/{world.projects[n]['id']}"


async def search(http: httpx2.AsyncClient, world: World, **body: Any) -> dict[str, Any]:
    r = await http.post(f"{base(world)}/search:rfis", json=body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def search_all(http: httpx2.AsyncClient, world: World, **body: Any) -> list[Rfi]:
    """Every RFI matching `body`, paging with limit/offset in the body."""
    out: list[Rfi] = []
    while True:
        page = await search(http, world, **body, limit=200, offset=len(out))
        out += page["results"]
        if len(out) >= page["pagination"]["totalResults"]:
            return out


@pytest.fixture
async def rfis(sandbox_http: httpx2.AsyncClient, world: World) -> list[Rfi]:
    return await search_all(sandbox_http, world)


async def test_search_defaults_and_shape(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    body = await search(sandbox_http, world)
    assert list(body) == ["results", "pagination"]
    assert set(body["pagination"]) == {"limit", "offset", "totalResults"}  # no nextUrl: paging is in the body
    assert body["pagination"]["limit"] == 10 and len(body["results"]) == 10
    assert 120 <= body["pagination"]["totalResults"] <= 300
    first = body["results"][0]
    assert first["customIdentifier"] == "001" and first["workflowType"] == "US"
    assert "responses" not in first and set(first["permittedActions"]) == {"share", "nudge"}


async def test_body_pagination_covers_every_rfi_once(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    total = (await search(sandbox_http, world))["pagination"]["totalResults"]
    seen: list[str] = []
    for offset in range(0, total, 50):
        page = await search(sandbox_http, world, limit=50, offset=offset)
        assert page["pagination"] == {"limit": 50, "offset": offset, "totalResults": total}
        seen += [r["id"] for r in page["results"]]
    assert len(seen) == len(set(seen)) == total
    beyond = await search(sandbox_http, world, offset=total)
    assert beyond["results"] == [] and beyond["pagination"]["totalResults"] == total


async def test_free_text_search(sandbox_http: httpx2.AsyncClient, world: World, rfis: list[Rfi]) -> None:
    for needle in ("duct", "Waterproofing", "measurements", "type L"):
        expected = [
            r["id"]
            for r in rfis
            if any(needle.lower() in (r[f] or "").lower() for f in ("title", "question", "officialResponse"))
        ]
        got = [r["id"] for r in await search_all(sandbox_http, world, search=needle)]
        assert got == expected, needle
    assert [r["id"] for r in await search_all(sandbox_http, world, search="type L")]  # in answers only


def _day(stamp: str) -> str:
    return stamp[:10]


FILTERS: dict[str, Callable[[list[Rfi]], tuple[Any, Callable[[Rfi], bool]]]] = {
    "status": lambda xs: ("open", lambda r: r["status"] == "open"),
    "status-list": lambda xs: (["answered", "closed"], lambda r: r["status"] in ("answered", "closed")),
    "assignedTo": lambda xs: (
        [v := next(r["assignedTo"][0]["id"] for r in xs if r["assignedTo"])],
        lambda r: any(a["id"] == v for a in r["assignedTo"]),
    ),
    "createdBy": lambda xs: ([xs[3]["createdBy"]], lambda r: r["createdBy"] == xs[3]["createdBy"]),
    "officialResponseStatus": lambda xs: ("answered", lambda r: r["officialResponseStatus"] == "answered"),
    "priority": lambda xs: ("High", lambda r: r["priority"] == "High"),
    "discipline": lambda xs: (["Structural"], lambda r: "Structural" in r["discipline"]),
    "category": lambda xs: ("Field condition", lambda r: "Field condition" in r["category"]),
    "customIdentifier": lambda xs: (["007", "012"], lambda r: r["customIdentifier"] in ("007", "012")),
    "id": lambda xs: ([xs[0]["id"], xs[5]["id"]], lambda r: r["id"] in (xs[0]["id"], xs[5]["id"])),
    "locations": lambda xs: (xs[2]["locations"], lambda r: r["locations"] == xs[2]["locations"]),
    "rfiTypeId": lambda xs: (xs[0]["rfiTypeId"], lambda r: r["rfiTypeId"] == xs[0]["rfiTypeId"]),
    "costImpact": lambda xs: ("Yes", lambda r: r["costImpact"] == "Yes"),
    "customAttributes": lambda xs: (
        f"{(a := next(r['customAttributes'][0] for r in xs if r['customAttributes']))['id']}: {a['values'][0]}",
        lambda r: any(c["values"] == a["values"] for c in r["customAttributes"]),
    ),
    "dueDate": lambda xs: (
        f"{SANDBOX_TODAY.date() - timedelta(days=60)}..{SANDBOX_TODAY.date()}",
        lambda r: (
            r["dueDate"] is not None
            and str(SANDBOX_TODAY.date() - timedelta(days=60)) <= _day(r["dueDate"]) <= str(SANDBOX_TODAY.date())
        ),
    ),
    "createdAt": lambda xs: (
        f"{_day(xs[40]['createdAt'])}..",
        lambda r: _day(r["createdAt"]) >= _day(xs[40]["createdAt"]),
    ),
    "closedAt": lambda xs: (
        f"..{_day(xs[40]['createdAt'])}",
        lambda r: r["closedAt"] is not None and _day(r["closedAt"]) <= _day(xs[40]["createdAt"]),
    ),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
async def test_filter_narrows(sandbox_http: httpx2.AsyncClient, world: World, rfis: list[Rfi], name: str) -> None:
    value, matches = FILTERS[name](rfis)
    key = name.split("-")[0]
    got = [r["id"] for r in await search_all(sandbox_http, world, filter={key: value})]
    assert 0 < len(got) < len(rfis) and got == [r["id"] for r in rfis if matches(r)]


async def test_filters_and_search_combine(sandbox_http: httpx2.AsyncClient, world: World, rfis: list[Rfi]) -> None:
    got = await search_all(sandbox_http, world, search="grid", filter={"status": ["closed"], "priority": "Normal"})
    expected = [r for r in rfis if r["status"] == "closed" and r["priority"] == "Normal" and "grid" in r["question"]]
    assert got and [r["id"] for r in got] == [r["id"] for r in expected]


async def test_sort_rules(sandbox_http: httpx2.AsyncClient, world: World, rfis: list[Rfi]) -> None:
    newest = await search_all(sandbox_http, world, sort=[{"field": "createdAt", "order": "DESC"}])
    assert [r["createdAt"] for r in newest] == sorted((r["createdAt"] for r in rfis), reverse=True)
    by_due = await search_all(sandbox_http, world, sort=[{"field": "dueDate", "order": "ASC"}])
    dated = [r["dueDate"] for r in by_due if r["dueDate"]]
    assert dated == sorted(dated) and all(r["dueDate"] is None for r in by_due[len(dated) :])
    two = await search_all(
        sandbox_http, world, sort=[{"field": "status"}, {"field": "customIdentifier", "order": "desc"}]
    )
    expected = sorted(sorted(rfis, key=lambda r: r["customIdentifier"], reverse=True), key=lambda r: r["status"])
    assert [r["id"] for r in two] == [r["id"] for r in expected]


async def test_fields_trim_results(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    body = await search(sandbox_http, world, fields=["title", "status"])
    assert all(set(r) == {"id", "title", "status"} for r in body["results"])


@pytest.mark.parametrize(
    "body",
    [
        {"limit": "10"},
        {"limit": 201},
        {"limit": 0},
        {"limit": True},
        {"offset": -1},
        {"offset": 1.5},
        {"search": 42},
        {"filter": "open"},
        {"filter": {"status": 3}},
        {"filter": {"status": "pending"}},
        {"filter": {"assignedTo": [1, 2]}},
        {"filter": {"includeHidden": "no"}},
        {"filter": {"dueDate": "2026-02-30"}},
        {"filter": {"createdAt": "last week"}},
        {"filter": {"colour": "red"}},
        {"filter": {"customAttributes": "no-colon"}},
        {"sort": {"field": "createdAt"}},
        {"sort": [{"field": "color"}]},
        {"sort": [{"field": "createdAt", "order": "UP"}]},
        {"fields": "title"},
        {"fields": ["title", "color"]},
        {"pageSize": 5},
    ],
)
async def test_invalid_body_is_400(sandbox_http: httpx2.AsyncClient, world: World, body: dict[str, Any]) -> None:
    r = await sandbox_http.post(f"{base(world)}/search:rfis", json=body)
    assert r.status_code == 400 and r.json()["developerMessage"]


async def test_non_object_body_is_400(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.post(f"{base(world)}/search:rfis", content=b"[1, 2]")
    assert r.status_code == 400
    r = await sandbox_http.post(f"{base(world)}/search:rfis", content=b"{not json")
    assert r.status_code == 400


async def test_get_rfi(sandbox_http: httpx2.AsyncClient, world: World, rfis: list[Rfi]) -> None:
    answered = next(r for r in rfis if r["status"] == "closed")
    full = (await sandbox_http.get(f"{base(world)}/rfis/{answered['id']}")).json()
    assert {k: v for k, v in full.items() if k in answered and k != "permittedActions"} == {
        k: v for k, v in answered.items() if k != "permittedActions"
    }
    assert full["responses"][0]["text"] == full["officialResponse"] and full["maxAssignees"] == 10
    assert "updateRfi" in full["permittedActions"]
    assert (await sandbox_http.get(f"{base(world)}/rfis/not-an-rfi")).status_code == 404
    other = f"/construction/rfis/v3/projects/{world.projects[2]['id']}/rfis/{answered['id']}"
    assert (await sandbox_http.get(other)).status_code == 404


async def test_unknown_project_is_404(sandbox_http: httpx2.AsyncClient) -> None:
    url = "/construction/rfis/v3/projects/00000000-0000-4000-8000-000000000000"
    assert (await sandbox_http.post(f"{url}/search:rfis", json={})).status_code == 404
    assert (await sandbox_http.get(f"{url}/users/me")).status_code == 404


async def test_users_me(sandbox_http: httpx2.AsyncClient, world: World, rfis: list[Rfi]) -> None:
    me = (await sandbox_http.get(f"{base(world)}/users/me")).json()
    assert me["user"]["id"] == world.users[0]["autodeskId"] and me["workflow"] == {"roles": ["projectGC"], "type": "US"}
    assert me["defaultRfiType"] in {r["rfiTypeId"] for r in rfis}
    statuses = [s["status"] for s in me["permittedActions"]["createRfi"]["permittedStatuses"]["wfUS"]]
    assert "draft" in statuses and "open" in statuses


async def test_workflow_is_consistent(world: World, rfis: list[Rfi]) -> None:
    members = {m["autodeskId"] for m in world.project_members(world.projects[1]["id"])}
    lbs = {n["id"] for n in project_locations(world, world.projects[1])}
    statuses = {r["status"] for r in rfis}
    assert statuses <= set(US_STATUSES) and {"draft", "submitted", "open", "answered", "closed"} <= statuses
    assert [r["customIdentifier"] for r in rfis] == [f"{n:03d}" for n in range(1, len(rfis) + 1)]
    overdue = [r for r in rfis if r["status"] == "open" and r["dueDate"] and r["dueDate"] < SANDBOX_TODAY.isoformat()]
    assert overdue
    for r in rfis:
        answered = r["status"] in ("answered", "closed")
        assert (r["officialResponseStatus"] == "answered") == answered == bool(r["officialResponse"])
        assert ("previousStatus" in r) == (r["status"] != "draft")
        assert bool(r["closedAt"]) == (r["status"] in ("closed", "void"))
        assert {r["createdBy"], r["managerId"], *(a["id"] for a in r["assignedTo"] + r["architects"])} <= members
        assert bool(r["assignedTo"]) == (r["status"] in ("submitted", "open", "answered", "rejected"))
        assert set(r["locations"]) <= lbs and r["createdAt"] <= r["updatedAt"]
