"""Data Connector (data-connector/v1): schedule bulk data extracts, and follow their jobs.

Creating a request is the one write in the default toolset. Its schedule rules are checked here before
anything is sent (ONE_TIME takes no interval and no end; a recurring schedule needs both), because each
job a request spawns counts against a limit of 24 jobs a day per account and per user: a mistake costs
the user a day's quota. A request identical to one created in the last ten minutes is refused unless the
model says it really wants a second one, so a retried tool call never doubles a schedule.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from ..errors import InvalidInput, RateLimited
from ..render import ShortId, short_day
from ..views import F, Record, View, ViewContext
from ..writes import Recent, check_duplicate, guarded_write, record
from .base import Param, ToolOutput, ToolSpec
from .listing import Quoted, check_date, run_record
from .lookups import Names, listing
from .refs import Finder, Ref, remember_ids, resolve, via_ref
from .runtime import Runtime, Scope
from .schedules import next_run, schedule
from .spec import GetSpec, ListSpec, tools

SERVICE_GROUPS = (
    "all",
    "activities",
    "admin",
    "assets",
    "checklists",
    "cost",
    "dailylogs",
    "forms",
    "iq",
    "issues",
    "locations",
    "markups",
    "meetingminutes",
    "photos",
    "relationships",
    "reviews",
    "rfis",
    "schedule",
    "sheets",
    "submittals",
    "submittalsacc",
    "transmittals",
)
"""Written out in the parameter's description rather than as a JSON enum: the same names at half the tokens."""
Schedule = Literal["ONE_TIME", "DAY", "WEEK", "MONTH", "YEAR"]
DUPLICATE_WINDOW = 600.0
LIMIT_NOTE = "Each job counts against Data Connector's limit of 24 jobs per 24 hours (per account and per user)."


NEWEST = {"sort": "desc", "sortFields": "createdAt"}
NO_REQUEST = "Call list_data_connector_requests for request ids."


# Active is the usual case: only the exception is written (and kept in the structured copy).
REQUEST = View(
    F("id", lambda r, _: ShortId(str(r.get("id")), "request"), "lead"),
    F("name", "description", "bare"),
    F("status", lambda r, _: None if r.get("isActive") else "inactive", "bare"),
    F("schedule", lambda r, _: schedule(r), "echo"),
    F("next", next_run),
    F(
        "services",
        lambda r, _: ["all services"] if r.get("serviceGroups") == ["all"] else r.get("serviceGroups"),
        "echo",
    ),
)
REQUEST_DETAIL = REQUEST.extend(
    F("status", lambda r, _: "active" if r.get("isActive") else "inactive", "bare"),
    F("from", lambda r, ctx: short_day(r.get("effectiveFrom"), ctx.today)),
    F(
        "to",
        lambda r, ctx: short_day(r.get("effectiveTo"), ctx.today) if r.get("scheduleInterval") != "ONE_TIME" else None,
    ),
    F("projects"),
)


def job_status(j: Record, *, success: bool = False) -> Any:
    """ "complete, failed"; a success said only with `success` (a list line marks just the exceptions)."""
    status, completion = j.get("status"), j.get("completionStatus")
    return f"{status}, {completion}" if completion and (success or completion != "success") else status


JOB = View(
    F("id", lambda j, _: ShortId(str(j.get("id")), "job"), "lead"),
    F("status", lambda j, _: job_status(j), "bare"),
    F("started", lambda j, ctx: short_day(j.get("startedAt") or j.get("createdAt"), ctx.today)),
    F("request", lambda j, ctx: ShortId(str(j.get("requestId")), "request", ctx.names.get(str(j.get("requestId"))))),
)


async def _request_names(rt: Runtime, scope: Scope) -> dict[str, str]:
    known = await listing(rt, "dc.requests.list", scope, params=NEWEST, want=1000, optional=True)
    return {str(r.get("id")): str(r.get("description")) for r in known if r.get("description")}


REQUEST_NAMES = Names(("dc.requests.list",), _request_names)
"""Request ids → descriptions: a job line names the request it ran for."""
REQUEST_REF = Ref(
    kind="request",
    placeholder="requestId",
    lister="list_data_connector_requests",
    prefix=Finder("dc.requests.list", "id", fixed=NEWEST),
    name=Finder("dc.requests.list", "description", fixed=NEWEST),
    label=lambda r: f"{str(r.get('id'))[:13]} {r.get('description') or ''}".strip(),
)


def _iso(name: str, value: str) -> str:
    text = check_date(name, value)
    return text + "T00:00:00.000Z" if len(text) == 10 else text


@contextmanager
def job_quota() -> Iterator[None]:
    """A 429 on a write that would spawn a job is the 24-jobs-a-day limit: say so, and when it frees up."""
    try:
        yield
    except RateLimited as exc:
        hours = f"about {math.ceil(exc.retry_after / 3600)} h" if exc.retry_after else "a while"
        raise RateLimited(
            f"Not done: Data Connector allows 24 jobs per 24 hours and this would start the 25th. "
            f"Try again in {hours}, or pass a later start.",
            retry_after=exc.retry_after,
        ) from None


def _groups(given: list[str] | None) -> list[str]:
    groups = list(dict.fromkeys(str(g).strip().lower() for g in given or []))
    if not groups:
        raise InvalidInput("service_groups: name at least one, e.g. ['issues', 'rfis'] (or ['all']).")
    if unknown := [g for g in groups if g not in SERVICE_GROUPS]:
        raise InvalidInput(f"service_groups: unknown {', '.join(unknown)}. Choose from {', '.join(SERVICE_GROUPS)}.")
    return groups


def visible(rt: Runtime, tool: str) -> bool:
    """Whether this server exposes `tool`, so a reply names only tools the model can call."""
    from . import select  # the package imports this module: looked up at call time

    return any(t.name == tool and not (t.write and rt.settings.read_only) for t in select(rt.settings.toolsets))


def follow_up(rt: Runtime, request_id: str) -> str:
    """How to follow a request's jobs, with a tool this server exposes."""
    if visible(rt, "get_data_connector_job"):
        return f"Follow it with get_data_connector_job(request='{request_id[:8]}', wait=30)."
    if visible(rt, "list_data_connector_jobs"):
        return f"Follow it with list_data_connector_jobs(request='{request_id[:8]}')."
    return "Its jobs can be followed with the data_connector toolset (ACC_TOOLSETS=default,data_connector)."


def build_request(args: dict[str, Any], project_ids: list[str], now: datetime) -> dict[str, Any]:
    """The request body, after checking the schedule rules of the reference."""
    schedule: str = args.get("schedule") or "ONE_TIME"
    every, end = args.get("every"), args.get("end")
    groups = _groups(args.get("service_groups"))
    if schedule == "ONE_TIME":
        if end:
            raise InvalidInput("end: a ONE_TIME request runs once and takes no end date; leave end out.")
        if every not in (None, 1):
            raise InvalidInput("every: a ONE_TIME request has no interval; leave every out or pick DAY/WEEK/….")
    else:
        if not every or every < 1:
            raise InvalidInput(
                f"every: a {schedule} schedule needs a whole number ≥ 1 (e.g. every=1 for each {schedule.lower()})."
            )
        if not end:
            raise InvalidInput(f"end: a recurring ({schedule}) schedule needs an end date (YYYY-MM-DD).")
    start = _iso("start", args["start"]) if args.get("start") else now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body: dict[str, Any] = {
        "description": args["description"],
        "isActive": True,
        "scheduleInterval": schedule,
        "effectiveFrom": start,
        "serviceGroups": groups,
    }
    if schedule != "ONE_TIME":
        body["reoccuringInterval"] = every
        body["effectiveTo"] = _iso("end", str(end))
        if body["effectiveTo"] <= start:
            raise InvalidInput(f"end ({end}) must be after start ({start[:10]}).")
    if project_ids:
        body["projectIdList"] = project_ids
    return body


async def create_request(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    projects = args.get("projects") or []
    if len(projects) > 50:
        raise InvalidInput(f"projects: at most 50 projects per request, got {len(projects)}. Split it in two.")
    project_ids = list(dict.fromkeys([await rt.project_id(p) for p in projects]))
    body = build_request(args, project_ids, rt.now())
    key = hashlib.sha256(json.dumps({k: v for k, v in body.items() if k != "effectiveFrom"}, sort_keys=True).encode())
    recent: Recent = rt.memo.setdefault("dc-writes", {})
    fingerprint, lister = key.hexdigest(), "list_data_connector_requests"
    if not visible(rt, lister):  # name it with how to turn it on
        lister += " (toolset data_connector: ACC_TOOLSETS=default,data_connector)"
    check_duplicate(
        recent, fingerprint, allow=bool(args.get("allow_duplicate")), window=DUPLICATE_WINDOW, lister=lister
    )
    with guarded_write(recent, fingerprint, lister=lister), job_quota():  # an unknown outcome arms the guard
        created = await rt.write(rt.call("dc.requests.create", Scope(account=account), json=body))
    record(recent, fingerprint, str(created.get("id")), window=DUPLICATE_WINDOW)
    created = {**created, "projects": len(project_ids) or "all the account's projects you can see"}
    remember_ids(rt, [REQUEST_DETAIL(created, ViewContext({}, rt.today()))])
    runs = (
        "once"
        if body["scheduleInterval"] == "ONE_TIME"
        else f"from {body['effectiveFrom'][:10]} to {body['effectiveTo'][:10]}"
    )
    note = (
        f"It runs {runs}; the first job starts at {body['effectiveFrom'][:16].replace('T', ' ')} UTC or now if "
        f"that has passed. {LIMIT_NOTE} {follow_up(rt, str(created.get('id')))}"
    )
    return await run_record(rt, created, header="Created Data Connector request.", view=REQUEST_DETAIL, note=note)


async def _target(rt: Runtime, args: dict[str, Any]) -> tuple[Scope, str]:
    scope = Scope(account=await rt.account_id())
    return scope, (await resolve(rt, scope, REQUEST_REF, args["request"])).id


def build_update(args: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body: only what the arguments change, each checked as for a new request."""
    body: dict[str, Any] = {}
    if args.get("active") is not None:
        body["isActive"] = bool(args["active"])
    if args.get("description"):
        body["description"] = args["description"]
    if args.get("schedule"):
        body["scheduleInterval"] = args["schedule"]
    if args.get("every") is not None:
        if args["every"] < 1:
            raise InvalidInput("every: a whole number >= 1 (e.g. every=1 for each day/week/month).")
        body["reoccuringInterval"] = args["every"]
    for name, key in (("start", "effectiveFrom"), ("end", "effectiveTo")):
        if args.get(name):
            body[key] = _iso(name, str(args[name]))
    if args.get("service_groups") is not None:
        body["serviceGroups"] = _groups(args["service_groups"])
    if not body:
        raise InvalidInput(
            "Nothing to change: pass active, description, schedule, every, start, end or service_groups."
        )
    return body


async def update_request(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope, request_id = await _target(rt, args)
    body = build_update(args)
    with job_quota():
        updated = await rt.write(rt.call("dc.requests.update", scope, json=body, ids={"requestId": request_id}))
    note = LIMIT_NOTE if body.get("isActive") or "scheduleInterval" in body else None
    return await run_record(rt, updated, header="Updated Data Connector request.", view=REQUEST_DETAIL, note=note)


async def delete_request(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope, request_id = await _target(rt, args)
    await rt.write(rt.call("dc.requests.delete", scope, ids={"requestId": request_id}))
    return ToolOutput(f"Deleted Data Connector request {request_id}; it spawns no more jobs.", {"deleted": request_id})


REQUEST_PARAM = Param("request", Quoted, "Id prefix or name.")
TOOLS = tools(
    ToolSpec(
        name="create_data_connector_request",
        description=(
            "Schedule a Data Connector extract (CSVs of the chosen services), once or recurring. "
            "Each run is a job; max 24 jobs a day."
        ),
        toolset="data_connector",
        default=True,
        write=True,
        params=[
            Param("description", str, "Name."),
            Param("service_groups", list[str], "Any of: " + " ".join(SERVICE_GROUPS)),
            Param("schedule", Schedule, "Or a recurring unit.", "ONE_TIME"),
            Param("every", int | None, "Recurring: every N units.", None),
            Param("start", str | None, "YYYY-MM-DD; default now.", None),
            Param("end", str | None, "Recurring: end date (required).", None),
            Param("projects", list[str] | None, "Max 50 names or ids; default all.", None),
            Param("allow_duplicate", bool, "Repeat an identical request.", False),
        ],
        run=create_request,
        calls=["dc.requests.create", "admin.projects.list"],
        not_found="Check ACC_ACCOUNT_ID, or call list_projects for project ids.",
    ),
    ListSpec(
        name="list_data_connector_requests",
        description="The account's Data Connector requests (scheduled extracts).",
        toolset="data_connector",
        endpoint="dc.requests.list",
        view=REQUEST,
        noun="requests",
        fixed=NEWEST,
        limit=None,
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    GetSpec(
        name="get_data_connector_request",
        description="One Data Connector request: schedule, services, projects.",
        toolset="data_connector",
        endpoint="dc.requests.get",
        view=REQUEST_DETAIL,
        header=lambda r: "Data Connector request.",
        ref=REQUEST_REF,
        ref_param=REQUEST_PARAM,
        not_found=NO_REQUEST,
    ),
    ToolSpec(
        name="update_data_connector_request",
        description="Change a Data Connector request: pause/resume (active), schedule, services, name.",
        toolset="data_connector",
        write=True,
        idempotent=True,
        params=[
            REQUEST_PARAM,
            Param("active", bool | None, "False pauses, true resumes.", None),
            Param("description", str | None, "New name.", None),
            Param("schedule", Schedule | None, "New unit.", None),
            Param("every", int | None, "Every N units.", None),
            Param("start", str | None, "YYYY-MM-DD.", None),
            Param("end", str | None, "YYYY-MM-DD.", None),
            Param("service_groups", list[str] | None, "Replaces the services.", None),
        ],
        run=update_request,
        calls=["dc.requests.update", *REQUEST_REF.calls],
        not_found=NO_REQUEST,
    ),
    ToolSpec(
        name="delete_data_connector_request",
        description="Delete a Data Connector request; it spawns no more jobs.",
        toolset="data_connector",
        write=True,
        destructive=True,
        idempotent=True,
        params=[REQUEST_PARAM],
        run=delete_request,
        calls=["dc.requests.delete", *REQUEST_REF.calls],
        not_found=NO_REQUEST,
    ),
    ListSpec(
        name="list_data_connector_jobs",
        description="Data Connector jobs (extract runs), newest first.",
        toolset="data_connector",
        endpoint="dc.jobs.list",
        routes={"request": "dc.request_jobs.list"},
        view=JOB,
        noun="jobs",
        params=[Param("request", str | None, "Request id or name.", None, to="{requestId}", via=via_ref(REQUEST_REF))],
        fixed={"sort": "desc"},
        names=(REQUEST_NAMES,),
        group="request",
        limit=None,
        not_found=NO_REQUEST,
    ),
)
