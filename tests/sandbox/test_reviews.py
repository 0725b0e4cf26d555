from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.sandbox import World
from acc_mcp.sandbox.http import in_range, parse_range
from acc_mcp.sandbox.reviews_data import HOSPITAL_OVERDUE, HOSPITAL_REVIEW, ReviewsData, role_autodesk_id
from acc_mcp.sandbox.world import SANDBOX_TODAY, iso

pytestmark = pytest.mark.anyio

Review = dict[str, Any]


def base(project_id: str) -> str:
    return f"/construction/reviews/v1/projects/{project_id}"


def data_of(app: Starlette) -> ReviewsData:
    data: ReviewsData = app.state.families["reviews"]
    return data


def hospital(world: World) -> dict[str, Any]:
    return next(p for p in world.projects if p["name"] == "St. Mary's Hospital Expansion")


async def all_pages(client: httpx2.AsyncClient, url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Follow nextUrl to the end, checking the pagination object on the way."""
    out: list[dict[str, Any]] = []
    r = await client.get(url, params=params)
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        out += body["results"]
        assert body["pagination"]["totalResults"] >= len(out)
        if "nextUrl" not in body["pagination"]:
            return out
        r = await client.get(body["pagination"]["nextUrl"])


async def test_list_pagination_follows_next_url(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = hospital(world)["id"]
    visible = [r for r in data_of(sandbox_app).reviews[pid] if not r["archived"]]
    r = await sandbox_http.get(f"{base(pid)}/reviews", params={"limit": 5, "offset": 0})
    page = r.json()["pagination"]
    assert page["limit"] == 5 and page["offset"] == 0 and page["totalResults"] == len(visible)
    assert "offset=5" in page["nextUrl"] and page["nextUrl"].startswith("https://developer.api.autodesk.com/")
    got = await all_pages(sandbox_http, f"{base(pid)}/reviews", {"limit": 5})
    assert [x["id"] for x in got] == [x["id"] for x in sorted(visible, key=lambda x: x["sequenceId"])]
    default = (await sandbox_http.get(f"{base(pid)}/reviews")).json()
    assert default["pagination"]["limit"] == 50 and "nextUrl" not in default["pagination"]


def _filters(world: World, data: ReviewsData, pid: str) -> list[tuple[dict[str, str], Callable[[Review], bool]]]:
    """(query, predicate over the stored record) pairs, with values drawn from the project's own data."""
    reviews = data.reviews[pid]
    steps = [s for w in data.workflows[pid] for s in w["steps"][1:]]
    role = next(x["autodeskId"] for s in steps for x in s["candidates"]["roles"])
    company = next(x["autodeskId"] for s in steps for x in s["candidates"]["companies"])
    workflow = reviews[0]["workflowId"]
    claimers = [r["nextActionBy"]["claimedBy"][0]["autodeskId"] for r in reviews if r["nextActionBy"]["claimedBy"]]
    claimer = (claimers or [reviews[0]["createdBy"]["autodeskId"]])[0]
    user = world.user(claimer)
    assert user is not None
    user_role = role_autodesk_id(user["roles"][0]["id"])
    user_company = next(c["oxygenId"] for c in world.companies if c["id"] == user["companyId"])

    def candidates(r: Review, kind: str) -> set[str]:
        return {x["autodeskId"] for x in r["nextActionBy"]["candidates"][kind]}

    def for_user(r: Review) -> bool:
        nxt = r["nextActionBy"]
        c = nxt["candidates"]
        return (
            any(u["autodeskId"] == claimer for u in nxt["claimedBy"] + c["users"])
            or any(x["autodeskId"] == user_role for x in c["roles"])
            or any(x["autodeskId"] == user_company for x in c["companies"])
        )

    def dated(key: str, value: str) -> Callable[[Review], bool]:
        return lambda r: in_range(r[key], parse_range(value, name=key))

    month, now = "2026-10-01..2026-10-31", iso(SANDBOX_TODAY)
    return [
        ({"filter[status]": "OPEN"}, lambda r: r["status"] == "OPEN"),
        ({"filter[status]": "CLOSED,VOID"}, lambda r: r["status"] in ("CLOSED", "VOID")),
        ({"filter[workflowId]": workflow}, lambda r: r["workflowId"] == workflow),
        ({"filter[name]": "STRUCTURAL"}, lambda r: "structural" in r["name"].lower()),
        ({"filter[sequenceId]": "1"}, lambda r: "1" in str(r["sequenceId"])),
        ({"filter[createdAt]": month}, dated("createdAt", month)),
        ({"filter[updatedAt]": "2026-10-15.."}, dated("updatedAt", "2026-10-15..")),
        ({"filter[finishedAt]": "2026-01-01..2026-09-30"}, dated("finishedAt", "2026-01-01..2026-09-30")),
        ({"filter[currentStepDueDate]": f"..{now}"}, dated("currentStepDueDate", f"..{now}")),
        ({"filter[nextActionByRole]": role}, lambda r: role in candidates(r, "roles")),
        ({"filter[nextActionByCompany]": company}, lambda r: company in candidates(r, "companies")),
        ({"filter[nextActionByUser]": claimer}, for_user),
    ]  # fmt: skip


async def test_each_filter_narrows_to_matching_reviews(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    data = data_of(sandbox_app)
    for project in world.projects:
        pid = project["id"]
        visible = [r for r in data.reviews[pid] if not r["archived"]]
        for query, predicate in _filters(world, data, pid):
            got = await all_pages(sandbox_http, f"{base(pid)}/reviews", {**query, "limit": 50})
            want = [r["id"] for r in visible if predicate(r)]
            assert sorted(x["id"] for x in got) == sorted(want), (project["name"], query)
    # Across the dataset every filter actually selects something and leaves something out.
    pid = hospital(world)["id"]
    visible = [r for r in data.reviews[pid] if not r["archived"]]
    for query, predicate in _filters(world, data, pid)[:5]:
        assert 0 < sum(map(predicate, visible)) < len(visible), query


async def test_archived_filters(sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World) -> None:
    data = data_of(sandbox_app)
    pid = next(p["id"] for p in world.projects if any(r["archived"] for r in data.reviews[p["id"]]))
    archived = [r for r in data.reviews[pid] if r["archived"]]
    got = (await sandbox_http.get(f"{base(pid)}/reviews", params={"filter[archived]": "true"})).json()["results"]
    assert {r["id"] for r in got} == {r["id"] for r in archived}
    by = archived[0]["archivedBy"]["autodeskId"]
    got = (
        await sandbox_http.get(f"{base(pid)}/reviews", params={"filter[archived]": "true", "filter[archivedBy]": by})
    ).json()["results"]
    assert got and all(r["archivedBy"]["autodeskId"] == by for r in got)
    active = (await sandbox_http.get(f"{base(pid)}/reviews", params={"filter[archived]": "false"})).json()
    assert not any(r["archived"] for r in active["results"])


@pytest.mark.parametrize("field", ["createdAt", "name", "sequenceId", "currentStepDueDate", "finishedAt", "status"])
async def test_sort(sandbox_http: httpx2.AsyncClient, world: World, field: str) -> None:
    pid = hospital(world)["id"]
    for direction in ("asc", "desc"):
        rows = (await sandbox_http.get(f"{base(pid)}/reviews", params={"sort": f"{field} {direction}"})).json()
        values = [r[field] for r in rows["results"]]
        present = [v.lower() if isinstance(v, str) and field == "name" else v for v in values if v is not None]
        assert present == sorted(present, reverse=direction == "desc")
        assert all(v is None for v in values[len(present) :]), "records without the field sort last"


@pytest.mark.parametrize(
    "params",
    [
        {"filter[createdAt]": "2026-13-45..2026-10-01"},
        {"filter[currentStepDueDate]": "next week"},
        {"filter[status]": "PENDING"},
        {"filter[sequenceId]": "abc"},
        {"filter[archived]": "maybe"},
        {"sort": "priority"},
        {"sort": "name,createdAt"},
        {"limit": 51},
        {"limit": 0},
    ],
)
async def test_bad_parameters_are_400(sandbox_http: httpx2.AsyncClient, world: World, params: dict[str, Any]) -> None:
    r = await sandbox_http.get(f"{base(hospital(world)['id'])}/reviews", params=params)
    assert r.status_code == 400, params
    assert r.json()["developerMessage"]


async def test_unknown_project_review_and_sequence_id(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    nobody = "00000000-0000-4000-8000-000000000000"
    assert (await sandbox_http.get(f"{base(nobody)}/reviews")).status_code == 404
    assert (await sandbox_http.get(f"{base(nobody)}/workflows")).status_code == 404
    pid = hospital(world)["id"]
    for suffix in ("", "/progress", "/versions", "/workflow"):
        assert (await sandbox_http.get(f"{base(pid)}/reviews/{nobody}{suffix}")).status_code == 404
    assert (await sandbox_http.get(f"{base(pid)}/reviews/12")).status_code == 400  # a sequence id, not a UUID
    assert (await sandbox_http.get(f"{base(pid)}/workflows/{nobody}")).status_code == 404


async def test_review_detail_with_b_prefix(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = hospital(world)["id"]
    review = data_of(sandbox_app).reviews[pid][0]
    r = await sandbox_http.get(f"{base('b.' + pid)}/reviews/{review['id']}")
    assert r.status_code == 200 and r.json() == review
    assert set(review) >= {"id", "sequenceId", "name", "status", "currentStepId", "currentStepDueDate", "createdBy"}
    assert set(review["createdBy"]) == {"autodeskId", "name"}
    assert set(review["nextActionBy"]) == {"claimedBy", "candidates"}


async def test_progress_follows_the_workflow(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    data = data_of(sandbox_app)
    for project in world.projects:
        pid = project["id"]
        workflows = {w["id"]: w for w in data.workflows[pid]}
        for review in data.reviews[pid]:
            steps = workflows[review["workflowId"]]["steps"]
            index = {s["id"]: i for i, s in enumerate(steps)}
            rows = await all_pages(sandbox_http, f"{base(pid)}/reviews/{review['id']}/progress", {"limit": 2})
            for row in rows:
                step = steps[index[row["stepId"]]]
                assert row["stepName"] == step["name"] and row["candidates"] == step["candidates"]
            reached = [index[row["stepId"]] for row in rows]
            assert reached == sorted(reached, reverse=True), "most recent first"
            ended = [row["endTime"] for row in rows if row["endTime"]]
            assert ended == sorted(ended, reverse=True)
            last = max(reached)
            if review["status"] == "CLOSED":
                assert last == len(steps) - 1 and all(row["status"] == "SUBMITTED" for row in rows)
                assert review["currentStepId"] is None and review["finishedAt"] == ended[0]
            elif review["status"] == "OPEN":
                assert steps[last]["id"] == review["currentStepId"] and review["finishedAt"] is None
                assert all(row["status"] == "SUBMITTED" for row in rows if index[row["stepId"]] < last)
                current = [row for row in rows if row["stepId"] == review["currentStepId"]]
                claimed = [row["claimedBy"]["autodeskId"] for row in current if row["status"] == "CLAIMED"]
                assert sorted(claimed) == sorted(u["autodeskId"] for u in review["nextActionBy"]["claimedBy"])
                assert review["nextActionBy"]["candidates"] == steps[last]["candidates"]
            else:
                assert review["status"] == "VOID" and rows[0]["status"] == "VOID"


async def test_hospital_structural_review_is_open_midway(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = hospital(world)["id"]
    rows = (
        await sandbox_http.get(f"{base(pid)}/reviews", params={"filter[name]": "Structural", "filter[status]": "OPEN"})
    ).json()["results"]
    review = next(r for r in rows if r["name"] == HOSPITAL_REVIEW)
    workflow = (await sandbox_http.get(f"{base(pid)}/reviews/{review['id']}/workflow")).json()
    step_ids = [s["id"] for s in workflow["steps"]]
    assert 0 < step_ids.index(review["currentStepId"]) < len(step_ids) - 1
    progress = (await sandbox_http.get(f"{base(pid)}/reviews/{review['id']}/progress")).json()["results"]
    assert progress[0]["stepId"] == review["currentStepId"] and progress[0]["status"] == "CLAIMED"
    assert review["nextActionBy"]["claimedBy"] == [progress[0]["claimedBy"]]
    late = (await sandbox_http.get(f"{base(pid)}/reviews", params={"filter[name]": HOSPITAL_OVERDUE})).json()
    assert late["results"][0]["currentStepDueDate"] < iso(SANDBOX_TODAY)


async def test_workflows(sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World) -> None:
    data = data_of(sandbox_app)
    for project in world.projects:
        pid = project["id"]
        everything = data.workflows[pid]
        assert 2 <= len(everything) <= 6
        active = (await sandbox_http.get(f"{base(pid)}/workflows", params={"sort": "name desc"})).json()
        assert [w["id"] for w in active["results"]] == [
            w["id"]
            for w in sorted(everything, key=lambda w: w["name"].lower(), reverse=True)
            if w["status"] == "ACTIVE"
        ]
        inactive = (await sandbox_http.get(f"{base(pid)}/workflows", params={"filter[status]": "INACTIVE"})).json()
        assert all(w["status"] == "INACTIVE" for w in inactive["results"])
        one = (await sandbox_http.get(f"{base(pid)}/workflows/{everything[0]['id']}")).json()
        assert one == everything[0]
        assert one["steps"][0]["type"] == "INITIATOR" and one["steps"][-1]["type"] == "APPROVER"
    r = await sandbox_http.get(
        f"{base(pid)}/workflows", params={"filter[status]": "ACTIVE", "filter[initiator]": "true"}
    )
    assert r.status_code == 400


async def test_review_workflow_is_the_applied_snapshot(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = hospital(world)["id"]
    review = data_of(sandbox_app).reviews[pid][0]
    snapshot = (await sandbox_http.get(f"{base(pid)}/reviews/{review['id']}/workflow")).json()
    full = (await sandbox_http.get(f"{base(pid)}/workflows/{review['workflowId']}")).json()
    assert snapshot == {k: v for k, v in full.items() if k not in ("status", "createdAt", "updatedAt")}


async def test_versions_and_approval_statuses(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    data = data_of(sandbox_app)
    pid = hospital(world)["id"]
    closed = [r for r in data.reviews[pid] if r["status"] == "CLOSED"]
    versions = [v for r in closed for v in data.versions[r["id"]]]
    labels = {v["approveStatus"]["label"] for v in versions}
    assert all(v["approveStatus"] for v in versions) and len(labels) >= 2
    review = next(r for r in closed if len({v["approveStatus"]["label"] for v in data.versions[r["id"]]}) >= 1)
    label = data.versions[review["id"]][0]["approveStatus"]["label"]
    rows = (
        await sandbox_http.get(f"{base(pid)}/reviews/{review['id']}/versions", params={"filter[approveStatus]": label})
    ).json()["results"]
    assert rows and all(v["approveStatus"]["label"] == label for v in rows)
    assert rows == [v for v in data.versions[review["id"]] if v["approveStatus"]["label"] == label]
    urn = rows[0]["urn"]
    assert urn.endswith(f"?version={urn.rsplit('=', 1)[1]}") and rows[0]["name"].endswith(".pdf")
    history = (await sandbox_http.get(f"{base(pid)}/versions/{quote(urn, safe='')}/approval-statuses")).json()
    entries = history["results"]
    assert {"approvalStatus": {k: rows[0]["approveStatus"][k] for k in ("id", "label", "value")}, "review": {
        "id": review["id"], "sequenceId": review["sequenceId"], "status": "CLOSED"}} in entries  # fmt: skip
    groups = [e["review"]["status"] != "OPEN" for e in entries]
    assert groups == sorted(groups), "in-review entries come first"
    bad = await sandbox_http.get(f"{base(pid)}/versions/not-a-urn/approval-statuses")
    assert bad.status_code == 400
