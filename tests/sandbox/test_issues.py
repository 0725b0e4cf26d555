"""The sandbox's Issues family, checked through HTTP against the data it serves and the reference's rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from acc_mcp.sandbox.issues_data import STATUSES, project_locations
from acc_mcp.sandbox.world import SANDBOX_TODAY

pytestmark = pytest.mark.anyio

Issue = dict[str, Any]


def base(world: World, n: int = 0) -> str:
    return f"/construction/issues/v1/projects/{world.projects[n]['id']}"


async def fetch_all(http: httpx2.AsyncClient, url: str, **params: Any) -> tuple[list[Issue], list[dict[str, Any]]]:
    """Every issue the list returns for `params`, walking the pages; also each page's pagination object."""
    items: list[Issue] = []
    pages: list[dict[str, Any]] = []
    offset = 0
    while True:
        r = await http.get(f"{url}/issues", params={**params, "limit": 100, "offset": offset})
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["pagination"])
        items += body["results"]
        offset += 100
        if offset >= body["pagination"]["totalResults"]:
            return items, pages


async def ids(http: httpx2.AsyncClient, url: str, **params: Any) -> list[str]:
    return [i["id"] for i in (await fetch_all(http, url, **params))[0]]


@pytest.fixture
async def issues(sandbox_http: httpx2.AsyncClient, world: World) -> list[Issue]:
    return (await fetch_all(sandbox_http, base(world)))[0]


# profile and settings ------------------------------------------------------------------------------------


async def test_users_me_is_the_account_admin(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    body = (await sandbox_http.get(f"{base(world)}/users/me")).json()
    assert body["id"] == world.users[0]["autodeskId"]
    assert body["isProjectAdmin"] is True
    assert body["issues"]["new"]["permittedStatuses"] == list(STATUSES)
    assert set(body["permissionLevels"]) == {"create", "read", "write"}


async def test_issue_types_include_subtypes_and_is_active(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = f"{base(world)}/issue-types"
    plain = (await sandbox_http.get(url)).json()["results"]
    assert plain and all("subtypes" not in t for t in plain)
    full = (await sandbox_http.get(url, params={"include": "subtypes"})).json()["results"]
    titles = {t["title"]: [s["title"] for s in t["subtypes"]] for t in full}
    assert {"Defect", "Observation"} <= set(titles["Quality"]) and "Near Miss" in titles["Safety"]
    assert all(s["issueTypeId"] == t["id"] and len(s["code"]) == 3 for t in full for s in t["subtypes"])
    inactive = (await sandbox_http.get(url, params={"filter[isActive]": "false"})).json()["results"]
    assert [t["title"] for t in inactive] == [t["title"] for t in full if not t["isActive"]] != []
    assert (await sandbox_http.get(url, params={"filter[isActive]": "maybe"})).status_code == 400


async def test_root_cause_categories_include(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = f"{base(world)}/issue-root-cause-categories"
    assert all("rootCauses" not in c for c in (await sandbox_http.get(url)).json()["results"])
    cats = (await sandbox_http.get(url, params={"include": "rootcauses"})).json()["results"]
    assert all(c["rootCauses"] and {r["rootCauseCategoryId"] for r in c["rootCauses"]} == {c["id"]} for c in cats)


async def test_attribute_definitions_hide_deleted_and_filter(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = f"{base(world)}/issue-attribute-definitions"
    live = (await sandbox_http.get(url)).json()
    assert live["pagination"]["limit"] == 200 and all(d["deletedAt"] is None for d in live["results"])
    both = (await sandbox_http.get(url, params={"filter[deletedAt]": "null,2000-01-01.."})).json()["results"]
    assert len(both) == len(live["results"]) + 1
    only = (await sandbox_http.get(url, params={"filter[deletedAt]": "2000-01-01.."})).json()["results"]
    assert len(only) == 1 and only[0]["deletedBy"]
    lists = (await sandbox_http.get(url, params={"filter[dataType]": "list"})).json()["results"]
    assert lists and all(d["dataType"] == "list" and d["metadata"]["list"]["options"] for d in lists)
    assert (await sandbox_http.get(url, params={"filter[dataType]": "date"})).status_code == 400
    maps = (await sandbox_http.get(f"{base(world)}/issue-attribute-mappings")).json()["results"]
    target = maps[-1]["mappedItemId"]
    narrowed = await sandbox_http.get(
        f"{base(world)}/issue-attribute-mappings", params={"filter[mappedItemId]": target}
    )
    assert [m["id"] for m in narrowed.json()["results"]] == [m["id"] for m in maps if m["mappedItemId"] == target]


# the list: pagination ------------------------------------------------------------------------------------


async def test_pagination_walks_every_issue_once(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    items, pages = await fetch_all(sandbox_http, base(world))
    total = pages[0]["totalResults"]
    assert 180 <= total <= 420 and len(items) == total == len({i["id"] for i in items})
    assert all("nextUrl" in p for p in pages[:-1]) and "nextUrl" not in pages[-1]
    assert "offset=100" in pages[0]["nextUrl"] and "previousUrl" in pages[1]
    default = (await sandbox_http.get(f"{base(world)}/issues")).json()["pagination"]
    assert default["limit"] == 100 and default["offset"] == 0
    assert [i["displayId"] for i in items] == sorted(i["displayId"] for i in items)


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"limit": "ten"}, {"offset": -1}])
async def test_bad_paging_is_400(sandbox_http: httpx2.AsyncClient, world: World, params: dict[str, Any]) -> None:
    assert (await sandbox_http.get(f"{base(world)}/issues", params=params)).status_code == 400


async def test_unknown_project_is_404(sandbox_http: httpx2.AsyncClient) -> None:
    r = await sandbox_http.get("/construction/issues/v1/projects/00000000-0000-4000-8000-000000000000/issues")
    assert r.status_code == 404


# the list: filters ---------------------------------------------------------------------------------------


def _pick(issues: list[Issue], key: str, n: int = 2) -> list[Any]:
    values = sorted({i[key] for i in issues if i[key] is not None}, key=str)
    return values[:: max(1, len(values) // n)][:n]


FILTERS: dict[str, Callable[[list[Issue]], tuple[str, Callable[[Issue], bool]]]] = {
    "status": lambda xs: ("open,in_review", lambda i: i["status"] in ("open", "in_review")),
    "issueTypeId": lambda xs: (v := _pick(xs, "issueTypeId", 1)[0], lambda i: i["issueTypeId"] == v),
    "issueSubtypeId": lambda xs: (",".join(v := _pick(xs, "issueSubtypeId")), lambda i: i["issueSubtypeId"] in v),
    "assignedTo": lambda xs: (",".join(v := _pick(xs, "assignedTo")), lambda i: i["assignedTo"] in v),
    "createdBy": lambda xs: (v := _pick(xs, "createdBy", 1)[0], lambda i: i["createdBy"] == v),
    "closedBy": lambda xs: (v := _pick(xs, "closedBy", 1)[0], lambda i: i["closedBy"] == v),
    "updatedBy": lambda xs: (v := _pick(xs, "updatedBy", 1)[0], lambda i: i["updatedBy"] == v),
    "rootCauseId": lambda xs: (",".join(v := _pick(xs, "rootCauseId")), lambda i: i["rootCauseId"] in v),
    "locationId": lambda xs: (v := _pick(xs, "locationId", 1)[0], lambda i: i["locationId"] == v),
    "assignedToType": lambda xs: ("company,null", lambda i: i["assignedToType"] in ("company", None)),
    "displayId": lambda xs: ("3,5,8", lambda i: i["displayId"] in (3, 5, 8)),
    "id": lambda xs: (f"{xs[4]['id']},{xs[9]['id']}", lambda i: i["id"] in (xs[4]["id"], xs[9]["id"])),
    "search": lambda xs: ("DOOR", lambda i: "door" in i["title"].lower()),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
async def test_filter_narrows_to_matching_issues(
    sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue], name: str
) -> None:
    value, matches = FILTERS[name](issues)
    expected = [i["id"] for i in issues if matches(i)]
    got = await ids(sandbox_http, base(world), **{f"filter[{name}]": value})
    assert 0 < len(got) < len(issues) and got == expected


async def test_search_matches_display_id(sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]) -> None:
    got = await ids(sandbox_http, base(world), **{"filter[search]": "42"})
    assert issues[41]["id"] in got and all(i["displayId"] == 42 or "42" in i["title"] for i in issues if i["id"] in got)


async def test_deleted_issues_only_on_request(
    sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]
) -> None:
    deleted, _ = await fetch_all(sandbox_http, base(world), **{"filter[deleted]": "true"})
    assert deleted and all(i["deleted"] and i["deletedAt"] and i["deletedBy"] for i in deleted)
    assert not any(i["deleted"] for i in issues) and not {i["id"] for i in deleted} & {i["id"] for i in issues}


async def test_sublocation_includes_zones(sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]) -> None:
    nodes = project_locations(world, world.projects[0])
    level = next(n for n in nodes if n["name"] == "Level 2")
    under = {level["id"]} | {n["id"] for n in nodes if n["parentId"] == level["id"]}
    got = await ids(sandbox_http, base(world), **{"filter[subLocationId]": level["id"]})
    assert got == [i["id"] for i in issues if i["locationId"] in under]
    assert len(got) > len(await ids(sandbox_http, base(world), **{"filter[locationId]": level["id"]}))


async def test_linked_document_and_custom_attribute_filters(
    sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]
) -> None:
    pinned = next(i for i in issues if i["linkedDocuments"])
    urn = pinned["linkedDocuments"][0]["urn"]
    got = await ids(sandbox_http, base(world), **{"filter[linkedDocumentUrn]": urn})
    assert pinned["id"] in got and got == [
        i["id"] for i in issues if any(d["urn"] == urn for d in i["linkedDocuments"])
    ]
    attr = next(c for i in issues for c in i["customAttributes"] if c["value"] and c["type"] == "list")
    key = f"filter[customAttributes][{attr['attributeDefinitionId']}]"
    got = await ids(sandbox_http, base(world), **{key: attr["value"]})
    assert got == [i["id"] for i in issues if any(c == attr for c in i["customAttributes"])]


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).date()


async def test_date_range_filters(sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]) -> None:
    today = SANDBOX_TODAY.date()
    lo, hi = today - timedelta(days=30), today
    cases: list[tuple[str, str, Callable[[Issue], bool]]] = [
        ("dueDate", f"{lo}..{hi}", lambda i: i["dueDate"] is not None and lo <= date.fromisoformat(i["dueDate"]) <= hi),
        ("dueDate", f"..{today}", lambda i: i["dueDate"] is not None and date.fromisoformat(i["dueDate"]) <= today),
        ("startDate", f"{lo}..", lambda i: i["startDate"] is not None and date.fromisoformat(i["startDate"]) >= lo),
        ("createdAt", f"{lo}..{hi}", lambda i: lo <= _day(i["createdAt"]) <= hi),
        ("updatedAt", f"{lo}..", lambda i: _day(i["updatedAt"]) >= lo),
        ("closedAt", f"..{lo}", lambda i: i["closedAt"] is not None and _day(i["closedAt"]) <= lo),
    ]
    for key, value, matches in cases:
        expected = [i["id"] for i in issues if matches(i)]
        got = await ids(sandbox_http, base(world), **{f"filter[{key}]": value})
        assert expected and got == expected, (key, value)
    one_day = issues[50]["createdAt"][:10]
    got = await ids(sandbox_http, base(world), **{"filter[createdAt]": one_day})
    assert issues[50]["id"] in got and got == [i["id"] for i in issues if i["createdAt"].startswith(one_day)]
    instant = issues[50]["createdAt"]
    got = await ids(sandbox_http, base(world), **{"filter[createdAt]": f"{instant}..{instant}"})
    assert got == [issues[50]["id"]]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("dueDate", "2026-02-30"),
        ("dueDate", "2026-01-01T00:00:00Z"),
        ("dueDate", "next week"),
        ("createdAt", "yesterday"),
        ("updatedAt", "2026-13-01..2026-12-01"),
        ("closedAt", ".."),
        ("status", "reopened"),
        ("assignedToType", "team"),
        ("displayId", "seven"),
        ("deleted", "yes"),
    ],
)
async def test_malformed_filter_is_400(sandbox_http: httpx2.AsyncClient, world: World, key: str, value: str) -> None:
    r = await sandbox_http.get(f"{base(world)}/issues", params={f"filter[{key}]": value})
    assert r.status_code == 400 and r.json()["developerMessage"]


# the list: sorting and fields -----------------------------------------------------------------------------


async def test_sort_ascending_descending_and_multi(
    sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]
) -> None:
    by_due, _ = await fetch_all(sandbox_http, base(world), sortBy="dueDate")
    dated = [i["dueDate"] for i in by_due if i["dueDate"]]
    assert dated == sorted(dated) and all(i["dueDate"] is None for i in by_due[len(dated) :])
    desc, _ = await fetch_all(sandbox_http, base(world), sortBy="-displayId")
    assert [i["displayId"] for i in desc] == sorted((i["displayId"] for i in issues), reverse=True)
    multi, _ = await fetch_all(sandbox_http, base(world), sortBy="status,-createdAt")
    expected = sorted(issues, key=lambda i: i["createdAt"], reverse=True)
    assert [i["id"] for i in multi] == [i["id"] for i in sorted(expected, key=lambda i: i["status"])]
    titles, _ = await fetch_all(sandbox_http, base(world), sortBy="-title")
    assert [i["title"].casefold() for i in titles] == sorted((i["title"].casefold() for i in issues), reverse=True)
    types = {t["id"]: t["title"] for t in (await sandbox_http.get(f"{base(world)}/issue-types")).json()["results"]}
    by_type, _ = await fetch_all(sandbox_http, base(world), sortBy="issueType")
    assert [types[i["issueTypeId"]] for i in by_type] == sorted(types[i["issueTypeId"]] for i in issues)


@pytest.mark.parametrize("spec", ["priority", "displayId,-bogus", "customAttributes", "updatedBy"])
async def test_unknown_sort_field_is_400(sandbox_http: httpx2.AsyncClient, world: World, spec: str) -> None:
    assert (await sandbox_http.get(f"{base(world)}/issues", params={"sortBy": spec})).status_code == 400


async def test_fields_limit_the_issue_object(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    r = await sandbox_http.get(f"{base(world)}/issues", params={"fields": "displayId,dueDate,rootCauseTitle"})
    keys = {k for i in r.json()["results"] for k in i}
    assert keys == {"id", "title", "status", "issueTypeId", "displayId", "dueDate", "rootCauseTitle"}
    bad = await sandbox_http.get(f"{base(world)}/issues", params={"fields": "displayId,color"})
    assert bad.status_code == 400


# one issue, comments, attachments ------------------------------------------------------------------------


async def test_get_issue_matches_list(sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]) -> None:
    for issue in issues[:3]:
        r = await sandbox_http.get(f"{base(world)}/issues/{issue['id']}")
        assert r.status_code == 200 and r.json() == issue
    assert (
        await sandbox_http.get(
            f"{base(world)}/issues/{issues[0]['id']}".replace(world.projects[0]["id"], world.projects[1]["id"])
        )
    ).status_code == 404
    assert (await sandbox_http.get(f"{base(world)}/issues/00000000-0000-4000-8000-000000000000")).status_code == 404
    assert (await sandbox_http.get(f"{base(world)}/issues/42")).status_code == 400


async def test_issue_fields_are_realistic(issues: list[Issue], world: World) -> None:
    members = {m["autodeskId"] for m in world.project_members(world.projects[0]["id"])}
    companies = {c["oxygenId"] for c in world.companies}
    statuses = {i["status"] for i in issues}
    assert statuses <= set(STATUSES) and len(statuses) >= 7 and {"draft", "open", "closed"} <= statuses
    assert len({i["title"] for i in issues}) > 0.9 * len(issues)
    overdue = [i for i in issues if i["status"] == "open" and i["dueDate"] and i["dueDate"] < str(SANDBOX_TODAY.date())]
    assert overdue
    for i in issues:
        assert {i["createdBy"], *i["watchers"]} <= members
        assert i["assignedToType"] in ("user", "company", "role", None)
        assert i["assignedToType"] != "user" or i["assignedTo"] in members
        assert i["assignedToType"] != "company" or i["assignedTo"] in companies
        assert (i["status"] == "closed") == bool(i["closedAt"] and i["closedBy"])
        assert i["published"] == (i["status"] != "draft")
        assert i["createdAt"] <= i["updatedAt"] <= SANDBOX_TODAY.isoformat()[:19] + ".999Z"
        assert i["dueDate"] is None or len(i["dueDate"]) == 10


async def test_comments_and_attachments(sandbox_http: httpx2.AsyncClient, world: World, issues: list[Issue]) -> None:
    chatty = max(issues, key=lambda i: i["commentCount"])
    url = f"{base(world)}/issues/{chatty['id']}/comments"
    body = (await sandbox_http.get(url)).json()
    assert body["pagination"]["totalResults"] == chatty["commentCount"] == len(body["results"]) > 1
    stamps = [c["createdAt"] for c in body["results"]]
    assert stamps == sorted(stamps) and chatty["createdAt"] <= stamps[0]
    newest = (await sandbox_http.get(url, params={"sortBy": "-createdAt"})).json()["results"]
    assert [c["createdAt"] for c in newest] == stamps[::-1]
    assert (await sandbox_http.get(url)).json() == body  # the same comments on every call
    assert (await sandbox_http.get(url, params={"sortBy": "title"})).status_code == 400
    with_files = next(i for i in issues if i["attachmentCount"])
    files = (await sandbox_http.get(f"{base(world)}/attachments/{with_files['id']}/items")).json()["attachments"]
    assert len(files) == with_files["attachmentCount"] and all(f["domainEntityId"] == with_files["id"] for f in files)
    missing = await sandbox_http.get(f"{base(world)}/attachments/00000000-0000-4000-8000-000000000000/items")
    assert missing.status_code == 404


async def test_same_data_in_every_app(world: World, issues: list[Issue]) -> None:
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=build_app(world)),
        base_url="https://developer.api.autodesk.com",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    ) as other:
        assert (await fetch_all(other, base(world)))[0] == issues
