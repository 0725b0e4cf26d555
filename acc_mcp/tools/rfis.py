"""RFIs (construction/rfis/v3): search with filters and free text, and one RFI with its answer."""

from __future__ import annotations

from typing import Any, Literal, get_args

from ..render import due, short_day, when
from ..views import F, Record, View, ViewContext, name_of
from .base import Param, Via
from .counts import due_week
from .listing import Quoted, range_param
from .lookups import ASSIGNEE_LIST, CREATOR_LIST, PEOPLE
from .overdue import OverdueRule
from .refs import Finder, Ref
from .runtime import Runtime, Scope
from .spec import GetSpec, ListSpec, tools

Status = Literal["draft", "submitted", "open", "answered", "rejected", "closed", "void", "not_closed"]
OPEN = ("submitted", "open")
"""Statuses in which an RFI waits on someone, so its due date can pass: the `overdue` filter and the list line's
"overdue" mark use the same rule."""
Sort = Literal["customIdentifier", "dueDate", "-dueDate", "-createdAt", "-updatedAt"]
NOT_FOUND = "Call list_projects for the project id, or search_rfis for RFI numbers."


def _people(key: str) -> Any:
    return lambda r, ctx: [ctx.name(p.get("id")) for p in r.get(key) or [] if isinstance(p, dict)]


def _due(r: Record, ctx: ViewContext) -> Any:
    return due(r.get("dueDate"), ctx.today) if r.get("status") in OPEN else None


RFI = View(
    F("#", "customIdentifier", "number"),
    F("title", role="bare"),
    F("status", role="bare"),
    F("assigned", _people("assignedTo")),
    F("due", _due),
    F("priority"),
)
RFI_DETAIL = RFI.extend(
    F("due", lambda r, ctx: _due(r, ctx) or short_day(r.get("dueDate"), ctx.today)),
    F("id"),
    F("question"),
    F("answer", "officialResponse"),
    F("answered by", lambda r, ctx: ctx.name(r.get("respondedBy") or r.get("answeredBy"))),
    F("answered", lambda r, _: when(r.get("respondedAt") or r.get("answeredAt"))),
    F("suggested answer", "suggestedAnswer"),
    F("location", "locationDescription"),
    F("discipline"),
    F("category"),
    F("cost impact", "costImpact"),
    F("schedule impact", "scheduleImpact"),
    F("manager", name_of("managerId")),
    F("reviewers", _people("reviewers")),
    F("created", lambda r, _: when(r.get("createdAt"))),
    F("created by", name_of("createdBy")),
    F("closed", lambda r, _: when(r.get("closedAt"))),
    F("comments", "commentsCount"),
    F("other responses", lambda r, ctx: _responses(r, ctx) or None),
)


def _responses(r: Record, ctx: ViewContext) -> list[str]:
    """Responses besides the official answer (reviewers', co-reviewers'), dated and signed."""
    return [
        f"{short_day(x.get('createdAt'), ctx.today)} {ctx.name(x.get('createdBy'))}: {x.get('text')}"
        for x in r.get("responses") or []
        if isinstance(x, dict) and x.get("text") and x.get("text") != r.get("officialResponse")
    ]


def _may_create(me: Record, _ctx: ViewContext) -> list[str]:
    wf = f"wf{(me.get('workflow') or {}).get('type') or 'US'}"
    statuses = ((me.get("permittedActions") or {}).get("createRfi") or {}).get("permittedStatuses") or {}
    return [str(s.get("status")) for s in statuses.get(wf) or [] if isinstance(s, dict)]


ME = View(
    F("name", "user.name", "bare"),
    F("role", "user.role"),
    F("workflow roles", "workflow.roles"),
    F("workflow", "workflow.type"),
    F("may create RFIs as", _may_create),
)


async def _sort(_rt: Runtime, _scope: Scope, _name: str, value: Any) -> list[dict[str, str]]:
    """`-dueDate` → the body's sort rule `[{"field": "dueDate", "order": "DESC"}]`."""
    return [{"field": str(value).lstrip("-"), "order": "DESC" if str(value).startswith("-") else "ASC"}]


async def _one_or_many(_rt: Runtime, _scope: Scope, _name: str, value: Any) -> Any:
    """One status as a string, several as a list; `not_closed` read as every status but closed and void."""
    every = [s for s in get_args(Status) if s not in ("closed", "void", "not_closed")]
    value = list(dict.fromkeys(s for v in value for s in (every if v == "not_closed" else [v])))
    return value[0] if len(value) == 1 else value


RFI_REF = Ref(
    kind="RFI",
    placeholder="rfiId",
    lister="search_rfis",
    # Search matches only title, question and answer, so numbers are found in a listing of ids and numbers
    # (two small pages for a few hundred RFIs).
    number=Finder("rfis.rfis.search", "customIdentifier", fixed={"fields": ["id", "customIdentifier"]}, scan=20000),
    words=("rfi",),
    quote=lambda number: number,  # "there is no RFI 012"
)

TOOLS = tools(
    ListSpec(
        name="search_rfis",
        description="Search a project's RFIs.",
        toolset="rfis",
        default=True,
        endpoint="rfis.rfis.search",
        view=RFI,
        noun="RFIs",
        params=[
            Param("search", str | None, "Title, question or answer text.", None, to="search"),
            Param(
                "status",
                list[Status] | None,
                "Any of these; not_closed all but closed/void.",
                None,
                to="filter.status",
                via=Via(_one_or_many),
            ),
            Param(
                "assignee",
                str | None,
                "Ball in court: person, company, role, me.",
                None,
                to="filter.assignedTo",
                via=ASSIGNEE_LIST,
            ),
            Param("created_by", str | None, "Person or me.", None, to="filter.createdBy", via=CREATOR_LIST),
            Param(
                "priority", Literal["Low", "Normal", "High"] | None, "Only this priority.", None, to="filter.priority"
            ),
            range_param("due", "filter.dueDate"),
            range_param("created", "filter.createdAt"),
            Param("sort", Sort | None, "Default -createdAt; '-' descending.", None, to="sort", via=Via(_sort)),
        ],
        fixed={"sort": [{"field": "createdAt", "order": "DESC"}]},
        names=(PEOPLE,),
        not_found=NOT_FOUND,
        fan_out=True,
        group_keys={
            "assignee": lambda r, ctx: RFI(r, ctx).get("assigned"),
            "status": None,
            "priority": None,
            "due_week": due_week("dueDate"),
            "created_week": due_week("createdAt"),
        },
        overdue=OverdueRule("filter.dueDate", "filter.status", OPEN),
    ),
    GetSpec(
        name="get_rfi",
        description="One RFI in full, with its official answer.",
        toolset="rfis",
        default=True,
        endpoint="rfis.rfis.get",
        view=RFI_DETAIL,
        header=lambda r: f"RFI {r.get('customIdentifier')}",
        ref=RFI_REF,
        ref_param=Param("rfi", Quoted, "Number or id."),
        names=(PEOPLE,),
        not_found=NOT_FOUND,
    ),
    GetSpec(
        name="get_my_rfi_role",
        description="Your RFI workflow role on a project and which RFIs you may create.",
        toolset="rfis",
        endpoint="rfis.me.get",
        view=ME,
        header=lambda _: "You, in this project's RFI workflow",
    ),
)
