"""Reviews (construction/reviews/v1): document approval reviews and how far along each one is."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import anyio

from ..render import due, estimate_tokens, render_list, render_record, when
from ..views import F, Record, View, ViewContext, name_of
from .base import Param, ToolOutput, ToolSpec
from .listing import NAME, PROJECT, Quoted
from .overdue import OverdueRule
from .refs import Finder, Ref, resolve
from .runtime import Runtime
from .spec import ListSpec, tools

NOT_FOUND = "Call list_projects for the project id, or list_reviews for review numbers."
Status = Literal["OPEN", "CLOSED", "VOID", "FAILED"]


def next_by(r: Record) -> list[str]:
    """Who acts next: whoever claimed the step, else every candidate user, role and company."""
    nxt = r.get("nextActionBy") or {}
    claimed = [c.get("name") for c in nxt.get("claimedBy") or [] if c.get("name")]
    if claimed:
        return claimed
    cands = nxt.get("candidates") or {}
    mark = {"users": "", "roles": " (role)", "companies": ""}  # a role reads as a role, not as a person
    return [f"{c['name']}{mark[kind]}" for kind in mark for c in cands.get(kind) or [] if c.get("name")]


def _open(r: Record) -> bool:
    return r.get("status") == "OPEN"


# A finished review's date is in get_review_progress; the list line says what is still moving.
REVIEW = View(
    F("#", "sequenceId", "number"),
    F("name", role="bare"),
    F("status", role="bare"),
    F("due", lambda r, ctx: due(r.get("currentStepDueDate"), ctx.today) if _open(r) else None),
    F("next", lambda r, _: next_by(r) if _open(r) else None),
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
    return (e.get("actionBy") or {}).get("name")


def _claimed(e: Record, _ctx: ViewContext) -> Any:
    return None if e.get("actionBy") else (e.get("claimedBy") or {}).get("name")


def _waiting(e: Record, _ctx: ViewContext) -> Any:
    """Who could act on a step nobody has claimed or acted on (roles read as roles)."""
    if e.get("actionBy") or e.get("claimedBy"):
        return None
    cands = e.get("candidates") or {}
    mark = {"users": "", "roles": " (role)", "companies": ""}
    return [f"{c['name']}{mark[k]}" for k in mark for c in cands.get(k) or [] if c.get("name")] or None


STEP = View(
    F("step", name_of("stepId")),
    F("name", "stepName", "bare"),
    F("status", role="bare"),
    F("by", _who),
    F("claimed by", _claimed),
    F("waiting on", _waiting),
    F("done", lambda e, _: (e.get("endTime") or "")[:10] or None),
    F("notes"),
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
    rows += [
        {"step": int(order[str(s.get("id"))]), "name": s.get("name"), "status": "not started"}
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
        ],
        fixed={"sort": "createdAt desc"},
        group="status",
        not_found=NOT_FOUND,
        fan_out=True,
        group_keys={"status": None, "next": None},
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
)
