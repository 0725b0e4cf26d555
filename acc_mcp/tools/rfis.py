"""RFIs (construction/rfis/v3): search with filters and free text, and one RFI with its answer."""

from __future__ import annotations

from typing import Any, Literal

from ..errors import NotFound
from ..paging import Call, OffsetPaging, collect
from ..render import Row, day, due, when
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, DETAIL, PROJECT, ViewContext, date_range, limit_param, run_list, run_record
from .runtime import Runtime

BASE = "/construction/rfis/v3/projects/{project}"
Status = Literal["draft", "submitted", "open", "answered", "rejected", "closed", "void"]
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
        "due": _row(r, ctx).get("due") or day(r.get("dueDate")),
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
    if rng := date_range(args, "due_after", "due_before"):
        flt["dueDate"] = rng
    body: dict[str, Any] = {"sort": [{"field": args.get("sort") or "createdAt", "order": args.get("order") or "DESC"}]}
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
        detail=args.get("detail", "summary"),
        names=await rt.names(project_id),
    )


TOOLS = [
    ToolSpec(
        name="search_rfis",
        description="Search a project's RFIs by text (title, question, answer), status, assignee or due date.",
        toolset="rfis",
        default=True,
        params=[
            PROJECT,
            Param("search", str | None, "Text in title, question or answer.", None),
            Param("status", list[Status] | None, "Only these statuses.", None),
            Param("assignee", str | None, "Assignee name, email or id.", None),
            Param("priority", Literal["Low", "Normal", "High"] | None, "Only this priority.", None),
            Param("due_after", str | None, "YYYY-MM-DD", None),
            Param("due_before", str | None, "YYYY-MM-DD", None),
            Param(
                "sort",
                Literal["createdAt", "updatedAt", "dueDate", "customIdentifier", "status"] | None,
                "Sort field (default createdAt).",
                None,
            ),
            Param("order", Literal["ASC", "DESC"] | None, "Sort order (default DESC).", None),
            limit_param(25),
            CURSOR,
        ],
        run=search_rfis,
        endpoints=["POST /construction/rfis/v3/projects/{projectId}/search:rfis"],
        not_found=NOT_FOUND,
    ),
    ToolSpec(
        name="get_rfi",
        description="One RFI in full: question, official answer, people, impacts.",
        toolset="rfis",
        default=True,
        params=[PROJECT, Param("rfi", str, "RFI number (e.g. 012) or RFI id."), DETAIL],
        run=get_rfi,
        endpoints=[
            "GET /construction/rfis/v3/projects/{projectId}/rfis/{rfiId}",
            "POST /construction/rfis/v3/projects/{projectId}/search:rfis",
        ],
        not_found=NOT_FOUND,
    ),
]
