"""Reviews (construction/reviews/v1): approval workflows, reviews, step progress and the file versions under review.

Every GET the reference documents, with its filters, single-field `sort=field [asc|desc]`, and `limit`/`offset`
paging (1–50, default 50) into `{"results": …, "pagination": {limit, offset, totalResults, nextUrl?}}`. Review
and workflow ids must be UUIDs: ACC answers 400 when given the numeric sequence id shown in the UI, and so
does the sandbox, so a client that mixes the two up finds out here rather than in production.
"""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.routing import BaseRoute

from .engine import Ctx, Get, List, Row, Sort, by_id, mount
from .filters import Dated, Flag, OneOf, Record, Test, Where, query_bool
from .http import ApiError, query_list
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


def _uuid_param(c: Ctx, name: str) -> str:
    value = c.param(name)
    try:
        uuid.UUID(value)
    except ValueError:
        raise ApiError(
            400, f"{name} must be a UUID, got {value!r} (use the id from the list endpoint, not the sequence id)."
        ) from None
    return value.lower()


def _review(c: Ctx) -> Record:
    return by_id(c.state.reviews.get(c.pid, []), _uuid_param(c, "reviewId"), "Review", f"project {c.pid}")


def _workflow(c: Ctx, workflow_id: str) -> Record:
    return by_id(c.state.workflows.get(c.pid, []), workflow_id, "Approval workflow", f"project {c.pid}")


def _initiator(request: Request, _raw: str) -> Test:
    """Ignored for project admins, which the sandbox caller is; but not allowed together with a status."""
    query_bool(request, "filter[initiator]")
    if query_list(request, "filter[status]"):
        raise ApiError(400, "filter[initiator] cannot be used together with filter[status].")
    return lambda _w: True


def _next_action(request: Request, user_id: str) -> Test:
    """Directly a candidate or claimer, or a candidate through one's role or company (as the reference says)."""
    world = request.app.state.world
    user = world.user(user_id)
    company = world.company(user["companyId"]) if user else None
    roles = {role_autodesk_id(r["id"]) for r in user["roles"]} if user else set()

    def test(review: Record) -> bool:
        nxt = review["nextActionBy"]
        cands = nxt["candidates"]
        if any(u["autodeskId"] == user_id for u in [*nxt["claimedBy"], *cands["users"]]):
            return True
        return any(r["autodeskId"] in roles for r in cands["roles"]) or (
            company is not None and any(c["autodeskId"] == company["oxygenId"] for c in cands["companies"])
        )

    return test


def _candidate(param: str, kind: str) -> Where:
    """filter[nextActionByRole|Company]: a review whose current step lists that role or company as a candidate."""
    return Where(
        param, lambda _r, v: lambda r: any(x["autodeskId"] == v for x in r["nextActionBy"]["candidates"][kind])
    )


def _workflow_ids(request: Request, _raw: str) -> Test:
    wanted = {w.lower() for w in query_list(request, "filter[workflowId]")}
    return lambda r: r["workflowId"] in wanted


def _archived(request: Request, raw: str) -> Test:
    """filter[archivedBy] and filter[archivedAt] apply only to archived reviews (filter[archived]=true)."""
    if not query_bool(request, "filter[archived]"):
        return lambda _r: True
    by = request.query_params.get("filter[archivedBy]")
    return lambda r: not by or bool(r["archivedBy"] and r["archivedBy"]["autodeskId"] == by)


def _sequence(_request: Request, raw: str) -> Test:
    if not raw.isdigit():
        raise ApiError(400, f"filter[sequenceId] must be an integer, got {raw!r}.")
    return lambda r: raw in str(r["sequenceId"])


def _approve_status(request: Request, _raw: str) -> Test:
    """Labels may contain commas ("Approved, see notes"), so only repeated parameters make a list here."""
    labels = [v.strip().lower() for v in request.query_params.getlist("filter[approveStatus]") if v.strip()]
    return lambda v: not labels or bool(v["approveStatus"] and v["approveStatus"]["label"].lower() in labels)


def _approvals(c: Ctx) -> list[Record]:
    version_id = c.param("versionId")
    if not version_id.startswith("urn:") or "?version=" not in version_id:
        raise ApiError(
            400,
            f"versionId must be a URL-encoded file version URN such as "
            f"urn%3Aadsk.wipprod%3Afs.file%3Avf.X%3Fversion%3D2, got {version_id!r}.",
        )
    data: ReviewsData = c.state
    return data.approvals.get((c.pid, version_id), [])


class ArchivedAt:
    """filter[archivedAt], only together with filter[archived]=true."""

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        return Dated("archivedAt").apply(request, items) if query_bool(request, "filter[archived]") else items


def _name(_request: Request, raw: str) -> Test:
    return lambda r: raw.lower() in r["name"].lower()


ROWS: list[Row] = [
    List(
        "reviews.workflows.list",
        lambda c: c.state.workflows.get(c.pid, []),
        filters=[Where("filter[initiator]", _initiator), OneOf("status", WORKFLOW_STATUSES, default=("ACTIVE",))],
        sort=Sort(WORKFLOW_SORTS, single=True),
    ),
    Get("reviews.workflows.get", lambda c: _workflow(c, _uuid_param(c, "workflowId"))),
    List(
        "reviews.reviews.list",
        lambda c: c.state.reviews.get(c.pid, []),
        filters=[
            Flag("archived", default=False),
            Where("filter[archivedBy]", _archived),
            ArchivedAt(),
            Where("filter[workflowId]", _workflow_ids),
            OneOf("status", REVIEW_STATUSES),
            *(Dated(k) for k in ("currentStepDueDate", "createdAt", "updatedAt", "finishedAt")),
            Where("filter[nextActionByUser]", _next_action),
            _candidate("filter[nextActionByRole]", "roles"),
            _candidate("filter[nextActionByCompany]", "companies"),
            Where("filter[name]", _name),
            Where("filter[sequenceId]", _sequence),
        ],
        sort=Sort(REVIEW_SORTS, single=True),
    ),
    Get("reviews.reviews.get", _review),
    Get(
        "reviews.review_workflow.get",
        lambda c: {k: v for k, v in _workflow(c, _review(c)["workflowId"]).items() if k not in _SNAPSHOT_DROP},
    ),
    List("reviews.progress.list", lambda c: c.state.progress[_review(c)["id"]]),
    List(
        "reviews.versions.list",
        lambda c: c.state.versions[_review(c)["id"]],
        filters=[Where("filter[approveStatus]", _approve_status)],
    ),
    List("reviews.approval_statuses.list", _approvals),
]


def routes() -> list[BaseRoute]:
    return mount("reviews", ROWS)
