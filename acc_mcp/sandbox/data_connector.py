"""Data Connector (data-connector v1): data requests, the jobs they spawn, and the extracts jobs produce.

Time: everything runs on `DataConnectorState.now()`, which is `clock() + offset`. By default `clock` starts at
SANDBOX_TODAY when the sandbox is built and then follows real time, so a new job is `queued` for
`queued_for` (1 s), `running` for `runs_for` (4 s, with `progress` rising), then `complete`. Real extracts
take minutes; the sandbox compresses that so a demo can watch a job finish. Tests replace `clock` with a
fixed or steerable one; another process can move time with `POST /_sandbox/data-connector/clock`.
A job's status is derived from its timestamps on every read, never stored, so it cannot go stale.

Scheduling: a request's first run is at max(effectiveFrom, the moment it became active), then every
`reoccuringInterval` x `scheduleInterval` until effectiveTo. Runs fall due lazily: every call first
spawns the runs whose time has come. Rate limit: at most 24 jobs per account and 24 per user in any
24 hours; a create or update that would spawn a job beyond it is a 429 with Retry-After (seconds until
the oldest job in the window ages out), and a scheduled run beyond it is skipped.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from .data_connector_data import (
    HISTORY,
    LARGE_HISTORY,
    DataConnectorState,
    DcRequest,
    Job,
    check_due,
    extract_files,
    job_view,
    phase,
    reschedule,
    tick,
)
from .data_connector_validate import INTERVALS, validate
from .engine import Ctx, Get, Handle, List, Row, mount
from .http import ApiError, json_body, ok, parse_datetime, require_account, s3_error, state_of
from .sorting import order, parse_fields
from .world import SANDBOX_TODAY, World, iso

URL_TTL = 60
"""Seconds a signed download URL stays valid (per the reference)."""
MAX_LIMIT = 100
REQUEST_KEYS = (
    "id", "description", "isActive", "accountId", "projectId", "projectIdList", "createdBy", "createdByEmail",
    "createdAt", "updatedBy", "updatedAt", "scheduleInterval", "reoccuringInterval", "effectiveFrom", "effectiveTo",
    "lastQueuedAt", "serviceGroups", "callbackUrl", "sendEmail", "startDate", "endDate", "dateRange", "projectStatus",
)  # fmt: skip
PATCHABLE = (
    "isActive", "description", "scheduleInterval", "reoccuringInterval", "effectiveFrom", "effectiveTo",
    "serviceGroups", "callbackUrl", "sendEmail", "projectId", "projectIdList", "startDate", "endDate",
)  # fmt: skip
REQUEST_SORT_FIELDS = (
    "isActive", "accountId", "createdBy", "createdByEmail", "createdAt", "updatedBy", "updatedAt", "scheduleInterval",
    "reoccuringInterval", "effectiveFrom", "effectiveTo", "startDate", "endDate",
)  # fmt: skip
JOB_SORT_FIELDS = (
    "projectId", "createdBy", "createdByEmail", "createdAt", "status", "completionStatus", "startedAt", "completedAt",
    "startDate", "endDate",
)  # fmt: skip
SCHEDULE_KEYS = {"isActive", "scheduleInterval", "reoccuringInterval", "effectiveFrom", "effectiveTo"}
REQUEST_FILTERS = {"projectId": "project", "createdAt": "range", "updatedAt": "range", "isActive": "bool"}
REQUEST_FILTERS |= {"scheduleInterval": "|".join(INTERVALS), "reocurringInterval": "int", "reoccuringInterval": "int"}
REQUEST_FILTERS |= {"effectiveFrom": "date", "effectiveTo": "date", "startDate": "date", "endDate": "date"}
JOB_FILTERS = {"projectId": "project", "createdAt": "range", "status": "queued|running|complete"}
JOB_FILTERS |= {"completionStatus": "success|failed|cancelled", "startedAt": "range", "completedAt": "range"}
JOB_FILTERS |= {"startDate": "date", "endDate": "date"}


# Listing helpers --------------------------------------------------------------------------------------


def _filters(request: Request, allowed: dict[str, str]) -> list[tuple[str, str, str]]:
    """`filter[field]=value` pairs as (field, kind, value); one value per field, as the reference requires."""
    out: list[tuple[str, str, str]] = []
    for key, value in request.query_params.multi_items():
        if not (key.startswith("filter[") and key.endswith("]")):
            continue
        name = key[7:-1]
        if name not in allowed:
            raise ApiError(400, f"Cannot filter by {name!r}. Filterable fields: {', '.join(allowed)}.")
        if "," in value or any(n == name for n, _, _ in out):
            raise ApiError(400, f"filter[{name}] takes a single value; multiple values of one field are not allowed.")
        out.append((name, allowed[name], value))
    return out


def _match(item: dict[str, Any], name: str, kind: str, value: str) -> bool:
    field_name = "reoccuringInterval" if name == "reocurringInterval" else name
    have = item.get(field_name)
    if kind == "project":
        pid = value.removeprefix("b.")
        return value == "null" or have == pid or pid in item.get("projectIdList", [])
    if kind == "bool":
        if value not in ("true", "false"):
            raise ApiError(400, f"filter[{name}] must be true or false.")
        return have is (value == "true")
    if kind == "int":
        if not value.isdigit():
            raise ApiError(400, f"filter[{name}] must be an integer.")
        return have == int(value)
    if kind in ("range", "date"):
        if have is None:
            return False
        at = parse_datetime(have)
        if ".." not in value:
            want = parse_datetime(value, name=f"filter[{name}]")
            return at.date() == want.date() if len(value) == 10 else at == want
        if kind != "range":
            raise ApiError(400, f"filter[{name}] does not accept a date range.")
        low, _, high = value.partition("..")
        for bound in (low, high):
            if bound and "T" not in bound:
                raise ApiError(400, f"filter[{name}]: range bounds need a time, e.g. 2026-11-01T00:00:00.000Z.")
        return (not low or at >= parse_datetime(low, name=f"filter[{name}]")) and (
            not high or at <= parse_datetime(high, name=f"filter[{name}]")
        )
    options = kind.split("|")
    if value not in options:
        raise ApiError(400, f"filter[{name}] must be one of {', '.join(options)}.")
    return bool(have == value)


def _order(request: Request, items: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """`sort` (asc/desc) orders by createdAt; `sortFields` (a,-b) takes precedence, and, unlike the other
    families, ignores names it does not know: the reference lists the sortable fields but not an error."""
    sort = request.query_params.get("sort", "asc").lower()
    if sort not in ("asc", "desc"):
        raise ApiError(400, f"sort must be asc or desc, got {sort!r}.")
    rules = [r for r in parse_fields(request.query_params.get("sortFields", "")) if r[0] in fields]
    return order(items, [*rules, ("createdAt", sort == "desc"), ("id", sort == "desc")])


@dataclass(frozen=True)
class Filters:
    """Data Connector's `filter[field]=value`: one value per field, each field of a declared kind."""

    kinds: dict[str, str]

    def apply(self, request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for name, kind, value in _filters(request, self.kinds):
            items = [i for i in items if _match(i, name, kind, value)]
        return items


@dataclass(frozen=True)
class Order:
    fields: tuple[str, ...]

    def apply(self, ctx: Ctx, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _order(ctx.request, items, self.fields)


@dataclass
class DcCtx(Ctx):
    now: datetime = SANDBOX_TODAY
    """The Data Connector clock, read once per request after the runs that fell due were spawned."""


def in_dc(request: Request, state: DataConnectorState) -> Ctx:
    require_account(request)
    now = state.now()
    tick(state, now)
    return DcCtx(request, request.app.state.world, state, None, now)


def _jobs(c: Ctx, request_id: str | None = None) -> list[dict[str, Any]]:
    """Every job (of one request), as of now; the account-wide list also takes a top-level `projectId`."""
    now = cast(DcCtx, c).now
    jobs = [job_view(j, now) for j in c.state.jobs.values() if request_id in (None, j.spec["id"])]
    project = c.request.query_params.get("projectId") if request_id is None else None
    return [j for j in jobs if _match(j, "projectId", "project", project)] if project else jobs


def _listing(
    key: str, source: Callable[[Ctx], list[dict[str, Any]]], kinds: dict[str, str], sort: tuple[str, ...]
) -> List:
    """Data Connector lists: limit/offset (default 20, at most 100, as the service answers), no next URLs."""
    return List(key, source, filters=[Filters(kinds)], sort=Order(sort), open=in_dc, links=False, max_limit=MAX_LIMIT)


# Handlers ---------------------------------------------------------------------------------------------


def _ctx(request: Request) -> tuple[DataConnectorState, datetime]:
    require_account(request)
    state: DataConnectorState = state_of(request, "data_connector")
    now = state.now()
    tick(state, now)
    return state, now


def _request(state: DataConnectorState, request: Request) -> DcRequest:
    request_id = request.path_params["requestId"]
    if (req := state.requests.get(request_id)) is None:
        raise ApiError(404, f"Data request {request_id} not found.")
    return req


def _job(state: DataConnectorState, request: Request) -> Job:
    job_id = request.path_params["jobId"]
    if (job := state.jobs.get(job_id)) is None:
        raise ApiError(404, f"Job {job_id} not found.")
    return job


def _new_request(state: DataConnectorState, attrs: dict[str, Any], at: datetime) -> DcRequest:
    user, stamp = state.user, iso(state.creation(at))
    record = {"id": state.new_id(), "accountId": state.world.account_id, "lastQueuedAt": None, **attrs}
    record |= {"createdBy": user["autodeskId"], "createdByEmail": user["email"], "createdAt": stamp}
    record |= {"updatedBy": user["autodeskId"], "updatedAt": stamp}
    return DcRequest({k: record[k] for k in REQUEST_KEYS})


def _save(state: DataConnectorState, req: DcRequest, now: datetime, new_schedule: bool) -> None:
    """Store a created or updated request (unless its immediate run would break the rate limit), then run it."""
    if new_schedule:
        reschedule(req, now)
    check_due(state, req, now)
    state.requests[req.fields["id"]] = req
    tick(state, now)


async def create_request(request: Request) -> Response:
    state, now = _ctx(request)
    req = _new_request(state, validate(await json_body(request), state.world), now)
    _save(state, req, now, new_schedule=True)
    return ok(req.fields, 201)


async def update_request(request: Request) -> Response:
    state, now = _ctx(request)
    current = _request(state, request)
    patch = {k: v for k, v in (await json_body(request)).items() if k in PATCHABLE}
    merged = dict(current.fields)
    if "projectId" in patch or "projectIdList" in patch:
        merged["projectId"], merged["projectIdList"] = patch.pop("projectId", None), patch.pop("projectIdList", None)
    merged.update(patch)
    attrs = validate(merged, state.world)
    user = state.user
    fields = {**current.fields, **attrs, "updatedBy": user["autodeskId"], "updatedAt": iso(now)}
    req = DcRequest(fields, current.anchor, current.next_k, current.runs)
    reactivated = fields["isActive"] and not current.fields["isActive"]
    _save(state, req, now, new_schedule=reactivated or bool(SCHEDULE_KEYS & patch.keys()))
    return ok(req.fields)


async def delete_request(request: Request) -> Response:
    state, _ = _ctx(request)
    del state.requests[_request(state, request).fields["id"]]
    return Response(status_code=204)


async def cancel_job(request: Request) -> Response:
    state, now = _ctx(request)
    job = _job(state, request)
    status, completion, *_ = phase(job, now)
    if status == "complete":
        raise ApiError(400, f"Job {job.id} has already completed ({completion}) and cannot be cancelled.")
    job.cancelled_at = now
    return Response(status_code=204)


async def data_listing(request: Request) -> Response:
    state, now = _ctx(request)
    job = _job(state, request)
    created = job_view(job, now)["completedAt"]
    return ok([{"name": f.name, "createdAt": created, "size": f.size} for f in extract_files(state, job, now)])


def _signature(state: DataConnectorState, job_id: str, name: str, expires: str) -> str:
    return hmac.new(state.secret, f"{job_id}/{name}:{expires}".encode(), hashlib.sha256).hexdigest()


async def data_file(request: Request) -> Response:
    state, now = _ctx(request)
    job = _job(state, request)
    name = request.path_params["name"]
    file = next((f for f in extract_files(state, job, now) if f.name == name), None)
    if file is None:
        raise ApiError(404, f"File {name} is not part of job {job.id}'s data extract.")
    expires = str(int(now.timestamp()) + URL_TTL)
    base = str(request.base_url).rstrip("/")
    signature = _signature(state, job.id, name, expires)
    url = f"{base}/sandbox-files/data-connector/{job.id}/{quote(name)}?Expires={expires}&Signature={signature}"
    job.last_downloaded_by, job.last_downloaded_at = state.user["autodeskId"], now
    return ok({"size": file.size, "name": file.name, "signedUrl": url})


async def download(request: Request) -> Response:
    """The signed URL's target (S3 in real APS): no bearer token, but a valid, unexpired signature."""
    state: DataConnectorState = state_of(request, "data_connector")
    job_id, name = request.path_params["jobId"], request.path_params["name"]
    expires, given = request.query_params.get("Expires", ""), request.query_params.get("Signature", "")
    expected = _signature(state, job_id, name, expires)
    if not expires.isdigit() or not hmac.compare_digest(given.encode(), expected.encode()):
        return s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    now = state.now()
    if int(expires) < now.timestamp():
        return s3_error(403, "AccessDenied", "Request has expired")
    job = state.jobs.get(job_id)
    try:
        file = next((f for f in extract_files(state, job, now) if f.name == name), None) if job else None
    except ApiError:  # the job was cancelled or failed after the URL was issued
        file = None
    if file is None:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.")
    headers = {"Content-Length": str(file.size), "Content-Disposition": f'attachment; filename="{name}"'}
    if file.stream is not None:
        return StreamingResponse(file.stream(), media_type=file.content_type, headers=headers)
    return Response(file.body, media_type=file.content_type, headers=headers)


async def steer_clock(request: Request) -> Response:
    """`POST {"advanceSeconds": n}` moves the Data Connector clock (for a sandbox in another process)."""
    state: DataConnectorState = state_of(request, "data_connector")
    if request.method == "POST":
        seconds = (await json_body(request)).get("advanceSeconds", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ApiError(400, "advanceSeconds must be a number.")
        state.offset += timedelta(seconds=seconds)
    return ok({"now": iso(state.now())})


ROWS: list[Row] = [
    Handle("dc.requests.create", create_request),
    _listing(
        "dc.requests.list",
        lambda c: [r.fields for r in c.state.requests.values()],
        REQUEST_FILTERS,
        REQUEST_SORT_FIELDS,
    ),
    Get("dc.requests.get", lambda c: _request(c.state, c.request).fields, open=in_dc),
    Handle("dc.requests.update", update_request),
    Handle("dc.requests.delete", delete_request),
    _listing("dc.request_jobs.list", lambda c: _jobs(c, _request(c.state, c.request).fields["id"]), {}, ()),
    _listing("dc.jobs.list", _jobs, JOB_FILTERS, JOB_SORT_FIELDS),
    Get("dc.jobs.get", lambda c: job_view(_job(c.state, c.request), cast(DcCtx, c).now), open=in_dc),
    Handle("dc.jobs.cancel", cancel_job),
    Handle("dc.job_data.list", data_listing),
    Handle("dc.job_data.get", data_file),
]


def routes() -> list[BaseRoute]:
    return [
        *mount("data_connector", ROWS),
        Route("/sandbox-files/data-connector/{jobId}/{name}", download, methods=["GET"]),
        Route("/_sandbox/data-connector/clock", steer_clock, methods=["GET", "POST"]),
    ]


def _seed_request(state: DataConnectorState, spec: dict[str, Any]) -> None:
    """Replay one request's history up to SANDBOX_TODAY with realistic (minutes-long) job durations."""
    world, rng = state.world, state.rng
    body = {**spec, "projectIdList": [world.projects[i]["id"] for i in spec["projects"]]}
    created = parse_datetime(spec["createdAt"])
    req = _new_request(state, validate(body, world), created)
    reschedule(req, created)
    state.requests[req.fields["id"]] = req
    until = parse_datetime(spec.get("pausedAt", iso(SANDBOX_TODAY)))
    before = set(state.jobs)
    tick(state, until)
    for n, job in enumerate(j for j in state.jobs.values() if j.id not in before):
        job.queued_for = timedelta(seconds=rng.randint(8, 90))
        job.runs_for = timedelta(minutes=rng.randint(6, 28), seconds=rng.randint(0, 59))
        job.outcome = "failed" if n in spec.get("failed", ()) else "success"
        job.large = bool(spec.get("large"))
        if job.outcome == "success" and n % 3 == 0:
            job.last_downloaded_by = state.user["autodeskId"]
            downloaded = job.created_at + job.queued_for + job.runs_for + timedelta(hours=2)
            job.last_downloaded_at = min(downloaded, SANDBOX_TODAY)
    if "pausedAt" in spec:
        req.fields |= {"isActive": False, "updatedAt": iso(until)}


def seed(world: World) -> DataConnectorState:
    """Fresh state with weeks of history; a large world adds the job whose extract holds the 1 GiB CSV."""
    started = time.monotonic()
    state = DataConnectorState(
        world=world,
        user=world.users[0],
        clock=lambda: SANDBOX_TODAY + timedelta(seconds=time.monotonic() - started),
        secret=hashlib.sha256(f"{world.seed}:data-connector-signing".encode()).digest(),
        rng=world.rng("data_connector"),
    )
    for spec in (*HISTORY, LARGE_HISTORY) if world.large else HISTORY:
        _seed_request(state, spec)
    state.live = True
    return state
