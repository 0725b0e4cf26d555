"""Data Connector's requests and jobs: schedules, the rate limit, job lifecycles on the sandbox clock.

A job's status is derived from its timestamps and the state's clock on every read, never stored, so it cannot
go stale; requests spawn the runs that have fallen due whenever `tick` is called. What a finished job produces
is in `data_connector_extract.py`; the HTTP side (validation, listings, routes) in `data_connector.py`.
"""

from __future__ import annotations

import calendar
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .data_connector_extract import (
    LARGE_FILE_SIZE,
    SERVICE_GROUPS,
    ExtractFile,
    Scope,
    build_extract,
    large_issues_file,
)
from .http import ApiError, parse_datetime
from .world import World, iso, make_uuid

__all__ = ["LARGE_FILE_SIZE", "SERVICE_GROUPS", "ExtractFile", "Scope", "large_issues_file"]  # the HTTP side and tests

JOB_LIMIT = 24
JOB_WINDOW = timedelta(hours=24)
"""The rate limit: at most JOB_LIMIT jobs per account, and per user, in any JOB_WINDOW."""


# Requests, jobs and their clock -----------------------------------------------------------------------


@dataclass
class DcRequest:
    """A data request: its public record plus where its schedule stands (run k is anchor + k intervals)."""

    fields: dict[str, Any]
    anchor: datetime | None = None
    next_k: int | None = 0
    runs: int = 0


@dataclass
class Job:
    """A spawned job; `spec` is the request as it was at spawn time, so the job outlives its request."""

    id: str
    spec: dict[str, Any]
    created_at: datetime
    queued_for: timedelta
    runs_for: timedelta
    outcome: str = "success"
    cancelled_at: datetime | None = None
    last_downloaded_by: str | None = None
    last_downloaded_at: datetime | None = None
    large: bool = False
    files: list[ExtractFile] | None = None


@dataclass
class DataConnectorState:
    world: World
    user: dict[str, Any]
    """Whom the sandbox token stands for: the account's first user (account admin, executive overview)."""
    clock: Callable[[], datetime]
    secret: bytes
    rng: random.Random
    requests: dict[str, DcRequest] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    queued_for: timedelta = timedelta(seconds=1)
    runs_for: timedelta = timedelta(seconds=4)
    offset: timedelta = timedelta(0)
    live: bool = False
    """Seeding done: ids of requests and jobs made from now on are random, so two sandboxes never share one."""
    last_created: datetime | None = None

    def creation(self, at: datetime) -> datetime:
        """When a request made at `at` is created: once live, a millisecond after the last at least, so that
        requests made in one burst sort in the order they were made (a tie would fall to their random ids)."""
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)  # what the timestamp shows: milliseconds
        if self.live and self.last_created is not None and at <= self.last_created:
            at = self.last_created + timedelta(milliseconds=1)
        self.last_created = at
        return at

    def new_id(self) -> str:
        """A fresh UUID: from the seeded stream while the history is replayed (deterministic), random after."""
        return str(uuid.uuid4()) if self.live else make_uuid(self.rng)

    def now(self) -> datetime:
        return self.clock() + self.offset


# Scheduling and the rate limit ------------------------------------------------------------------------


def _add(anchor: datetime, unit: str, count: int) -> datetime:
    if unit in ("DAY", "WEEK"):
        return anchor + timedelta(days=count * (7 if unit == "WEEK" else 1))
    years, month0 = divmod(anchor.month - 1 + count * (12 if unit == "YEAR" else 1), 12)
    year, month = anchor.year + years, month0 + 1
    return anchor.replace(year=year, month=month, day=min(anchor.day, calendar.monthrange(year, month)[1]))


def run_time(req: DcRequest, k: int) -> datetime | None:
    f = req.fields
    if req.anchor is None or (f["scheduleInterval"] == "ONE_TIME" and k > 0):
        return None
    at = req.anchor if k == 0 else _add(req.anchor, f["scheduleInterval"], k * f["reoccuringInterval"])
    return None if f["effectiveTo"] and at > parse_datetime(f["effectiveTo"]) else at


def reschedule(req: DcRequest, now: datetime) -> None:
    """After create, activation or a schedule change: a fresh start, or resume skipping runs already missed."""
    if not req.fields["isActive"]:
        return
    start = parse_datetime(req.fields["effectiveFrom"])
    if req.runs == 0 or start > now:
        req.anchor, req.next_k = max(start, now), 0
        return
    k = 1
    while (at := run_time(req, k)) is not None and at <= now:
        k += 1
    req.next_k = None if at is None else k


def limit_error(state: DataConnectorState, at: datetime, user_id: str) -> ApiError | None:
    window = [j for j in state.jobs.values() if at - JOB_WINDOW < j.created_at <= at]
    mine = [j for j in window if j.spec["createdBy"] == user_id]
    for who, jobs in (("user", mine), ("account", window)):
        if len(jobs) >= JOB_LIMIT:
            wait = min(j.created_at for j in jobs) + JOB_WINDOW - at
            return ApiError(
                429,
                f"Rate limit exceeded: a {who} can create at most {JOB_LIMIT} Data Connector jobs in 24 hours.",
                code="TOO_MANY_REQUESTS",
                headers={"Retry-After": str(max(1, math.ceil(wait.total_seconds())))},
            )
    return None


def check_due(state: DataConnectorState, req: DcRequest, now: datetime) -> None:
    """429 when saving `req` would spawn a job right now that the rate limit forbids."""
    at = run_time(req, req.next_k) if req.fields["isActive"] and req.next_k is not None else None
    if at is not None and at <= now and (error := limit_error(state, now, req.fields["createdBy"])):
        raise error


def spawn(state: DataConnectorState, req: DcRequest, at: datetime) -> Job:
    job = Job(state.new_id(), dict(req.fields), at, state.queued_for, state.runs_for)
    state.jobs[job.id] = job
    req.runs += 1
    req.fields["lastQueuedAt"] = iso(at)
    return job


def tick(state: DataConnectorState, now: datetime) -> None:
    """Spawn every run that has fallen due; runs over the rate limit are skipped, as a scheduler would."""
    for req in state.requests.values():
        while req.fields["isActive"] and req.next_k is not None:
            at = run_time(req, req.next_k)
            if at is None:  # past effectiveTo, or a ONE_TIME request that has run
                req.next_k = None
            if at is None or at > now:
                break
            if limit_error(state, at, req.fields["createdBy"]) is None:
                spawn(state, req, at)
            req.next_k = (req.next_k or 0) + 1


# Views ------------------------------------------------------------------------------------------------


def phase(job: Job, now: datetime) -> tuple[str, str | None, datetime | None, datetime | None, int]:
    """status, completionStatus, startedAt, completedAt, progress: all derived from the clock."""
    start = job.created_at + job.queued_for
    end = start + job.runs_for
    stop = job.cancelled_at or now
    progress = min(99, max(0, int(100 * (stop - start) / job.runs_for))) if stop >= start else 0
    if job.cancelled_at is not None:
        return "complete", "cancelled", start if job.cancelled_at >= start else None, job.cancelled_at, progress
    if now < start:
        return "queued", None, None, None, 0
    if now < end:
        return "running", None, start, None, progress
    return "complete", job.outcome, start, end, 100 if job.outcome == "success" else progress


def job_view(job: Job, now: datetime) -> dict[str, Any]:
    status, completion, started, completed, progress = phase(job, now)
    s = job.spec
    ids = s["projectIdList"]
    return {
        "id": job.id,
        "requestId": s["id"],
        "accountId": s["accountId"],
        "projectId": s["projectId"] or (ids[0] if len(ids) == 1 else None),
        "projectIdList": ids,
        "createdBy": s["createdBy"],
        "createdByEmail": s["createdByEmail"],
        "createdAt": iso(job.created_at),
        "status": status,
        "completionStatus": completion,
        "startedAt": iso(started) if started else None,
        "completedAt": iso(completed) if completed else None,
        "sendEmail": s["sendEmail"],
        "progress": progress,
        "lastDownloadedBy": job.last_downloaded_by,
        "lastDownloadedAt": iso(job.last_downloaded_at) if job.last_downloaded_at else None,
        "startDate": s["startDate"],
        "endDate": s["endDate"],
    }


def extract_files(state: DataConnectorState, job: Job, now: datetime) -> list[ExtractFile]:
    """The extract of a successfully completed job (built once, on first use), else 404 as the reference says."""
    status, completion, _, completed, _ = phase(job, now)
    if status != "complete" or completion != "success" or completed is None:
        raise ApiError(404, "The requested resource does not exist.")
    if job.files is None:
        world = state.world
        ids = job.spec["projectIdList"]
        projects = [p for p in world.projects if not ids or p["id"] in ids]
        if job.spec["projectStatus"] != "all":
            projects = [p for p in projects if p["status"] == job.spec["projectStatus"]]
        scope = Scope(job.id, job.spec["serviceGroups"], projects, completed)
        job.files = large_issues_file(world, scope) if job.large else build_extract(world, scope)
    return job.files


# The seeded history (replayed by data_connector.seed) ---------------------------------------------------

HISTORY: tuple[dict[str, Any], ...] = (
    {
        "description": "Weekly issues + RFIs extract",
        "scheduleInterval": "WEEK", "reoccuringInterval": 1, "serviceGroups": ["issues", "rfis"], "projects": (0, 1),
        "effectiveFrom": "2026-08-03T06:00:00Z", "effectiveTo": "2027-08-02T06:00:00Z",
        "createdAt": "2026-07-30T16:20:41Z", "failed": (6,),
        "callbackUrl": "https://hooks.harborstone.example/acc/data-connector",
    },
    {
        "description": "Monthly full account extract",
        "scheduleInterval": "MONTH", "reoccuringInterval": 1, "serviceGroups": ["all"], "projects": (),
        "effectiveFrom": "2026-06-01T00:00:00Z", "effectiveTo": "2027-05-31T23:59:59Z",
        "createdAt": "2026-05-28T10:02:13Z", "sendEmail": False,
    },
    {
        "description": "Daily locations + submittals (paused)",
        "scheduleInterval": "DAY", "reoccuringInterval": 1, "serviceGroups": ["locations", "submittals"],
        "projects": (2,), "effectiveFrom": "2026-09-01T02:00:00Z", "effectiveTo": "2026-12-31T02:00:00Z",
        "createdAt": "2026-08-31T21:05:09Z", "pausedAt": "2026-09-04T18:30:00Z",
    },
    {
        "description": "Account admin snapshot", "scheduleInterval": "ONE_TIME", "serviceGroups": ["admin"],
        "projects": (), "effectiveFrom": "2026-10-20T14:12:31Z", "createdAt": "2026-10-20T14:12:31Z",
        "projectStatus": "active",
    },
)  # fmt: skip
LARGE_HISTORY = {
    "description": "All projects issues history (benchmark)", "scheduleInterval": "ONE_TIME",
    "serviceGroups": ["issues"], "projects": (), "effectiveFrom": "2026-11-01T09:00:00Z",
    "createdAt": "2026-11-01T09:00:00Z", "large": True,
}  # fmt: skip
