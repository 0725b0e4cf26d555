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
from datetime import UTC, datetime
from typing import Any, Literal

from ..errors import InvalidInput
from ..paging import Call, OffsetPaging, collect
from ..render import Row, ShortId, plain, render_record, short_day
from ..writes import Recent, check_duplicate, guarded_write, record
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, ViewContext, check_date, remember_ids, resolve_id, run_list
from .runtime import Runtime

BASE = "/data-connector/v1/accounts/{account}"
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


PAGING = OffsetPaging(max_page=100)
_EVERY = {"DAY": "daily", "WEEK": "weekly", "MONTH": "monthly", "YEAR": "yearly"}


def _schedule(r: dict[str, Any]) -> str:
    unit, every = str(r.get("scheduleInterval")), r.get("reoccuringInterval") or 1
    if unit == "ONE_TIME":
        return "once"
    return _EVERY.get(unit, unit.lower()) if every == 1 else f"every {every} {unit.lower()}s"


def _request_row(r: dict[str, Any], ctx: ViewContext) -> Row:
    # Active is the usual case: only the exception is written (and kept in the structured copy).
    return {
        "id": ShortId(str(r.get("id")), "request"),
        "name": r.get("description"),
        "status": None if r.get("isActive") else "inactive",
        "schedule": _schedule(r),
        "services": ["all services"] if r.get("serviceGroups") == ["all"] else r.get("serviceGroups"),
    }


def _request_detail(r: dict[str, Any], ctx: ViewContext) -> Row:
    recurring = r.get("scheduleInterval") != "ONE_TIME"
    return {
        **_request_row(r, ctx),
        "status": "active" if r.get("isActive") else "inactive",
        "from": short_day(r.get("effectiveFrom"), ctx.today),
        "to": short_day(r.get("effectiveTo"), ctx.today) if recurring else None,
    }


def _job_row(j: dict[str, Any], ctx: ViewContext) -> Row:
    status, completion = j.get("status"), j.get("completionStatus")
    request = str(j.get("requestId"))
    return {
        "id": ShortId(str(j.get("id")), "job"),
        "status": f"{status}, {completion}" if completion not in (None, "success") else status,
        "started": short_day(j.get("startedAt") or j.get("createdAt"), ctx.today),
        "request": ShortId(request, "request", ctx.names.get(request)),
    }


async def requests(rt: Runtime, account: str) -> list[dict[str, Any]]:
    """The account's requests, newest first (a short list: a few per team, each one schedules many jobs)."""
    call = Call("GET", rt.client.url(f"{BASE}/requests", account=account), {"sort": "desc", "sortFields": "createdAt"})
    return (await collect(rt.fetch, PAGING, call, want=1000)).items


async def request_id(rt: Runtime, value: str, known: list[dict[str, Any]]) -> str:
    """A request id from the id, the prefix a list showed, or part of its description."""

    async def listing() -> list[dict[str, Any]]:
        return known

    return await resolve_id(
        rt, value, kind="request", listing=listing, lister="list_data_connector_requests", name_key="description"
    )


def _iso(name: str, value: str) -> str:
    text = check_date(name, value)
    return text + "T00:00:00.000Z" if len(text) == 10 else text


def build_request(args: dict[str, Any], project_ids: list[str], now: datetime) -> dict[str, Any]:
    """The request body, after checking the schedule rules of the reference."""
    schedule: str = args.get("schedule") or "ONE_TIME"
    every, end = args.get("every"), args.get("end")
    groups = list(dict.fromkeys(str(g).strip().lower() for g in args.get("service_groups") or []))
    if not groups:
        raise InvalidInput("service_groups: name at least one, e.g. ['issues', 'rfis'] (or ['all']).")
    if unknown := [g for g in groups if g not in SERVICE_GROUPS]:
        raise InvalidInput(f"service_groups: unknown {', '.join(unknown)}. Choose from {', '.join(SERVICE_GROUPS)}.")
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
    body = build_request(args, project_ids, datetime.now(UTC))
    key = hashlib.sha256(json.dumps({k: v for k, v in body.items() if k != "effectiveFrom"}, sort_keys=True).encode())
    recent: Recent = rt.memo.setdefault("dc-writes", {})
    lister = "list_data_connector_requests"
    check_duplicate(
        recent, key.hexdigest(), allow=bool(args.get("allow_duplicate")), window=DUPLICATE_WINDOW, lister=lister
    )
    with guarded_write(recent, key.hexdigest(), lister=lister):  # an unknown outcome arms the guard
        created = await rt.client.request(
            "POST", rt.client.url(f"{BASE}/requests", account=account), json=body, idempotent=False
        )
    record(recent, key.hexdigest(), str(created.get("id")))
    row = _request_detail(created, ViewContext({}, rt.today()))
    row["projects"] = len(project_ids) or "all the account's projects you can see"
    remember_ids(rt, [row])
    text = render_record("Created Data Connector request.", row, budget=rt.settings.max_result_tokens)
    runs = (
        "once"
        if body["scheduleInterval"] == "ONE_TIME"
        else f"from {body['effectiveFrom'][:10]} to {body['effectiveTo'][:10]}"
    )
    text += (
        f"\nIt runs {runs}; the first job starts at {body['effectiveFrom'][:16].replace('T', ' ')} UTC or now if "
        f"that has passed. {LIMIT_NOTE} Follow it with list_data_connector_jobs(request='{created.get('id')}')."
    )
    return ToolOutput(text, plain(row))


async def list_requests(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    call = Call("GET", rt.client.url(f"{BASE}/requests", account=account), {"sort": "desc", "sortFields": "createdAt"})
    return await run_list(
        rt,
        args,
        tool="list_data_connector_requests",
        paging=PAGING,
        call=call,
        view=_request_row,
        noun="requests",
    )


async def list_jobs(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    known = await requests(rt, account)
    if args.get("request"):
        rid = await request_id(rt, str(args["request"]), known)
        url = rt.client.url(f"{BASE}/requests/{{r}}/jobs", account=account, r=rid)
    else:
        url = rt.client.url(f"{BASE}/jobs", account=account)
    call = Call("GET", url, {"sort": "desc"})
    return await run_list(
        rt,
        args,
        tool="list_data_connector_jobs",
        paging=PAGING,
        call=call,
        view=_job_row,
        noun="jobs",
        names={str(r.get("id")): str(r.get("description")) for r in known if r.get("description")},
        group="request",
    )


TOOLS = [
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
        endpoints=["POST /data-connector/v1/accounts/{accountId}/requests"],
        not_found="Check ACC_ACCOUNT_ID, or call list_projects for project ids.",
    ),
    ToolSpec(
        name="list_data_connector_requests",
        description="The account's Data Connector requests (scheduled extracts).",
        toolset="data_connector",
        params=[CURSOR],
        run=list_requests,
        endpoints=["GET /data-connector/v1/accounts/{accountId}/requests"],
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    ToolSpec(
        name="list_data_connector_jobs",
        description="Data Connector jobs (extract runs), newest first.",
        toolset="data_connector",
        params=[
            Param("request", str | None, "Request id or name.", None),
            CURSOR,
        ],
        run=list_jobs,
        endpoints=[
            "GET /data-connector/v1/accounts/{accountId}/jobs",
            "GET /data-connector/v1/accounts/{accountId}/requests/{requestId}/jobs",
        ],
        not_found="Call list_data_connector_requests for request ids.",
    ),
]
