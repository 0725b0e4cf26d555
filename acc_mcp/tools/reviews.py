"""Reviews (construction/reviews/v1): document approval reviews and how far along each one is."""

from __future__ import annotations

from typing import Any, Literal

import anyio

from ..errors import InvalidInput, NotFound
from ..paging import Call, OffsetPaging, collect
from ..render import Row, due, estimate_tokens, when
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, NAME, PROJECT, ViewContext, limit_param, run_list
from .runtime import Runtime

BASE = "/construction/reviews/v1/projects/{project}"
NOT_FOUND = "Call list_projects for the project id, or list_reviews for review numbers."


def _next_by(r: dict[str, Any]) -> list[str]:
    nxt = r.get("nextActionBy") or {}
    claimed = [c.get("name") for c in nxt.get("claimedBy") or [] if c.get("name")]
    if claimed:
        return claimed
    cands = nxt.get("candidates") or {}
    return [c.get("name") for kind in ("users", "roles", "companies") for c in cands.get(kind) or [] if c.get("name")]


def _row(r: dict[str, Any], ctx: ViewContext) -> Row:
    # A finished review's date is in get_review_progress; the list line says what is still moving.
    open_ = r.get("status") == "OPEN"
    return {
        "#": r.get("sequenceId"),
        "name": r.get("name"),
        "status": r.get("status"),
        "due": due(r.get("currentStepDueDate"), ctx.today) if open_ else None,
        "next": _next_by(r) if open_ else None,
    }


async def list_reviews(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    params = {"filter[status]": args.get("status"), "filter[name]": args.get("name"), "sort": "createdAt desc"}
    call = Call("GET", rt.client.url(f"{BASE}/reviews", project=project_id), params)
    return await run_list(
        rt,
        args,
        tool="list_reviews",
        paging=OffsetPaging(max_page=50),
        call=call,
        view=_row,
        noun="reviews",
        group="status",
    )


async def _find_review(rt: Runtime, project_id: str, ref: str) -> dict[str, Any]:
    """A review by id, by number (sequenceId) or by a unique part of its name."""
    ref = ref.strip().lstrip("#")
    if len(ref) == 36 and ref.count("-") == 4:
        record: dict[str, Any] = await rt.client.get(rt.client.url(f"{BASE}/reviews/{{r}}", project=project_id, r=ref))
        return record
    url = rt.client.url(f"{BASE}/reviews", project=project_id)
    key = "filter[sequenceId]" if ref.isdigit() else "filter[name]"
    found = await collect(rt.fetch, OffsetPaging(max_page=50), Call("GET", url, {key: ref}), want=50)
    hits = [r for r in found.items if str(r.get("sequenceId")) == ref] if ref.isdigit() else found.items
    open_hits = [r for r in hits if r.get("status") == "OPEN"]
    if len(hits) == 1 or len(open_hits) == 1:
        return (hits if len(hits) == 1 else open_hits)[0]
    if not hits:
        raise NotFound(f"Not found (404): no review matches {ref!r} in this project.")
    names = "; ".join(f"#{r.get('sequenceId')} {r.get('name')} ({r.get('status')})" for r in hits[:8])
    raise InvalidInput(f"{ref!r} matches {len(hits)} reviews: {names}. Pass the review number.")


async def get_review_progress(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    review = await _find_review(rt, project_id, str(args["review"]))
    rid = str(review["id"])
    workflow_url = rt.client.url(f"{BASE}/reviews/{{r}}/workflow", project=project_id, r=rid)
    progress_call = Call("GET", rt.client.url(f"{BASE}/reviews/{{r}}/progress", project=project_id, r=rid))
    got: dict[str, Any] = {}

    async def fetch_workflow() -> None:
        got["workflow"] = await rt.client.get(workflow_url)

    async with anyio.create_task_group() as tg:
        tg.start_soon(fetch_workflow)
        progress = await collect(rt.fetch, OffsetPaging(max_page=50), progress_call, want=200)
    workflow = got["workflow"]
    today = rt.today()
    steps = [s for s in (workflow or {}).get("steps") or [] if isinstance(s, dict)]
    order = {s.get("id"): n for n, s in enumerate(steps, start=1)}
    current = order.get(review.get("currentStepId"))
    where = f"step {current} of {len(steps)}" if current and review.get("status") == "OPEN" else review.get("status")
    lines = [
        f"Review #{review.get('sequenceId')} {review.get('name')} · {review.get('status')} · {where}",
        f"workflow {workflow.get('name')}" if workflow else "",
    ]
    if review.get("status") == "OPEN":
        lines.append(
            f"current step due {due(review.get('currentStepDueDate'), today)} · next action by "
            f"{', '.join(_next_by(review)) or 'unassigned'}"
        )
    elif review.get("finishedAt"):
        lines.append(f"finished {when(review.get('finishedAt'))}")
    lines.append("Steps:")
    rows: list[dict[str, Any]] = []
    entries = sorted(progress.items, key=lambda e: order.get(e.get("stepId"), 0))
    for entry in entries:
        actor = (entry.get("actionBy") or entry.get("claimedBy") or {}).get("name")
        cands = entry.get("candidates") or {}
        who = actor or ", ".join(c.get("name") for k in ("users", "roles", "companies") for c in cands.get(k) or [])
        row = {
            "step": order.get(entry.get("stepId")),
            "name": entry.get("stepName"),
            "status": entry.get("status"),
            "by": who or None,
            "done": (entry.get("endTime") or "")[:10] or None,
            "notes": entry.get("notes"),
        }
        rows.append({k: v for k, v in row.items() if v})
        text = " · ".join(str(v) if k in ("name", "status") else f"{k} {v}" for k, v in row.items() if v)
        lines.append(f"  {text}")
    reached = {e.get("stepId") for e in entries}
    for step in steps:
        if step.get("id") not in reached:
            lines.append(f"  step {order[step.get('id')]} · {step.get('name')} · not started")
    text = "\n".join(line for line in lines if line)
    if estimate_tokens(text) > rt.settings.max_result_tokens:
        text = text[: rt.settings.max_result_tokens * 3 - 60] + "\n… (cut to stay within the result budget)"
    structured = {
        "review": {
            "id": rid,
            "number": review.get("sequenceId"),
            "name": review.get("name"),
            "status": review.get("status"),
            "currentStep": current,
            "steps": len(steps),
        },
        "progress": rows,
    }
    return ToolOutput(text, structured)


TOOLS = [
    ToolSpec(
        name="list_reviews",
        description="A project's document approval reviews and who acts next.",
        toolset="reviews",
        default=True,
        params=[
            PROJECT,
            Param("status", Literal["OPEN", "CLOSED", "VOID", "FAILED"] | None, "Only this status.", None),
            NAME,
            limit_param(25, 200),
            CURSOR,
        ],
        run=list_reviews,
        endpoints=["GET /construction/reviews/v1/projects/{projectId}/reviews"],
        not_found=NOT_FOUND,
    ),
    ToolSpec(
        name="get_review_progress",
        description="Where a review stands: each workflow step, who acted, when.",
        toolset="reviews",
        default=True,
        params=[PROJECT, Param("review", str, "Number, id or name.")],
        run=get_review_progress,
        endpoints=[
            "GET /construction/reviews/v1/projects/{projectId}/reviews",
            "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/workflow",
            "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/progress",
        ],
        not_found=NOT_FOUND,
    ),
]
