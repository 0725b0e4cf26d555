"""Issues (construction/issues/v1): list with the filters people actually use, and one issue in full."""

from __future__ import annotations

from typing import Any, Literal, get_args

from mcp.types import ContentBlock

from ..errors import Forbidden, NotFound
from ..render import due, short_day, when
from ..views import F, Record, View, ViewContext, name_of
from .base import Param, Via
from .counts import due_week
from .issue_settings import SETTINGS, VOCAB
from .listing import Quoted, range_param
from .locations import LOCATION
from .lookups import ASSIGNEE, CREATOR, ISSUE_TYPE, ISSUE_TYPES, PEOPLE, company_key, names
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
OPEN = ("open", "pending", "in_progress", "in_review", "not_approved", "in_dispute")
"""Statuses in which an issue can be overdue (not a draft, not done): the `overdue` filter and the list line's
"overdue" mark use the same rule."""


def _type(i: Record, ctx: ViewContext) -> Any:
    return ctx.names.get(str(i.get("issueSubtypeId"))) or ctx.names.get(str(i.get("issueTypeId")))


def _due(i: Record, ctx: ViewContext) -> Any:
    # The same rule as the overdue filter: a draft or a finished issue is never marked overdue.
    return due(i.get("dueDate"), ctx.today) if i.get("status") in OPEN else None


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
    F("owner", lambda i, ctx: ctx.name(i.get("ownerId")) if i.get("ownerId") != i.get("createdBy") else None),
    F("opened by", name_of("openedBy")),
    F("updated by", name_of("updatedBy")),
    F("root cause", name_of("rootCauseId")),
    F("comments", "commentCount"),
    F("attachments", lambda i, _: i.get("attachmentCount") or None),
    F("watchers", lambda i, ctx: [ctx.name(w) for w in i.get("watchers") or []]),
    F(
        "custom",
        lambda i, ctx: {
            a.get("title"): ctx.name(a.get("value")) for a in i.get("customAttributes") or [] if a.get("value")
        },
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


LATEST = 3
"""Comments shown with an issue: "what's the latest comment on #262" is then one call."""
CLIP = 300


async def _talk(rt: Runtime, issue: dict[str, Any], args: dict[str, Any]) -> tuple[list[ContentBlock], str | None]:
    """The issue's latest comments (author, date, text) and its attachments' names, as a note. The issue's
    facts are worth having without them: a section the user may not read says so instead of failing the call."""
    scope = await rt.scope(args["project"], account=False)
    ids, lines = {"issueId": str(issue.get("id"))}, []
    if issue.get("commentCount"):
        try:
            query = {"sortBy": "-createdAt", "limit": LATEST}
            body = await rt.read(rt.call("issues.comments.list", scope, params=query, ids=ids))
            who = await names(rt, scope, (PEOPLE,))
            lines.append(f"Latest comments ({issue.get('commentCount')} in all; list_issue_comments for more):")
            lines += [_comment(c, who, rt) for c in (body or {}).get("results", [])[:LATEST]]
        except (Forbidden, NotFound) as exc:
            lines.append(f"Comments unavailable: {exc}")
    if issue.get("attachmentCount"):
        try:
            body = await rt.read(rt.call("issues.attachments.list", scope, ids=ids))
            files = [str(a.get("displayName") or a.get("fileName")) for a in (body or {}).get("attachments", [])]
            lines.append(f"Attachments: {', '.join(files) or 'none'}")
        except (Forbidden, NotFound) as exc:
            lines.append(f"Attachments unavailable: {exc}")
    return [], "\n".join(lines) or None


def _comment(c: dict[str, Any], who: dict[str, str], rt: Runtime) -> str:
    text = " ".join(str(c.get("body", "")).split())
    text = text if len(text) <= CLIP else text[: CLIP - 1] + "…"
    return f"- {short_day(c.get('createdAt'), rt.today())} {who.get(str(c.get('createdBy')), 'someone')}: {text}"


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
            Param("assignee", str | None, "Person, company, role or me.", None, to="filter[assignedTo]", via=ASSIGNEE),
            Param("created_by", str | None, "Person or me.", None, to="filter[createdBy]", via=CREATOR),
            Param("type", str | None, "Type or subtype, part of name.", None, to="*", via=ISSUE_TYPE),
            Param("search", str | None, "Title or number.", None, to="*", via=Via(_search)),
            Param(
                "location",
                str | None,
                "Location name; includes rooms below.",
                None,
                to="filter[subLocationId]",
                via=LOCATION,
            ),
            range_param("due", "filter[dueDate]"),
            range_param("created", "filter[createdAt]"),
            Param("sort", Sort | None, "Default -updatedAt; '-' descending.", None, to="sortBy"),
        ],
        fixed={"sortBy": "-updatedAt"},
        names=(PEOPLE, ISSUE_TYPES),
        maximum=200,
        not_found=NOT_FOUND,
        fan_out=True,
        group_keys={
            "assignee": None,
            "status": None,
            "type": lambda i, ctx: str(_type(i, ctx) or "").split(" / ")[0] or None,
            "subtype": _type,
            "company": lambda i, ctx: ctx.names.get(company_key(i.get("assignedTo"))),
            "due_week": due_week("dueDate"),
            "created_week": due_week("createdAt"),
        },
        overdue=OverdueRule("filter[dueDate]", "filter[status]", OPEN),
    ),
    GetSpec(
        name="get_issue",
        description="One issue in full, with latest comments and attachments.",
        toolset="issues",
        default=True,
        endpoint="issues.issues.get",
        view=ISSUE_DETAIL,
        header=lambda i: f"Issue #{i.get('displayId')}",
        ref=ISSUE_REF,
        ref_param=Param("issue", Quoted, "Number or id."),
        names=(PEOPLE, ISSUE_TYPES, VOCAB),
        attach=_talk,
        also=("issues.comments.list", "issues.attachments.list"),
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
    SETTINGS,
)
