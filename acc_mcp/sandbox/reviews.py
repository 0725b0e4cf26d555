"""Reviews (construction/reviews/v1): approval workflows, reviews, step progress and the file versions under review.

Every GET the reference documents, with its filters, single-field `sort=field [asc|desc]`, and `limit`/`offset`
paging (1–50, default 50) into `{"results": …, "pagination": {limit, offset, totalResults, nextUrl?}}`. Review
and workflow ids must be UUIDs: ACC answers 400 when given the numeric sequence id shown in the UI, and so
does the sandbox, so a client that mixes the two up finds out here rather than in production.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .http import ApiError, in_range, offset_page, ok, parse_range, query_list, require_project, state_of, world_of
from .reviews_data import ReviewsData, build, role_autodesk_id
from .world import World

REVIEW_STATUSES = ("OPEN", "CLOSED", "VOID", "FAILED")
WORKFLOW_STATUSES = ("ACTIVE", "INACTIVE")
REVIEW_SORTS = ("name", "status", "sequenceId", "currentStepDueDate", "createdAt", "finishedAt")
WORKFLOW_SORTS = ("name", "status", "updatedAt")
_SNAPSHOT_DROP = ("status", "createdAt", "updatedAt")
"""GET reviews/:id/workflow documents the workflow as applied to the review: no status or timestamps."""


def seed(world: World) -> ReviewsData:
    return build(world)


def _data(request: Request) -> ReviewsData:
    data: ReviewsData = state_of(request, "reviews")
    return data


def _page(request: Request, items: list[dict[str, Any]]) -> Response:
    return ok(offset_page(request, items, default_limit=50, max_limit=50))


def _uuid_param(request: Request, name: str) -> str:
    value = str(request.path_params[name])
    try:
        uuid.UUID(value)
    except ValueError:
        raise ApiError(
            400, f"{name} must be a UUID, got {value!r} (use the id from the list endpoint, not the sequence id)."
        ) from None
    return value.lower()


def _bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"{name} must be true or false, got {raw!r}.")
    return raw.lower() == "true"


def _sort(request: Request, items: list[dict[str, Any]], allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    """One field, `field`, `field asc` or `field desc`; records without the field sort last either way."""
    spec = (request.query_params.get("sort") or "").strip()
    if not spec:
        return items
    parts = spec.split()
    name, direction = parts[0], (parts[1].lower() if len(parts) > 1 else "asc")
    if len(parts) > 2 or "," in spec or name not in allowed or direction not in ("asc", "desc"):
        raise ApiError(400, f"Invalid sort {spec!r}: use one of {', '.join(allowed)}, optionally followed by desc.")
    present = [it for it in items if it.get(name) is not None]
    missing = [it for it in items if it.get(name) is None]
    key = (lambda it: str(it[name]).lower()) if name == "name" else (lambda it: it[name])
    return sorted(present, key=key, reverse=direction == "desc") + missing


def _choices(request: Request, name: str, allowed: tuple[str, ...]) -> list[str]:
    values = query_list(request, name)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ApiError(400, f"Invalid {name} value {bad[0]!r}. Possible values: {', '.join(allowed)}.")
    return values


def _project_review(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    project = require_project(request)
    review_id = _uuid_param(request, "reviewId")
    for review in _data(request).reviews.get(project["id"], []):
        if review["id"] == review_id:
            return project, review
    raise ApiError(404, f"Review {review_id} not found in project {project['id']}.")


def _workflow(request: Request, project_id: str, workflow_id: str) -> dict[str, Any]:
    for workflow in _data(request).workflows.get(project_id, []):
        if workflow["id"] == workflow_id:
            return workflow
    raise ApiError(404, f"Approval workflow {workflow_id} not found in project {project_id}.")


async def list_workflows(request: Request) -> Response:
    project = require_project(request)
    initiator = _bool(request, "filter[initiator]")
    statuses = _choices(request, "filter[status]", WORKFLOW_STATUSES)
    if initiator is not None and statuses:
        raise ApiError(400, "filter[initiator] cannot be used together with filter[status].")
    # filter[initiator] is ignored for project admins, which the sandbox caller is; status defaults to ACTIVE.
    wanted = statuses or ["ACTIVE"]
    items = [w for w in _data(request).workflows.get(project["id"], []) if w["status"] in wanted]
    return _page(request, _sort(request, items, WORKFLOW_SORTS))


async def get_workflow(request: Request) -> Response:
    project = require_project(request)
    return ok(_workflow(request, project["id"], _uuid_param(request, "workflowId")))


def _next_action_matches(review: dict[str, Any], user_id: str, world: World) -> bool:
    """Directly a candidate or claimer, or a candidate through one's role or company (as the reference says)."""
    nxt = review["nextActionBy"]
    cands = nxt["candidates"]
    if any(u["autodeskId"] == user_id for u in [*nxt["claimedBy"], *cands["users"]]):
        return True
    user = world.user(user_id)
    if user is None:
        return False
    company = world.company(user["companyId"])
    roles = {role_autodesk_id(r["id"]) for r in user["roles"]}
    return any(r["autodeskId"] in roles for r in cands["roles"]) or (
        company is not None and any(c["autodeskId"] == company["oxygenId"] for c in cands["companies"])
    )


def _filter_reviews(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    q = request.query_params
    archived = _bool(request, "filter[archived]")
    items = [r for r in items if r["archived"] == bool(archived)]
    if archived:
        if by := q.get("filter[archivedBy]"):
            items = [r for r in items if r["archivedBy"] and r["archivedBy"]["autodeskId"] == by]
        if when := q.get("filter[archivedAt]"):
            bounds = parse_range(when, name="filter[archivedAt]")
            items = [r for r in items if in_range(r["archivedAt"], bounds)]
    if workflow_ids := query_list(request, "filter[workflowId]"):
        items = [r for r in items if r["workflowId"] in {w.lower() for w in workflow_ids}]
    if statuses := _choices(request, "filter[status]", REVIEW_STATUSES):
        items = [r for r in items if r["status"] in statuses]
    for key in ("currentStepDueDate", "createdAt", "updatedAt", "finishedAt"):
        if raw := q.get(f"filter[{key}]"):
            bounds = parse_range(raw, name=f"filter[{key}]")
            items = [r for r in items if in_range(r[key], bounds)]
    if user_id := q.get("filter[nextActionByUser]"):
        world = world_of(request)
        items = [r for r in items if _next_action_matches(r, user_id, world)]
    if role_id := q.get("filter[nextActionByRole]"):
        items = [r for r in items if any(x["autodeskId"] == role_id for x in r["nextActionBy"]["candidates"]["roles"])]
    if company_id := q.get("filter[nextActionByCompany]"):
        items = [
            r for r in items if any(x["autodeskId"] == company_id for x in r["nextActionBy"]["candidates"]["companies"])
        ]
    if name := q.get("filter[name]"):
        items = [r for r in items if name.lower() in r["name"].lower()]
    if sequence := q.get("filter[sequenceId]"):
        if not sequence.isdigit():
            raise ApiError(400, f"filter[sequenceId] must be an integer, got {sequence!r}.")
        items = [r for r in items if sequence in str(r["sequenceId"])]
    return items


async def list_reviews(request: Request) -> Response:
    project = require_project(request)
    items = _filter_reviews(request, list(_data(request).reviews.get(project["id"], [])))
    return _page(request, _sort(request, items, REVIEW_SORTS))


async def get_review(request: Request) -> Response:
    return ok(_project_review(request)[1])


async def get_review_workflow(request: Request) -> Response:
    project, review = _project_review(request)
    workflow = _workflow(request, project["id"], review["workflowId"])
    return ok({k: v for k, v in workflow.items() if k not in _SNAPSHOT_DROP})


async def list_progress(request: Request) -> Response:
    _project, review = _project_review(request)
    return _page(request, _data(request).progress[review["id"]])


async def list_review_versions(request: Request) -> Response:
    _project, review = _project_review(request)
    items = _data(request).versions[review["id"]]
    # Labels may contain commas ("Approved, see notes"), so only repeated parameters make a list here.
    if labels := [v.strip().lower() for v in request.query_params.getlist("filter[approveStatus]") if v.strip()]:
        items = [v for v in items if v["approveStatus"] and v["approveStatus"]["label"].lower() in labels]
    return _page(request, items)


async def list_approval_statuses(request: Request) -> Response:
    project = require_project(request)
    version_id = str(request.path_params["versionId"])
    if not version_id.startswith("urn:") or "?version=" not in version_id:
        raise ApiError(
            400,
            f"versionId must be a URL-encoded file version URN such as "
            f"urn%3Aadsk.wipprod%3Afs.file%3Avf.X%3Fversion%3D2, got {version_id!r}.",
        )
    return _page(request, _data(request).approvals.get((project["id"], version_id), []))


def routes() -> list[BaseRoute]:
    base = "/construction/reviews/v1/projects/{projectId}"
    return [
        Route(f"{base}/workflows", list_workflows, methods=["GET"]),
        Route(f"{base}/workflows/{{workflowId}}", get_workflow, methods=["GET"]),
        Route(f"{base}/reviews", list_reviews, methods=["GET"]),
        Route(f"{base}/reviews/{{reviewId}}", get_review, methods=["GET"]),
        Route(f"{base}/reviews/{{reviewId}}/workflow", get_review_workflow, methods=["GET"]),
        Route(f"{base}/reviews/{{reviewId}}/progress", list_progress, methods=["GET"]),
        Route(f"{base}/reviews/{{reviewId}}/versions", list_review_versions, methods=["GET"]),
        Route(f"{base}/versions/{{versionId}}/approval-statuses", list_approval_statuses, methods=["GET"]),
    ]
