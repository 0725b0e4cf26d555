"""The sandbox's Data Connector: requests and their schedules, jobs, the rate limit, data listings and signed
downloads (the 1 GiB file: test_data_connector_large.py)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from acc_mcp.sandbox.data_connector import REQUEST_KEYS
from acc_mcp.sandbox.data_connector_data import DataConnectorState
from acc_mcp.sandbox.world import SANDBOX_TODAY, iso

pytestmark = pytest.mark.anyio

JOB_KEYS = {
    "id", "requestId", "accountId", "projectId", "projectIdList", "createdBy", "createdByEmail", "createdAt", "status",
    "completionStatus", "startedAt", "completedAt", "sendEmail", "progress", "lastDownloadedBy", "lastDownloadedAt",
    "startDate", "endDate",
}  # fmt: skip


class Clock:
    """A hand-moved clock for the Data Connector state, starting at SANDBOX_TODAY."""

    def __init__(self) -> None:
        self.now = SANDBOX_TODAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(sandbox_app: Starlette) -> Clock:
    clock = Clock()
    state: DataConnectorState = sandbox_app.state.families["data_connector"]
    state.clock = clock
    return clock


def base(world: World) -> str:
    return f"/data-connector/v1/accounts/{world.account_id}"


def one_time(**extra: Any) -> dict[str, Any]:
    return {
        "description": "Ad hoc admin extract",
        "scheduleInterval": "ONE_TIME",
        "effectiveFrom": "2026-11-01T00:00:00.000Z",
        "serviceGroups": ["admin"],
        **extra,
    }


async def test_create_one_time_request_and_watch_its_job(
    sandbox_http: httpx2.AsyncClient, world: World, clock: Clock
) -> None:
    r = await sandbox_http.post(f"{base(world)}/requests", json=one_time(reoccuringInterval=3))
    assert r.status_code == 201
    created = r.json()
    assert list(created) == list(REQUEST_KEYS)
    assert created["isActive"] is True and created["sendEmail"] is True and created["projectStatus"] == "all"
    assert created["reoccuringInterval"] is None  # ignored for ONE_TIME, per the reference
    assert created["effectiveTo"] is None and created["lastQueuedAt"] == iso(SANDBOX_TODAY)
    assert created["createdByEmail"] == world.users[0]["email"]

    listed = (await sandbox_http.get(f"{base(world)}/requests", params={"limit": 100})).json()
    assert created["id"] in [x["id"] for x in listed["results"]]

    jobs = (await sandbox_http.get(f"{base(world)}/requests/{created['id']}/jobs")).json()
    assert jobs["pagination"] == {"limit": 20, "offset": 0, "totalResults": 1}
    job = jobs["results"][0]
    assert set(job) == JOB_KEYS
    assert (job["status"], job["completionStatus"], job["startedAt"], job["progress"]) == ("queued", None, None, 0)

    clock.advance(seconds=3)
    running = (await sandbox_http.get(f"{base(world)}/jobs/{job['id']}")).json()
    assert running["status"] == "running" and 0 < running["progress"] < 100 and running["completedAt"] is None

    clock.advance(seconds=5)
    done = (await sandbox_http.get(f"{base(world)}/jobs/{job['id']}")).json()
    assert (done["status"], done["completionStatus"], done["progress"]) == ("complete", "success", 100)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scheduleInterval": "WEEK", "effectiveTo": "2027-01-01T00:00:00Z"}, "reoccuringInterval"),
        (
            {"scheduleInterval": "DAY", "reoccuringInterval": 0, "effectiveTo": "2027-01-01T00:00:00Z"},
            "reoccuringInterval",
        ),
        ({"scheduleInterval": "WEEK", "reoccuringInterval": 1}, "effectiveTo"),
        ({"effectiveTo": "2026-12-01T00:00:00Z"}, "effectiveTo"),  # forbidden for ONE_TIME
        (
            {"scheduleInterval": "MONTH", "reoccuringInterval": 1, "effectiveTo": "2026-10-01T00:00:00Z"},
            "effectiveTo",
        ),
        ({"scheduleInterval": "HOURLY"}, "scheduleInterval"),
        ({"scheduleInterval": None}, "scheduleInterval"),
        ({"serviceGroups": ["admin", "punchlist"]}, "serviceGroups"),
        ({"serviceGroups": []}, "serviceGroups"),
        ({"projectIdList": [f"00000000-0000-4000-8000-{n:012d}" for n in range(51)]}, "projectIdList"),
        ({"projectIdList": ["00000000-0000-4000-8000-000000000000"]}, "projectIdList"),
        ({"effectiveFrom": "next tuesday"}, "effectiveFrom"),
        ({"effectiveFrom": None}, "effectiveFrom"),
        ({"startDate": "2026-10-02T00:00:00Z", "endDate": "2026-10-01T00:00:00Z"}, "endDate"),
        ({"isActive": "yes"}, "isActive"),
        ({"dateRange": "LAST_YEAR"}, "dateRange"),
        ({"callbackUrl": "ftp://example.com/hook"}, "callbackUrl"),
    ],
)
async def test_invalid_request_is_400_naming_the_field(
    sandbox_http: httpx2.AsyncClient, world: World, change: dict[str, Any], field: str
) -> None:
    r = await sandbox_http.post(f"{base(world)}/requests", json=one_time(**change))
    assert r.status_code == 400
    assert field in r.json()["developerMessage"]


async def test_recurring_request_spawns_on_schedule(
    sandbox_http: httpx2.AsyncClient, world: World, clock: Clock
) -> None:
    body = {
        "scheduleInterval": "DAY",
        "reoccuringInterval": 2,
        "effectiveFrom": iso(SANDBOX_TODAY + timedelta(hours=1)),
        "effectiveTo": iso(SANDBOX_TODAY + timedelta(days=5)),
        "serviceGroups": "issues,rfis",
        "projectIdList": f'["{world.projects[0]["id"]}"]',  # the reference's example sends a JSON string
    }
    created = (await sandbox_http.post(f"{base(world)}/requests", json=body)).json()
    assert created["serviceGroups"] == ["issues", "rfis"] and created["projectIdList"] == [world.projects[0]["id"]]
    jobs_url = f"{base(world)}/requests/{created['id']}/jobs"

    async def job_times() -> list[str]:
        return [j["createdAt"] for j in (await sandbox_http.get(jobs_url)).json()["results"]]

    assert await job_times() == []  # effectiveFrom is in the future
    clock.advance(hours=1)
    assert await job_times() == [iso(SANDBOX_TODAY + timedelta(hours=1))]
    clock.advance(days=10)  # runs at +1 h, +2 d 1 h, +4 d 1 h; the next would be past effectiveTo
    assert len(await job_times()) == 3
    job = (await sandbox_http.get(jobs_url)).json()["results"][0]
    assert job["projectId"] == world.projects[0]["id"]


async def test_25th_job_in_24_hours_is_429(sandbox_http: httpx2.AsyncClient, world: World, clock: Clock) -> None:
    window = f"{iso(SANDBOX_TODAY - timedelta(hours=24))}.."
    recent = (await sandbox_http.get(f"{base(world)}/jobs", params={"filter[createdAt]": window})).json()
    already = recent["pagination"]["totalResults"]
    assert already == 1  # the weekly extract ran at 06:00 today
    for _ in range(24 - already):
        assert (await sandbox_http.post(f"{base(world)}/requests", json=one_time())).status_code == 201
    before = (await sandbox_http.get(f"{base(world)}/requests")).json()["pagination"]["totalResults"]
    r = await sandbox_http.post(f"{base(world)}/requests", json=one_time())
    assert r.status_code == 429
    assert r.headers["Retry-After"] == str(15 * 3600)  # when the 06:00 job leaves the window
    after = (await sandbox_http.get(f"{base(world)}/requests")).json()["pagination"]["totalResults"]
    assert after == before  # nothing was created
    clock.advance(seconds=15 * 3600)
    assert (await sandbox_http.post(f"{base(world)}/requests", json=one_time())).status_code == 201


async def test_list_requests_pagination_sort_and_filters(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = f"{base(world)}/requests"
    page = (await sandbox_http.get(url, params={"limit": 2, "offset": 2})).json()
    assert page["pagination"] == {"limit": 2, "offset": 2, "totalResults": 4}
    assert len(page["results"]) == 2
    newest = (await sandbox_http.get(url, params={"sort": "desc", "limit": 1})).json()["results"][0]
    assert newest["description"] == "Account admin snapshot"
    by_interval = (await sandbox_http.get(url, params={"sortFields": "-scheduleInterval,bogus"})).json()["results"]
    assert [x["scheduleInterval"] for x in by_interval] == ["WEEK", "ONE_TIME", "MONTH", "DAY"]
    paused = (await sandbox_http.get(url, params={"filter[isActive]": "false"})).json()["results"]
    assert [x["description"] for x in paused] == ["Daily locations + submittals (paused)"]
    hospital = world.projects[0]["id"]
    weekly = (await sandbox_http.get(url, params={"filter[projectId]": hospital})).json()["results"]
    assert [x["description"] for x in weekly] == ["Weekly issues + RFIs extract"]
    everything = (await sandbox_http.get(url, params={"filter[projectId]": "null"})).json()
    assert everything["pagination"]["totalResults"] == 4
    created = (await sandbox_http.get(url, params={"filter[createdAt]": "2026-08-01T00:00:00.000Z.."})).json()
    paused_then_snapshot = ["Daily locations + submittals (paused)", "Account admin snapshot"]
    assert [x["description"] for x in created["results"]] == paused_then_snapshot
    bad = await sandbox_http.get(url, params={"filter[scheduleInterval]": "DAY,WEEK"})
    assert bad.status_code == 400
    assert (await sandbox_http.get(url, params={"sort": "sideways"})).status_code == 400


async def test_patch_deactivates_and_validates(sandbox_http: httpx2.AsyncClient, world: World, clock: Clock) -> None:
    weekly = (await sandbox_http.get(f"{base(world)}/requests", params={"filter[scheduleInterval]": "WEEK"})).json()
    req = weekly["results"][0]
    url = f"{base(world)}/requests/{req['id']}"
    clock.advance(minutes=5)
    r = await sandbox_http.patch(url, json={"isActive": False, "description": "Paused for the holidays"})
    assert r.status_code == 200
    body = r.json()
    assert body["isActive"] is False and body["description"] == "Paused for the holidays"
    assert body["updatedAt"] == iso(clock.now) and body["scheduleInterval"] == "WEEK"
    assert (await sandbox_http.get(url)).json() == body
    clock.advance(days=8)  # Monday's run does not happen while the request is inactive
    jobs = (await sandbox_http.get(f"{url}/jobs", params={"limit": 100})).json()
    assert jobs["pagination"]["totalResults"] == 14
    bad = await sandbox_http.patch(url, json={"scheduleInterval": "ONE_TIME"})  # effectiveTo still set
    assert bad.status_code == 400 and "effectiveTo" in bad.json()["developerMessage"]


async def test_delete_request_then_404(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    created = (await sandbox_http.post(f"{base(world)}/requests", json=one_time())).json()
    url = f"{base(world)}/requests/{created['id']}"
    job_id = (await sandbox_http.get(f"{url}/jobs")).json()["results"][0]["id"]
    assert (await sandbox_http.delete(url)).status_code == 204
    assert (await sandbox_http.get(url)).status_code == 404
    assert (await sandbox_http.get(f"{url}/jobs")).status_code == 404
    assert (await sandbox_http.get(f"{base(world)}/jobs/{job_id}")).status_code == 200  # jobs outlive requests


async def test_cancel_running_job(sandbox_http: httpx2.AsyncClient, world: World, clock: Clock) -> None:
    created = (await sandbox_http.post(f"{base(world)}/requests", json=one_time())).json()
    job_id = (await sandbox_http.get(f"{base(world)}/requests/{created['id']}/jobs")).json()["results"][0]["id"]
    clock.advance(seconds=2)
    assert (await sandbox_http.delete(f"{base(world)}/jobs/{job_id}")).status_code == 204
    clock.advance(minutes=5)
    job = (await sandbox_http.get(f"{base(world)}/jobs/{job_id}")).json()
    assert (job["status"], job["completionStatus"]) == ("complete", "cancelled")
    assert job["completedAt"] == iso(SANDBOX_TODAY + timedelta(seconds=2))
    assert (await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data-listing")).status_code == 404
    assert (await sandbox_http.delete(f"{base(world)}/jobs/{job_id}")).status_code == 400


async def test_list_jobs_filters(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    url = f"{base(world)}/jobs"
    failed = (await sandbox_http.get(url, params={"filter[completionStatus]": "failed"})).json()["results"]
    assert [j["createdAt"] for j in failed] == ["2026-09-14T06:00:00.000Z"]
    listing = await sandbox_http.get(f"{url}/{failed[0]['id']}/data-listing")
    assert listing.status_code == 404
    assert listing.json()["developerMessage"] == "The requested resource does not exist."
    school = world.projects[2]["id"]
    daily = (await sandbox_http.get(url, params={"projectId": school, "sort": "desc"})).json()
    assert daily["pagination"]["totalResults"] == 4
    assert daily["results"][0]["createdAt"] == "2026-09-04T02:00:00.000Z"
    assert (await sandbox_http.get(url, params={"filter[status]": "done"})).status_code == 400
    assert (await sandbox_http.get(url, params={"filter[createdAt]": "2026-09-01..2026-09-02"})).status_code == 400


async def _admin_snapshot_job(client: httpx2.AsyncClient, world: World) -> str:
    reqs = (await client.get(f"{base(world)}/requests", params={"filter[scheduleInterval]": "ONE_TIME"})).json()
    req_id = reqs["results"][0]["id"]
    return str((await client.get(f"{base(world)}/requests/{req_id}/jobs")).json()["results"][0]["id"])


async def test_data_listing_and_signed_download(sandbox_http: httpx2.AsyncClient, world: World, clock: Clock) -> None:
    job_id = await _admin_snapshot_job(sandbox_http, world)
    listing = (await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data-listing")).json()
    names = [f["name"] for f in listing]
    assert names == [
        "admin_companies.csv", "admin_projects.csv", "admin_users.csv", "admin_project_users.csv",
        "README.txt", "autodesk_data_extract.zip",
    ]  # fmt: skip
    assert all(set(f) == {"name", "createdAt", "size"} and isinstance(f["size"], int) for f in listing)

    r = await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data/admin_users.csv")
    assert r.status_code == 200
    signed = r.json()
    assert list(signed) == ["size", "name", "signedUrl"] and signed["size"] == listing[2]["size"]
    assert "/sandbox-files/data-connector/" in signed["signedUrl"]
    download = await sandbox_http.get(signed["signedUrl"], headers={"Authorization": ""})  # no token needed
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert int(download.headers["content-length"]) == len(download.content) == signed["size"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert rows[0]["first_name"] == world.users[0]["firstName"] and len(rows) == len(world.users)
    readme = await sandbox_http.get(
        (await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data/README.txt")).json()["signedUrl"]
    )
    assert "admin_users.csv" in readme.text and "  - first_name" in readme.text

    job = (await sandbox_http.get(f"{base(world)}/jobs/{job_id}")).json()
    assert job["lastDownloadedBy"] == world.users[0]["autodeskId"] and job["lastDownloadedAt"] == iso(clock.now)

    projects = (await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data/admin_projects.csv")).json()
    header = (await sandbox_http.get(projects["signedUrl"])).text.splitlines()[0]
    assert header.startswith("id,bim360_account_id,name,project_type")

    zipped = await sandbox_http.get(
        (await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data/{names[-1]}")).json()["signedUrl"]
    )
    assert zipped.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert archive.namelist() == names[:-1]
        assert archive.read("admin_users.csv") == download.content

    tampered = signed["signedUrl"].replace("Signature=", "Signature=0")
    assert (await sandbox_http.get(tampered)).status_code == 403
    assert (await sandbox_http.get(signed["signedUrl"].replace("admin_users", "admin_companies"))).status_code == 403
    clock.advance(seconds=61)
    expired = await sandbox_http.get(signed["signedUrl"])
    assert expired.status_code == 403 and b"expired" in expired.content
    assert (await sandbox_http.get(f"{base(world)}/jobs/{job_id}/data/nope.csv")).status_code == 404


async def test_clock_can_be_moved_from_another_process(sandbox_http: httpx2.AsyncClient) -> None:
    r = await sandbox_http.post("/_sandbox/data-connector/clock", json={"advanceSeconds": 3600})
    assert r.json()["now"] >= iso(SANDBOX_TODAY + timedelta(hours=1))


async def test_seeded_ids_repeat_but_new_ids_differ_per_sandbox(world: World) -> None:
    """The history is the same in every sandbox; what is created while one runs is its own."""
    made: list[tuple[set[str], str, str]] = []
    for _ in range(2):
        app = build_app(world)
        state = app.state.families["data_connector"]
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app),
            base_url="https://developer.api.autodesk.com",
            headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
        ) as http:
            seeded = set(state.requests) | set(state.jobs)
            created = (await http.post(f"{base(world)}/requests", json=one_time())).json()
            jobs = (await http.get(f"{base(world)}/requests/{created['id']}/jobs")).json()["results"]
        made.append((seeded, created["id"], jobs[0]["id"]))
    (seeded_a, request_a, job_a), (seeded_b, request_b, job_b) = made
    assert seeded_a == seeded_b
    assert request_a != request_b and job_a != job_b


@pytest.mark.parametrize("step_us", [0, 300])
async def test_requests_made_in_one_burst_sort_in_the_order_made(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World, clock: Clock, step_us: int
) -> None:
    """Within one millisecond (the clock standing still, or moving 0.3 ms a request) a tie on createdAt, which
    shows milliseconds, would fall to the requests' random ids: a flaky order."""
    ticking = clock.__call__

    def tick() -> datetime:
        clock.advance(microseconds=step_us)
        return ticking()

    state: DataConnectorState = sandbox_app.state.families["data_connector"]
    state.clock = tick
    url = f"{base(world)}/requests"
    made = [f"Burst {n}" for n in range(12)]
    for name in made:
        assert (await sandbox_http.post(url, json=one_time(description=name))).status_code == 201
    listed = (await sandbox_http.get(url, params={"sort": "asc", "limit": 50})).json()["results"]
    assert [x["description"] for x in listed if x["description"].startswith("Burst")] == made
    stamps = [x["createdAt"] for x in listed]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
