"""RFIs (construction/rfis/v3): POST search:rfis, GET rfis/:rfiId and GET users/me.

search:rfis pages in the body (`limit` 1-200, default 10; `offset`) and answers `{"results", "pagination":
{limit, offset, totalResults}}` with no next URL, as the reference shows. The body is checked the way a
schema-validating API would: an unknown key or a value of the wrong type is a 400, so a client's typo fails
loudly here rather than silently returning everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import rfis_data
from .filters import range_filter
from .http import ApiError, json_body, ok, require_project, state_of, world_of
from .rfis_data import EU_STATUSES, US_STATUSES, ProjectRfis
from .world import World

MAX_LIMIT = 200
_LIST_FILTERS = (
    "status",
    "officialResponseStatus",
    "assignedTo",
    "locations",
    "createdBy",
    "costImpact",
    "scheduleImpact",
    "priority",
    "id",
    "reference",
    "discipline",
    "category",
    "rfiTypeId",
    "customIdentifier",
    "customAttributes",
)
_DATE_FILTERS = ("createdAt", "updatedAt", "closedAt", "dueDate")
SORTABLE = (
    "customIdentifier",
    "title",
    "status",
    "dueDate",
    "createdAt",
    "updatedAt",
    "closedAt",
    "respondedAt",
    "answeredAt",
    "priority",
    "costImpact",
    "scheduleImpact",
    "createdBy",
    "managerId",
)
_DETAIL_ONLY = ("responses", "draftResponses", "maxAssignees")


class RfisState:
    """The RFIs of one sandbox app, generated per project on first use."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._projects: dict[str, ProjectRfis] = {}

    def project(self, project: dict[str, Any]) -> ProjectRfis:
        if project["id"] not in self._projects:
            self._projects[project["id"]] = rfis_data.generate(self.world, project)
        return self._projects[project["id"]]


def seed(world: World) -> RfisState:
    return RfisState(world)


def _data(request: Request) -> ProjectRfis:
    project = require_project(request)
    state: RfisState = state_of(request, "rfis")
    return state.project(project)


def _permitted(rfi: dict[str, Any], detail: bool) -> dict[str, Any]:
    """What the signed-in user (the account admin, the project's RFI manager) may do with this RFI."""
    actions: dict[str, Any] = {"share": True, "nudge": rfi["status"] in ("submitted", "open")}
    if not detail:
        return actions
    live = rfi["status"] not in ("closed", "void")
    actions["updateRfi"] = {
        "permittedStatuses": {"wfUS": _transitions(rfi["status"]), "wfEU": []},
        "permittedAttributes": [{"name": n, "values": []} for n in ("title", "question", "dueDate", "assignedTo")],
        "useCustomAttributes": True,
    }
    actions |= {"createComment": True, "createResponse": live, "createResponseOnBehalf": live}
    actions["remainingReviewers"] = [r for r in rfi["reviewers"] if rfi["status"] == "open"]
    return actions | {"createDocumentReference": live, "removeDocumentReference": live}


def _transitions(status: str) -> list[dict[str, Any]]:
    nxt = {"draft": ("submitted", "open", "void"), "submitted": ("open", "rejected", "void"), "open": ("answered",)}
    nxt |= {"answered": ("closed", "open"), "rejected": ("submitted", "void"), "closed": ("open",), "void": ()}
    return [
        {"status": s, "maxAssignees": 10 if s == "open" else 1, "requiredAttributes": [], "permittedAttributes": []}
        for s in nxt[status]
    ]


def _render(rfi: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    out = {k: v for k, v in rfi.items() if detail or k not in _DETAIL_ONLY}
    out["permittedActions"] = _permitted(rfi, detail)
    if detail:
        out["maxAssignees"] = 10
    return out


# search body ---------------------------------------------------------------------------------------------


def _int(body: dict[str, Any], key: str, default: int, low: int, high: int | None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, f"{key} must be an integer, got {value!r}.")
    if value < low or (high is not None and value > high):
        raise ApiError(400, f"{key} must be between {low} and {high}, got {value}." if high else f"{key} >= {low}.")
    return value


def _strings(name: str, value: Any) -> list[str]:
    """A filter that takes one string or a list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ApiError(400, f"filter.{name} must be a string or an array of strings.")


def _filters(raw: Any) -> list[Callable[[dict[str, Any]], bool]]:
    if not isinstance(raw, dict):
        raise ApiError(400, "filter must be an object.")
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for name, value in raw.items():
        if name == "includeHidden":
            if not isinstance(value, bool):
                raise ApiError(400, "filter.includeHidden must be a boolean.")
        elif name in _DATE_FILTERS:
            if not isinstance(value, str):
                raise ApiError(400, f"filter.{name} must be a date string, e.g. 2024-05-01..2024-05-31.")
            tests.append(_date_test(name, range_filter(value, name=f"filter.{name}")))
        elif name in _LIST_FILTERS:
            tests.append(_list_test(name, _strings(name, value)))
        else:
            raise ApiError(400, f"Unknown filter {name!r}.")
    return tests


def _date_test(name: str, test: Callable[[str | None], bool]) -> Callable[[dict[str, Any]], bool]:
    return lambda r: test(r[name])


def _list_test(name: str, wanted: list[str]) -> Callable[[dict[str, Any]], bool]:
    if name == "status" and (bad := [s for s in wanted if s not in US_STATUSES + EU_STATUSES]):
        raise ApiError(400, f"Invalid filter.status {bad[0]!r}. Possible values: {', '.join(US_STATUSES)}.")
    if name == "customAttributes":
        pairs = [tuple(p.strip() for p in w.split(":", 1)) for w in wanted]
        if any(len(p) != 2 for p in pairs):
            raise ApiError(400, "filter.customAttributes takes '<attributeId>: <valueId>'.")
        return lambda r: any(
            a["id"] == p[0] and p[1] in a["values"] for a in r["customAttributes"] for p in pairs if len(p) == 2
        )
    if name == "assignedTo":
        return lambda r: any(a["id"] in wanted for a in r["assignedTo"])
    if name in ("locations", "discipline", "category"):
        return lambda r: any(v in wanted for v in r[name])
    return lambda r: r[name] in wanted


def _sort(items: list[dict[str, Any]], raw: Any) -> list[dict[str, Any]]:
    """`sort: [{"field": "createdAt", "order": "DESC"}, …]`, the first rule deciding first; unset values last."""
    if not isinstance(raw, list) or not all(isinstance(rule, dict) for rule in raw):
        raise ApiError(400, 'sort must be an array of {"field": …, "order": "ASC" | "DESC"} objects.')
    out = list(items)
    for rule in reversed(raw):
        field, order = rule.get("field"), str(rule.get("order", "ASC")).upper()
        if field not in SORTABLE:
            raise ApiError(400, f"Cannot sort by {field!r}. Sortable fields: {', '.join(SORTABLE)}.")
        if order not in ("ASC", "DESC") or set(rule) - {"field", "order"}:
            raise ApiError(400, f"Invalid sort rule {rule!r}: order must be ASC or DESC.")
        known = sorted((r for r in out if r[field] is not None), key=lambda r: r[field], reverse=order == "DESC")
        out = known + [r for r in out if r[field] is None]
    return out


async def search_rfis(request: Request) -> Response:
    data = _data(request)
    body = await json_body(request)
    if unknown := set(body) - {"limit", "offset", "search", "sort", "filter", "fields"}:
        raise ApiError(400, f"Unknown search parameter {sorted(unknown)[0]!r}.")
    limit = _int(body, "limit", 10, 1, MAX_LIMIT)
    offset = _int(body, "offset", 0, 0, None)
    items = data.rfis
    for test in _filters(body.get("filter", {})):
        items = [r for r in items if test(r)]
    search = body.get("search")
    if search is not None:
        if not isinstance(search, str):
            raise ApiError(400, "search must be a string.")
        needle = search.strip().casefold()
        fields = ("title", "question", "officialResponse")
        items = [r for r in items if any(needle in (r[f] or "").casefold() for f in fields)]
    if "sort" in body:
        items = _sort(items, body["sort"])
    results = [_render(r, detail=False) for r in items[offset : offset + limit]]
    if "fields" in body:
        wanted = body["fields"]
        if not isinstance(wanted, list) or not all(isinstance(f, str) for f in wanted):
            raise ApiError(400, "fields must be an array of strings.")
        known = {*data.rfis[0], "previousStatus", "permittedActions"} - set(_DETAIL_ONLY)
        if bad := [f for f in wanted if f not in known]:
            raise ApiError(400, f"Unknown field {bad[0]!r} in fields.")
        results = [{k: v for k, v in r.items() if k in wanted or k == "id"} for r in results]
    return ok({"results": results, "pagination": {"limit": limit, "offset": offset, "totalResults": len(items)}})


async def get_rfi(request: Request) -> Response:
    data = _data(request)
    rfi = data.by_id.get(request.path_params["rfiId"])
    if rfi is None:
        raise ApiError(404, f"RFI {request.path_params['rfiId']} not found.")
    return ok(_render(rfi, detail=True))


async def users_me(request: Request) -> Response:
    data = _data(request)
    me = world_of(request).users[0]
    assignees = sorted({a["id"] for r in data.rfis for a in r["architects"]})
    required = [{"name": "assignedTo", "values": [{"value": a, "type": "user"} for a in assignees]}]
    create = [
        {"status": "draft", "maxAssignees": 0, "requiredAttributes": [], "permittedAttributes": []},
        {"status": "submitted", "maxAssignees": 1, "requiredAttributes": [], "permittedAttributes": []},
        {"status": "open", "maxAssignees": 10, "requiredAttributes": required, "permittedAttributes": required},
    ]
    default = next(t["id"] for t in data.rfi_types if t["isDefault"])
    return ok(
        {
            "user": {"id": me["autodeskId"], "name": me["name"], "role": "project_admin"},
            "permittedActions": {"createRfi": {"permittedStatuses": {"wfUS": create, "wfEU": create[:2]}}},
            "workflow": {"roles": ["projectGC"], "type": "US"},
            "defaultRfiType": default,
            "externalUsers": [],
            "maintenanceEndDate": None,
        }
    )


def routes() -> list[BaseRoute]:
    base = "/construction/rfis/v3/projects/{projectId}"
    return [
        Route(f"{base}/search:rfis", search_rfis, methods=["POST"]),
        Route(f"{base}/rfis/{{rfiId}}", get_rfi, methods=["GET"]),
        Route(f"{base}/users/me", users_me, methods=["GET"]),
    ]
