"""Reviews (construction/reviews/v1): document approval reviews and how far along each one is."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import anyio

from ..render import due, estimate_tokens, render_list, render_record, when
from ..views import F, Record, View, ViewContext, name_of
from .base import Param, ToolOutput, ToolSpec
from .documents import FILE_VERSION
from .listing import NAME, PROJECT, Quoted
from .lookups import PERSON
from .overdue import OverdueRule
from .refs import Finder, Ref, resolve, via_ref
from .runtime import Runtime
from .spec import GetSpec, ListSpec, tools

NOT_FOUND = "Call list_projects for the project id, or list_reviews for review numbers."
Status = Literal["OPEN", "CLOSED", "VOID", "FAILED"]


def candidates(cands: Any) -> list[str]:
    """A step's candidates by name, roles and companies marked as such ("Project Manager (role)")."""
    cands = cands if isinstance(cands, dict) else {}
    mark = {"users": "", "roles": " (role)", "companies": " (company)"}
    return [f"{c['name']}{m}" for kind, m in mark.items() for c in cands.get(kind) or [] if c.get("name")]


def next_by(r: Record) -> list[str]:
    """Who acts next: whoever claimed the step, else every candidate user, role and company."""
    return _claimed(r) or candidates((r.get("nextActionBy") or {}).get("candidates"))


def _claimed(r: Record) -> list[str]:
    return [c.get("name") for c in (r.get("nextActionBy") or {}).get("claimedBy") or [] if c.get("name")]


def _open(r: Record) -> bool:
    return r.get("status") == "OPEN"


# A finished review's date is in get_review_progress; the list line says what is still moving.
REVIEW = View(
    F("#", "sequenceId", "number"),
    F("name", role="bare"),
    F("status", role="bare"),
    # The current step's due date, not the review's: said so ("due" alone was read as the review's)
    F("step due", lambda r, ctx: due(r.get("currentStepDueDate"), ctx.today) if _open(r) else None),
    # Who acts next: whoever claimed the step, said so (a candidate `waiting_on` found may have been beaten
    # to it), else every candidate
    F("claimed", lambda r, _: _claimed(r) or None if _open(r) else None),
    F("next", lambda r, _: next_by(r) if _open(r) and not _claimed(r) else None),
)
REVIEW_REF = Ref(
    kind="review",
    placeholder="reviewId",
    lister="list_reviews",
    number=Finder("reviews.reviews.list", "sequenceId", lambda n: {"filter[sequenceId]": n}, scan=50, full=True),
    name=Finder("reviews.reviews.list", "name", lambda text: {"filter[name]": text}, scan=50, full=True),
    label=lambda r: f"#{r.get('sequenceId')} {r.get('name')} ({r.get('status')})",
    prefer=_open,
)


SUMMARY = View(
    F("workflow", "workflow.name"),
    F("current step due", lambda r, ctx: due(r.get("currentStepDueDate"), ctx.today) if _open(r) else None),
    F("next action by", lambda r, _: (next_by(r) or ["unassigned"]) if _open(r) else None),
    F("finished", lambda r, _: when(r.get("finishedAt")) if not _open(r) else None),
)


def _who(e: Record, _ctx: ViewContext) -> Any:
    """Who acted; else who claimed the step and has yet to act; else whom it waits on."""
    if actor := (e.get("actionBy") or {}).get("name"):
        return f"by {actor}"
    if claimer := (e.get("claimedBy") or {}).get("name"):
        return f"claimed by {claimer}"
    waiting = candidates(e.get("candidates"))
    return f"waiting on {', '.join(waiting)}" if waiting else None


STEP = View(
    F("step", name_of("stepId")),
    F("name", "stepName", "bare"),
    F("status", role="bare"),
    F("by", _who, "bare"),
    F("done", lambda e, _: (e.get("endTime") or "")[:10] or None),
    F("notes"),
)


WORKFLOW_REF = Ref(
    kind="workflow",
    placeholder="workflowId",
    lister="list_review_workflows",
    name=Finder("reviews.workflows.list", "name", scan=200, full=True),
    label=lambda w: repr(w.get("name")),
)
WORKFLOW = View(F("name", role="bare"), F("steps", lambda w, _: [s.get("name") for s in w.get("steps") or []]))


def _step(s: Record, _ctx: ViewContext) -> str:
    unit = "workdays" if s.get("dueDateType") == "WORKDAY" else "days"
    days = f", {s['duration']} {unit}" if s.get("duration") else ""
    return f"{s.get('name')} ({str(s.get('type', '')).lower()}{days}): {', '.join(candidates(s.get('candidates')))}"


WORKFLOW_DETAIL = View(
    F("status", role="bare"),
    F("description", role="bare"),
    F("steps", lambda w, ctx: [_step(s, ctx) for s in w.get("steps") or [] if isinstance(s, dict)]),
    F("outcomes", lambda w, _: [o.get("label") for o in w.get("approvalStatusOptions") or []]),
    F("notes"),
    F("id"),
)


def _version(v: Record, _ctx: ViewContext) -> str | None:
    urn = str(v.get("urn") or "")
    return f"v{urn.rsplit('=', 1)[1]}" if "?version=" in urn else None


FILE = View(
    F("name", role="bare"),
    F("version", _version, "bare"),
    F("approval", "approveStatus.label", "bare"),
    F("urn"),
)
APPROVAL = View(
    F("#", "review.sequenceId", "number"),
    F("review", "review.status", "bare"),
    F("approval", "approvalStatus.label", "bare"),
)


async def get_review_progress(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = await rt.scope(args["project"], account=False)
    found = await resolve(rt, scope, REVIEW_REF, args["review"])
    rid = found.id
    got: dict[str, Any] = {}

    async def fetch(name: str, key: str) -> None:
        got[name] = await rt.read(rt.call(key, scope, ids={"reviewId": rid}))

    async with anyio.create_task_group() as tg:
        tg.start_soon(fetch, "workflow", "reviews.review_workflow.get")
        if found.record is None:
            tg.start_soon(fetch, "review", "reviews.reviews.get")
        call = rt.call("reviews.progress.list", scope, ids={"reviewId": rid})
        entries = await rt.collect(call, "reviews.progress.list", 200)
    review: Record = found.record or got["review"]
    workflow = got["workflow"] if isinstance(got["workflow"], dict) else {}
    steps = [s for s in workflow.get("steps") or [] if isinstance(s, dict)]
    order = {str(s.get("id")): str(n) for n, s in enumerate(steps, start=1)}
    ctx = ViewContext(order, rt.today())  # step ids are named by their place in the workflow
    entries = sorted(entries, key=lambda e: int(order.get(str(e.get("stepId")), 0)))
    rows = [{**row, "step": int(row["step"])} if "step" in row else row for row in (STEP(e, ctx) for e in entries)]
    reached = {e.get("stepId") for e in entries}
    # A step not reached yet says whom it will go to (the workflow's candidates), so "who still has to act"
    # needs no second call
    rows += [
        {"step": int(order[str(s.get("id"))]), "name": s.get("name"), "status": "not started"}
        | ({"by": f"then {', '.join(then)}"} if (then := candidates(s.get("candidates"))) else {})
        for s in steps
        if s.get("id") not in reached
    ]
    current = order.get(str(review.get("currentStepId"))) if _open(review) else None
    budget = rt.settings.max_result_tokens
    where = f" · step {current} of {len(steps)}" if current else ""
    header = f"Review #{review.get('sequenceId')} {review.get('name')} · {review.get('status')}{where}"
    summary = render_record(
        header, SUMMARY({**review, "workflow": workflow}, ctx), roles=SUMMARY.roles, budget=budget // 2
    )
    listed = render_list(
        "Steps:",
        rows,
        roles=STEP.roles,
        budget=budget - estimate_tokens(summary),
        footer=lambda n: (
            f"({len(rows) - n} more steps left out to stay within the result budget)" if n < len(rows) else None
        ),
    )
    structured = {
        "review": {
            "id": rid,
            "number": review.get("sequenceId"),
            "name": review.get("name"),
            "status": review.get("status"),
            "currentStep": int(current) if current else None,
            "steps": len(steps),
        },
        "progress": rows[: listed.shown],
    }
    return ToolOutput(f"{summary}\n{listed.text}", structured)


TOOLS = tools(
    ListSpec(
        name="list_reviews",
        description="A project's document approval reviews and who acts next.",
        toolset="reviews",
        default=True,
        endpoint="reviews.reviews.list",
        view=REVIEW,
        noun="reviews",
        params=[
            Param("status", Status | None, "Only this status.", None, to="filter[status]"),
            replace(NAME, to="filter[name]"),
            Param("waiting_on", str | None, "Person: next to act.", None, to="filter[nextActionByUser]", via=PERSON),
        ],
        fixed={"sort": "createdAt desc"},
        group="status",
        not_found=NOT_FOUND,
        fan_out=True,
        group_keys={"status": None, "next": lambda r, _: next_by(r) if _open(r) else None},
        overdue=OverdueRule("filter[currentStepDueDate]", "filter[status]", ("OPEN",)),
    ),
    ToolSpec(
        name="get_review_progress",
        description="Where a review stands: each workflow step, who acted, when.",
        toolset="reviews",
        default=True,
        params=[PROJECT, Param("review", Quoted, "Number, id or name.")],
        run=get_review_progress,
        calls=[
            *REVIEW_REF.calls,
            "reviews.reviews.get",
            "reviews.review_workflow.get",
            "reviews.progress.list",
            "admin.projects.list",
        ],
        not_found=NOT_FOUND,
    ),
    ListSpec(
        name="list_review_workflows",
        description="A project's approval workflows and their steps.",
        toolset="reviews",
        endpoint="reviews.workflows.list",
        view=WORKFLOW,
        noun="workflows",
        params=[Param("status", Literal["ACTIVE", "INACTIVE"] | None, "Default ACTIVE.", None, to="filter[status]")],
        limit=None,
    ),
    GetSpec(
        name="get_review_workflow",
        description="One approval workflow: steps, who reviews, durations, outcomes.",
        toolset="reviews",
        endpoint="reviews.workflows.get",
        view=WORKFLOW_DETAIL,
        header=lambda w: f"Workflow {w.get('name')}",
        ref=WORKFLOW_REF,
        ref_param=Param("workflow", str, "Name or id."),
        not_found="Call list_review_workflows for workflow names.",
    ),
    ListSpec(
        name="list_review_files",
        description="The file versions in a review and their approval status.",
        toolset="reviews",
        endpoint="reviews.versions.list",
        view=FILE,
        noun="files",
        params=[
            Param("review", Quoted, "Number, id or name.", to="{reviewId}", via=via_ref(REVIEW_REF)),
            Param("approval", str | None, "Status label, e.g. Approved.", None, to="filter[approveStatus]"),
        ],
        limit=None,
        not_found=NOT_FOUND,
    ),
    ListSpec(
        name="list_file_approvals",
        description="Every review a file version went through and its approval status there.",
        toolset="reviews",
        endpoint="reviews.approval_statuses.list",
        view=APPROVAL,
        noun="reviews",
        params=[Param("urn", str, "File version URN.", to="{versionId}", via=FILE_VERSION)],
        limit=None,
        not_found="Call list_review_files for file version URNs.",
    ),
)
