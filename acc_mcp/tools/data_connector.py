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
import time
from datetime import UTC, datetime
from typing import Any, Literal

from ..errors import InvalidInput
from ..paging import Call, OffsetPaging
from ..render import Row, render_record, when
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, ViewContext, check_date, limit_param, run_list
from .runtime import Runtime

BASE = "/data-connector/v1/accounts/{account}"
ServiceGroup = Literal[
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
]
Schedule = Literal["ONE_TIME", "DAY", "WEEK", "MONTH", "YEAR"]
DUPLICATE_WINDOW = 600.0
LIMIT_NOTE = "Each job counts against Data Connector's limit of 24 jobs per 24 hours (per account and per user)."


def _request_row(r: dict[str, Any], ctx: ViewContext) -> Row:
    every = r.get("reoccuringInterval")
    schedule = r.get("scheduleInterval")
    return {
        "name": r.get("description"),
        "schedule": schedule if schedule == "ONE_TIME" else f"every {every or 1} {str(schedule).lower()}",
        "groups": r.get("serviceGroups"),
        "active": "yes" if r.get("isActive") else "no",
        "from": (r.get("effectiveFrom") or "")[:10],
        "to": (r.get("effectiveTo") or "")[:10] if schedule != "ONE_TIME" else None,
        "id": r.get("id"),
    }


def _job_row(j: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        "status": j.get("status"),
        "completion": j.get("completionStatus"),
        "started": when(j.get("startedAt") or j.get("createdAt")),
        "done": when(j.get("completedAt")),
        "request": j.get("requestId"),
        "id": j.get("id"),
    }


def _iso(name: str, value: str) -> str:
    text = check_date(name, value)
    return text + "T00:00:00.000Z" if len(text) == 10 else text


def build_request(args: dict[str, Any], project_ids: list[str], now: datetime) -> dict[str, Any]:
    """The request body, after checking the schedule rules of the reference."""
    schedule: str = args.get("schedule") or "ONE_TIME"
    every, end = args.get("every"), args.get("end")
    groups = list(dict.fromkeys(args.get("service_groups") or []))
    if not groups:
        raise InvalidInput("service_groups: name at least one, e.g. ['issues', 'rfis'] (or ['all']).")
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
    recent: dict[str, tuple[float, str]] = rt.memo.setdefault("dc-writes", {})
    previous = recent.get(key.hexdigest())
    if previous and time.monotonic() - previous[0] < DUPLICATE_WINDOW and not args.get("allow_duplicate"):
        raise InvalidInput(
            f"An identical request was created {int(time.monotonic() - previous[0])} s ago (id {previous[1]}). "
            "Not creating it again. If a second one is really wanted, call again with allow_duplicate=true."
        )
    created = await rt.client.request(
        "POST", rt.client.url(f"{BASE}/requests", account=account), json=body, idempotent=False
    )
    recent[key.hexdigest()] = (time.monotonic(), str(created.get("id")))
    row = _request_row(created, ViewContext({}, rt.today()))
    row["projects"] = len(project_ids) or "all the account's projects you can see"
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
    return ToolOutput(text, row)


async def list_requests(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    call = Call("GET", rt.client.url(f"{BASE}/requests", account=account), {"sort": "desc", "sortFields": "createdAt"})
    return await run_list(
        rt,
        args,
        tool="list_data_connector_requests",
        paging=OffsetPaging(max_page=100),
        call=call,
        view=_request_row,
        noun="Data Connector requests",
    )


async def list_jobs(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    if args.get("request"):
        url = rt.client.url(f"{BASE}/requests/{{r}}/jobs", account=account, r=args["request"])
    else:
        url = rt.client.url(f"{BASE}/jobs", account=account)
    call = Call("GET", url, {"sort": "desc"})
    return await run_list(
        rt,
        args,
        tool="list_data_connector_jobs",
        paging=OffsetPaging(max_page=100),
        call=call,
        view=_job_row,
        noun="jobs",
    )


TOOLS = [
    ToolSpec(
        name="create_data_connector_request",
        description=(
            "Schedule a Data Connector extract (CSV of the chosen services), once or recurring. "
            "Each run is a job; 24 jobs a day at most."
        ),
        toolset="data_connector",
        default=True,
        write=True,
        params=[
            Param("description", str, "A name for the request."),
            Param("service_groups", list[ServiceGroup], "e.g. ['issues','rfis']."),
            Param("schedule", Schedule, "Or a recurring unit.", "ONE_TIME"),
            Param("every", int | None, "Recurring: every N units.", None),
            Param("start", str | None, "ISO date; default now.", None),
            Param("end", str | None, "Recurring: end date (required).", None),
            Param("projects", list[str] | None, "Up to 50 ids or names; default all.", None),
            Param("allow_duplicate", bool, "Allow repeating an identical request.", False),
        ],
        run=create_request,
        endpoints=["POST /data-connector/v1/accounts/{accountId}/requests"],
        not_found="Check ACC_ACCOUNT_ID, or call list_projects for project ids.",
    ),
    ToolSpec(
        name="list_data_connector_requests",
        description="The account's Data Connector requests (scheduled extracts), newest first.",
        toolset="data_connector",
        params=[limit_param(25, 100), CURSOR],
        run=list_requests,
        endpoints=["GET /data-connector/v1/accounts/{accountId}/requests"],
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    ToolSpec(
        name="list_data_connector_jobs",
        description="Data Connector jobs (extract runs) and their status, for one request or the account.",
        toolset="data_connector",
        params=[Param("request", str | None, "Only jobs of this request id.", None), limit_param(25, 100), CURSOR],
        run=list_jobs,
        endpoints=[
            "GET /data-connector/v1/accounts/{accountId}/jobs",
            "GET /data-connector/v1/accounts/{accountId}/requests/{requestId}/jobs",
        ],
        not_found="Call list_data_connector_requests for request ids.",
    ),
]
