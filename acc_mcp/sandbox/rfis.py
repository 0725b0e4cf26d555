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
from starlette.routing import BaseRoute

from ..endpoints import endpoint
from . import rfis_data
from .engine import Ctx, Get, Handle, PerProject, Row, in_project, mount
from .filters import Record, range_filter
from .http import ApiError, json_body, ok, state_of
from .pages import body_window, offset_page
from .rfis_data import EU_STATUSES, US_STATUSES, ProjectRfis
from .sorting import Key, check, order, parse_rules
from .world import World

_LIST_FILTERS = (
    "status", "officialResponseStatus", "assignedTo", "locations", "createdBy", "costImpact", "scheduleImpact",
    "priority", "id", "reference", "discipline", "category", "rfiTypeId", "customIdentifier", "customAttributes",
)  # fmt: skip
_DATE_FILTERS = ("createdAt", "updatedAt", "closedAt", "dueDate")
SORTABLE = (
    "customIdentifier", "title", "status", "dueDate", "createdAt", "updatedAt", "closedAt", "respondedAt",
    "answeredAt", "priority", "costImpact", "scheduleImpact", "createdBy", "managerId",
)  # fmt: skip
_DETAIL_ONLY = ("responses", "draftResponses", "maxAssignees")


RfisState = PerProject[ProjectRfis]


def seed(world: World) -> RfisState:
    return PerProject(world, rfis_data.generate)


def _data(c: Ctx) -> ProjectRfis:
    state: RfisState = c.state
    return state.project(c.project or {})


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


async def search_rfis(request: Request) -> Response:
    """POST search:rfis: a JSON body of filters, sort rules and limit/offset, checked like a schema would."""
    c = in_project(request, state_of(request, "rfis"))
    data = _data(c)
    body = await json_body(request)
    if unknown := set(body) - {"limit", "offset", "search", "sort", "filter", "fields"}:
        raise ApiError(400, f"Unknown search parameter {sorted(unknown)[0]!r}.")
    limit, offset = body_window(body, endpoint("rfis.rfis.search"))
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
        rules = parse_rules(body["sort"])
        check(rules, SORTABLE)
        items = order(items, rules, {f: _raw(f) for f in SORTABLE})
    results = [_render(r, detail=False) for r in items[offset : offset + limit]]
    if "fields" in body:
        wanted = body["fields"]
        if not isinstance(wanted, list) or not all(isinstance(f, str) for f in wanted):
            raise ApiError(400, "fields must be an array of strings.")
        known = {*data.rfis[0], "previousStatus", "permittedActions"} - set(_DETAIL_ONLY)
        if bad := [f for f in wanted if f not in known]:
            raise ApiError(400, f"Unknown field {bad[0]!r} in fields.")
        results = [{k: v for k, v in r.items() if k in wanted or k == "id"} for r in results]
    return ok({"results": results, "pagination": offset_page(None, items, limit, offset)["pagination"]})


def _raw(name: str) -> Key:
    """RFIs sort by the stored value as is (custom identifiers and titles compare case-sensitively)."""
    return lambda r: r[name]


def get_rfi(c: Ctx) -> Record:
    rfi = _data(c).by_id.get(c.param("rfiId"))
    if rfi is None:
        raise ApiError(404, f"RFI {c.param('rfiId')} not found.")
    return _render(rfi, detail=True)


def users_me(c: Ctx) -> Record:
    data = _data(c)
    me = c.world.users[0]
    assignees = sorted({a["id"] for r in data.rfis for a in r["architects"]})
    required = [{"name": "assignedTo", "values": [{"value": a, "type": "user"} for a in assignees]}]
    create = [
        {"status": "draft", "maxAssignees": 0, "requiredAttributes": [], "permittedAttributes": []},
        {"status": "submitted", "maxAssignees": 1, "requiredAttributes": [], "permittedAttributes": []},
        {"status": "open", "maxAssignees": 10, "requiredAttributes": required, "permittedAttributes": required},
    ]
    default = next(t["id"] for t in data.rfi_types if t["isDefault"])
    return {
        "user": {"id": me["autodeskId"], "name": me["name"], "role": "project_admin"},
        "permittedActions": {"createRfi": {"permittedStatuses": {"wfUS": create, "wfEU": create[:2]}}},
        "workflow": {"roles": ["projectGC"], "type": "US"},
        "defaultRfiType": default,
        "externalUsers": [],
        "maintenanceEndDate": None,
    }


ROWS: list[Row] = [
    Handle("rfis.rfis.search", search_rfis),
    Get("rfis.rfis.get", get_rfi),
    Get("rfis.me.get", users_me),
]


def routes() -> list[BaseRoute]:
    return mount("rfis", ROWS)
