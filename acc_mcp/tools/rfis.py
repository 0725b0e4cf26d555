"""RFIs (construction/rfis/v3): search with filters and free text, and one RFI with its answer."""

from __future__ import annotations

from typing import Any, Literal

from ..errors import NotFound
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

BASE = "/construction/rfis/v3/projects/{project}"
Status = Literal["draft", "submitted", "open", "answered", "rejected", "closed", "void"]
Sort = Literal["customIdentifier", "dueDate", "-dueDate", "-createdAt", "-updatedAt"]
NOT_FOUND = "Call list_projects for the project id, or search_rfis for RFI numbers."


def _people(refs: Any, ctx: ViewContext) -> list[Any]:
    return [ctx.name(r.get("id")) for r in refs or [] if isinstance(r, dict)]


def _row(r: dict[str, Any], ctx: ViewContext) -> Row:
    open_ = r.get("status") not in ("closed", "void", "answered")
    return {
        "#": r.get("customIdentifier"),
        "title": r.get("title"),
        "status": r.get("status"),
        "assigned": _people(r.get("assignedTo"), ctx),
        "due": due(r.get("dueDate"), ctx.today) if open_ else None,
        "priority": r.get("priority"),
    }


def _detail(r: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        **_row(r, ctx),
        "due": _row(r, ctx).get("due") or short_day(r.get("dueDate"), ctx.today),
        "id": r.get("id"),
        "question": r.get("question"),
        "answer": r.get("officialResponse"),
        "answered by": ctx.name(r.get("respondedBy") or r.get("answeredBy")),
        "answered": when(r.get("respondedAt") or r.get("answeredAt")),
        "suggested answer": r.get("suggestedAnswer"),
        "location": r.get("locationDescription"),
        "discipline": r.get("discipline"),
        "category": r.get("category"),
        "cost impact": r.get("costImpact"),
        "schedule impact": r.get("scheduleImpact"),
        "manager": ctx.name(r.get("managerId")),
        "reviewers": _people(r.get("reviewers"), ctx),
        "created": when(r.get("createdAt")),
        "created by": ctx.name(r.get("createdBy")),
        "closed": when(r.get("closedAt")),
        "comments": r.get("commentsCount"),
    }


async def search_rfis(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    flt: dict[str, Any] = {}
    if statuses := args.get("status"):
        flt["status"] = statuses[0] if len(statuses) == 1 else statuses
    if args.get("assignee"):
        flt["assignedTo"] = [await rt.user_id(project_id, args["assignee"])]
    if args.get("priority"):
        flt["priority"] = args["priority"]
    if rng := date_range(args, "due"):
        flt["dueDate"] = rng
    sort = args.get("sort") or "-createdAt"
    body: dict[str, Any] = {"sort": [{"field": sort.lstrip("-"), "order": "DESC" if sort.startswith("-") else "ASC"}]}
    if args.get("search"):
        body["search"] = args["search"]
    if flt:
        body["filter"] = flt
    call = Call("POST", rt.client.url(f"{BASE}/search:rfis", project=project_id), json=body)
    return await run_list(
        rt,
        args,
        tool="search_rfis",
        paging=OffsetPaging(max_page=200, in_body=True),
        call=call,
        view=_row,
        noun="RFIs",
        names=await rt.names(project_id),
    )


async def get_rfi(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    ref = str(args["rfi"]).strip().lstrip("#")
    if len(ref) != 36:
        # A number as people quote it ("012"). Search matches only title, question and answer, so list
        # just ids and numbers (two small pages for a few hundred RFIs) and pick the match.
        call = Call(
            "POST",
            rt.client.url(f"{BASE}/search:rfis", project=project_id),
            json={"fields": ["id", "customIdentifier"]},
        )
        found = await collect(rt.fetch, OffsetPaging(max_page=200, in_body=True), call, want=20000)
        hits = [r for r in found.items if str(r.get("customIdentifier", "")).lstrip("0") == ref.lstrip("0")]
        if not hits:
            raise NotFound(f"Not found (404): there is no RFI {ref} in this project.")
        ref = str(hits[0]["id"])
    record = await rt.client.get(rt.client.url(f"{BASE}/rfis/{{rfi}}", project=project_id, rfi=ref))
    return await run_record(
        rt,
        record,
        header=f"RFI {record.get('customIdentifier')}",
        view=_detail,
        full=bool(args.get("full")),
        names=await rt.names(project_id),
    )


TOOLS = [
    ToolSpec(
        name="search_rfis",
        description="Search a project's RFIs.",
        toolset="rfis",
        default=True,
        params=[
            PROJECT,
            Param("search", str | None, "Title, question or answer text.", None),
            Param("status", list[Status] | None, "Any of these.", None),
            Param("assignee", str | None, PERSON, None),
            Param("priority", Literal["Low", "Normal", "High"] | None, "Only this priority.", None),
            range_param("due"),
            Param("sort", Sort | None, "Default -createdAt; '-' descending.", None),
            limit_param(25),
            CURSOR,
        ],
        run=search_rfis,
        endpoints=["POST /construction/rfis/v3/projects/{projectId}/search:rfis"],
        not_found=NOT_FOUND,
    ),
    ToolSpec(
        name="get_rfi",
        description="One RFI in full, with its official answer.",
        toolset="rfis",
        default=True,
        params=[PROJECT, Param("rfi", str, "Number or id."), FULL],
        run=get_rfi,
        endpoints=[
            "GET /construction/rfis/v3/projects/{projectId}/rfis/{rfiId}",
            "POST /construction/rfis/v3/projects/{projectId}/search:rfis",
        ],
        not_found=NOT_FOUND,
    ),
]
