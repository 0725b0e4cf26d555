"""Issues (construction/issues/v1): list with the filters people actually use, and one issue in full."""

from __future__ import annotations

from typing import Any, Literal, get_args

from ..render import due, short_day, when
from ..views import F, Record, View, ViewContext, name_of
from .base import Param, Via
from .counts import due_week
from .listing import Quoted, range_param
from .lookups import ASSIGNEE, ISSUE_TYPE, ISSUE_TYPES, PEOPLE
from .overdue import OverdueRule
from .refs import Finder, Ref, via_ref
from .runtime import Runtime, Scope
from .spec import GetSpec, ListSpec, tools

Status = Literal[
    "draft",
    "open",
    "pending",
    "in_progress",
    "in_review",
    "completed",
    "not_approved",
    "in_dispute",
    "closed",
    "not_closed",
]
Sort = Literal["displayId", "dueDate", "-dueDate", "-createdAt", "-updatedAt"]
NOT_FOUND = "Call list_projects for the project id, or list_issues for issue numbers."
DONE = ("closed", "completed")
OPEN = ("open", "pending", "in_progress", "in_review", "not_approved", "in_dispute")
"""Statuses in which an issue can be overdue (not a draft, not done)."""
"""Statuses for which a due date no longer matters in a list line."""


def _type(i: Record, ctx: ViewContext) -> Any:
    return ctx.names.get(str(i.get("issueSubtypeId"))) or ctx.names.get(str(i.get("issueTypeId")))


def _due(i: Record, ctx: ViewContext) -> Any:
    return due(i.get("dueDate"), ctx.today) if i.get("status") not in DONE else None


ISSUE = View(
    F("#", "displayId", "number"),
    F("title", role="bare"),
    F("status", role="bare"),
    F("type", _type),
    F("assignee", name_of("assignedTo")),
    F("due", _due),
)
ISSUE_DETAIL = ISSUE.extend(
    F("due", lambda i, ctx: _due(i, ctx) or short_day(i.get("dueDate"), ctx.today)),
    F("id"),
    F("description"),
    F("location", "locationDetails"),
    F("start", "startDate"),
    F("created", lambda i, _: when(i.get("createdAt"))),
    F("created by", name_of("createdBy")),
    F("updated", lambda i, _: when(i.get("updatedAt"))),
    F("closed", lambda i, _: when(i.get("closedAt"))),
    F("closed by", name_of("closedBy")),
    F("comments", "commentCount"),
    F("attachments", lambda i, _: i.get("attachmentCount") or None),
    F("watchers", lambda i, ctx: [ctx.name(w) for w in i.get("watchers") or []]),
    F(
        "custom",
        lambda i, _: {a.get("title"): a.get("value") for a in i.get("customAttributes") or [] if a.get("value")},
    ),
    F("can move to", "permittedStatuses"),
)
ISSUE_REF = Ref(
    kind="issue",
    placeholder="issueId",
    lister="list_issues",
    number=Finder("issues.issues.list", "displayId", lambda n: {"filter[displayId]": n}, scan=1, full=True),
)


async def _status(_rt: Runtime, _scope: Scope, _name: str, value: Any) -> list[str]:
    """The statuses asked for, `not_closed` read as every status but closed."""
    every = [s for s in get_args(Status) if s not in ("closed", "not_closed")]
    return list(dict.fromkeys(s for v in value for s in (every if v == "not_closed" else [v])))


async def _search(_rt: Runtime, _scope: Scope, _name: str, value: Any) -> dict[str, str]:
    """`#42` finds issue 42 by number (ACC's text search would also match "#42" in titles, or nothing);
    anything else is ACC's title/number text search, as before."""
    text = str(value).strip()
    number = text.removeprefix("#").strip()
    return {"filter[displayId]": number} if text.startswith("#") and number.isdigit() else {"filter[search]": value}


COMMENT = View(
    F("date", lambda c, ctx: short_day(c.get("createdAt"), ctx.today), "bare"),
    F("by", name_of("createdBy"), "joined"),
    F("text", "body", "bare"),
)

TOOLS = tools(
    ListSpec(
        name="list_issues",
        description="Find a project's issues.",
        toolset="issues",
        default=True,
        endpoint="issues.issues.list",
        view=ISSUE,
        noun="issues",
        params=[
            Param(
                "status",
                list[Status] | None,
                "Any of these; 'open' is one status, not_closed all but closed.",
                None,
                to="filter[status]",
                via=Via(_status),
            ),
            Param("assignee", str | None, "Person, company or role.", None, to="filter[assignedTo]", via=ASSIGNEE),
            Param("type", str | None, "Type or subtype, part of name.", None, to="*", via=ISSUE_TYPE),
            Param("search", str | None, "Title or number.", None, to="*", via=Via(_search)),
            range_param("due", "filter[dueDate]"),
            range_param("created", "filter[createdAt]"),
            Param("sort", Sort | None, "Default -updatedAt; '-' descending.", None, to="sortBy"),
        ],
        fixed={"sortBy": "-updatedAt"},
        names=(PEOPLE, ISSUE_TYPES),
        maximum=200,
        not_found=NOT_FOUND,
        fan_out=True,
        group_keys={"assignee": None, "status": None, "type": None, "due_week": due_week("dueDate")},
        overdue=OverdueRule("filter[dueDate]", "filter[status]", OPEN),
    ),
    GetSpec(
        name="get_issue",
        description="One issue in full.",
        toolset="issues",
        default=True,
        endpoint="issues.issues.get",
        view=ISSUE_DETAIL,
        header=lambda i: f"Issue #{i.get('displayId')}",
        ref=ISSUE_REF,
        ref_param=Param("issue", Quoted, "Number or id."),
        names=(PEOPLE, ISSUE_TYPES),
        not_found=NOT_FOUND,
    ),
    ListSpec(
        name="list_issue_comments",
        description="An issue's comments, newest first.",
        toolset="issues",
        endpoint="issues.comments.list",
        view=COMMENT,
        noun="comments",
        params=[Param("issue", Quoted, "Number or id.", to="{issueId}", via=via_ref(ISSUE_REF))],
        fixed={"sortBy": "-createdAt"},
        names=(PEOPLE,),
        not_found=NOT_FOUND,
    ),
)
