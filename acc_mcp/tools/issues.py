"""Issues (construction/issues/v1): list with the filters people actually use, and one issue in full."""

from __future__ import annotations

from typing import Any, Literal

from ..errors import InvalidInput, NotFound
from ..paging import Call, OffsetPaging, collect
from ..render import Row, due, short_day, when
from .base import Param, ToolOutput, ToolSpec
from .listing import (
    CURSOR,
    FULL,
    PERSON,
    PROJECT,
    ViewContext,
    date_range,
    limit_param,
    range_param,
    run_list,
    run_record,
)
from .runtime import Runtime

BASE = "/construction/issues/v1/projects/{project}"
STATUSES = ("draft", "open", "pending", "in_progress", "in_review", "completed", "not_approved", "in_dispute", "closed")
Status = Literal[
    "draft", "open", "pending", "in_progress", "in_review", "completed", "not_approved", "in_dispute", "closed"
]
SORTS = Literal["displayId", "dueDate", "-dueDate", "-createdAt", "-updatedAt"]
NOT_FOUND = "Call list_projects for the project id, or list_issues for issue numbers."
DONE = ("closed", "completed")
"""Statuses for which a due date no longer matters in a list line."""


async def issue_types(rt: Runtime, project_id: str) -> dict[str, str]:
    """Type and subtype id → "Type / Subtype" title, cached per project."""

    async def load() -> dict[str, str]:
        call = Call("GET", rt.client.url(f"{BASE}/issue-types", project=project_id), {"include": "subtypes"})
        got = await collect(rt.fetch, OffsetPaging(max_page=200), call, want=1000)
        out: dict[str, str] = {}
        for t in got.items:
            out[str(t.get("id"))] = str(t.get("title"))
            for s in t.get("subtypes") or []:
                out[str(s.get("id"))] = f"{t.get('title')} / {s.get('title')}"
        return out

    return dict(await rt.cached(f"issue-types:{project_id}", load))


def _row(i: dict[str, Any], ctx: ViewContext) -> Row:
    kind = ctx.names.get(str(i.get("issueSubtypeId"))) or ctx.names.get(str(i.get("issueTypeId")))
    return {
        "#": i.get("displayId"),
        "title": i.get("title"),
        "status": i.get("status"),
        "type": kind,
        "assignee": ctx.name(i.get("assignedTo")),
        "due": due(i.get("dueDate"), ctx.today) if i.get("status") not in DONE else None,
    }


def _detail(i: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        **_row(i, ctx),
        "due": _row(i, ctx).get("due") or short_day(i.get("dueDate"), ctx.today),
        "id": i.get("id"),
        "description": i.get("description"),
        "location": i.get("locationDetails"),
        "start": i.get("startDate"),
        "created": when(i.get("createdAt")),
        "created by": ctx.name(i.get("createdBy")),
        "updated": when(i.get("updatedAt")),
        "closed": when(i.get("closedAt")),
        "closed by": ctx.name(i.get("closedBy")),
        "comments": i.get("commentCount"),
        "attachments": i.get("attachmentCount") or None,
        "watchers": [ctx.name(w) for w in i.get("watchers") or []],
        "custom": {a.get("title"): a.get("value") for a in i.get("customAttributes") or [] if a.get("value")},
        "can move to": i.get("permittedStatuses"),
    }


async def _names(rt: Runtime, project_id: str) -> dict[str, str]:
    return {**await rt.names(project_id), **await issue_types(rt, project_id)}


async def _type_ids(rt: Runtime, project_id: str, value: str) -> tuple[str | None, str | None]:
    """A type given by name ('Safety', 'Quality / Defect') or id → (issueTypeId, issueSubtypeId)."""
    types = await issue_types(rt, project_id)
    low = value.strip().lower()
    for key, title in types.items():
        if low in (key.lower(), title.lower()):
            return (None, key) if " / " in title else (key, None)
    matches = [(k, t) for k, t in types.items() if low in t.lower()]
    tops = [m for m in matches if " / " not in m[1]]
    if len(tops) == 1:
        return tops[0][0], None
    if len(matches) == 1:
        return None, matches[0][0]
    known = ", ".join(sorted({t.split(" / ")[0] for t in types.values()}))
    raise InvalidInput(f"Unknown or ambiguous issue type {value!r}. Issue types on this project: {known}.")


async def list_issues(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    params: dict[str, Any] = {
        "filter[status]": args.get("status"),
        "filter[search]": args.get("search"),
        "filter[dueDate]": date_range(args, "due"),
        "filter[createdAt]": date_range(args, "created"),
        "sortBy": args.get("sort") or "-updatedAt",
    }
    if args.get("assignee"):
        params["filter[assignedTo]"] = await rt.user_id(project_id, args["assignee"])
    if args.get("type"):
        type_id, subtype_id = await _type_ids(rt, project_id, args["type"])
        params["filter[issueTypeId]"], params["filter[issueSubtypeId]"] = type_id, subtype_id
    call = Call("GET", rt.client.url(f"{BASE}/issues", project=project_id), params)
    return await run_list(
        rt,
        args,
        tool="list_issues",
        paging=OffsetPaging(max_page=100),
        call=call,
        view=_row,
        noun="issues",
        names=await _names(rt, project_id),
    )


async def get_issue(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    ref = str(args["issue"]).strip().lstrip("#")
    if ref.isdigit():
        body = await rt.client.get(
            rt.client.url(f"{BASE}/issues", project=project_id), {"filter[displayId]": ref, "limit": 1}
        )
        found = (body or {}).get("results") or []
        if not found:
            raise NotFound(f"Not found (404): there is no issue #{ref} in this project.")
        record = found[0]
    else:
        record = await rt.client.get(rt.client.url(f"{BASE}/issues/{{issue}}", project=project_id, issue=ref))
    return await run_record(
        rt,
        record,
        header=f"Issue #{record.get('displayId')}",
        view=_detail,
        full=bool(args.get("full")),
        names=await _names(rt, project_id),
    )


TOOLS = [
    ToolSpec(
        name="list_issues",
        description="Find a project's issues.",
        toolset="issues",
        default=True,
        params=[
            PROJECT,
            Param("status", list[Status] | None, "Any of these.", None),
            Param("assignee", str | None, PERSON, None),
            Param("type", str | None, "Type or subtype.", None),
            Param("search", str | None, "Title or number.", None),
            range_param("due"),
            range_param("created"),
            Param("sort", SORTS | None, "Default -updatedAt; '-' descending.", None),
            limit_param(25),
            CURSOR,
        ],
        run=list_issues,
        endpoints=[
            "GET /construction/issues/v1/projects/{projectId}/issues",
            "GET /construction/issues/v1/projects/{projectId}/issue-types",
        ],
        not_found=NOT_FOUND,
    ),
    ToolSpec(
        name="get_issue",
        description="One issue in full.",
        toolset="issues",
        default=True,
        params=[PROJECT, Param("issue", str, "Number or id."), FULL],
        run=get_issue,
        endpoints=["GET /construction/issues/v1/projects/{projectId}/issues/{issueId}"],
        not_found=NOT_FOUND,
    ),
]
