"""Issues (construction/issues/v1): the profile, types, custom fields, root causes, issues, comments, attachments.

Every GET in the reference is served with its documented query parameters: the issue list applies each
`filter[...]` the reference lists (comma-separated values are OR-ed, filters are AND-ed), `sortBy` with `-`
for descending, `fields`, and `limit` (1-100, default 100) / `offset`. A project's records are generated on
its first request (see issues_data), so building a sandbox stays instant even with the 10,000-issue project.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import issues_data
from .http import ApiError, ok, paginate, parse_datetime, query_int, query_list, require_project, state_of, world_of
from .issues_data import STATUSES, ProjectIssues, phrases
from .world import World

SORTABLE = phrases(
    "displayId title description status assignedTo assignedToType dueDate locationDetails published closedBy "
    "closedAt createdBy createdAt updatedAt issueSubType issueType customAttributes startDate rootCause",
    " ",
)
FIELDS = phrases(
    "id displayId title description issueTypeId issueSubtypeId status assignedTo assignedToType dueDate startDate "
    "locationId locationDetails rootCauseTitle rootCauseId permittedStatuses permittedAttributes permittedActions "
    "published commentCount openedBy openedAt closedBy closedAt createdBy createdAt updatedBy updatedAt "
    "customAttributes",
    " ",
)
ALWAYS = ("id", "title", "status", "issueTypeId")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class IssuesState:
    """The Issues records of one sandbox app, generated per project on first use and kept for the app's life."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._projects: dict[str, ProjectIssues] = {}

    def project(self, project: dict[str, Any]) -> ProjectIssues:
        pid = project["id"]
        if pid not in self._projects:
            self._projects[pid] = issues_data.generate(self.world, project)
        return self._projects[pid]


def seed(world: World) -> IssuesState:
    return IssuesState(world)


def _data(request: Request) -> tuple[dict[str, Any], ProjectIssues]:
    project = require_project(request)
    state: IssuesState = state_of(request, "issues")
    return project, state.project(project)


# query parsing ---------------------------------------------------------------------------------------------


def range_filter(raw: str, *, name: str, date_only: bool = False) -> Callable[[str | None], bool]:
    """ACC's date filters: comma-separated `a..b`, `a..`, `..b` or a single day, OR-ed; `null` matches unset.

    A bare date bound covers that whole day (UTC); a single date-time means the 24 hours from that instant,
    which is how a client outside UTC asks for "its" day. Timestamps in the data are ISO strings in one format,
    so bounds are turned into strings of the same format and compared as strings.
    """
    bounds: list[tuple[str, str]] = []
    allow_null = False
    for value in (v.strip() for v in raw.split(",")):
        if not value:
            continue
        if value == "null" and not date_only:
            allow_null = True
            continue
        low, sep, high = value.partition("..")
        if not low and not high:
            raise ApiError(400, f"Invalid {name}: {raw!r}. Use YYYY-MM-DD, a..b, a.. or ..b.")
        if date_only:
            for part in (low, high):
                if part and not (_DAY.fullmatch(part) and _valid_day(part)):
                    raise ApiError(400, f"Invalid {name}: {part!r}. Use the YYYY-MM-DD format.")
            bounds.append((low or "0000", high or (low if not sep else "9999")))
            continue
        if not sep:
            start = _instant(low, name)
            bounds.append((_stamp(start), _stamp(start, timedelta(days=1))))
            continue
        lo = _stamp(_instant(low, name)) if low else ""
        step = timedelta(days=1) if len(high) == 10 else timedelta(milliseconds=1)
        bounds.append((lo, _stamp(_instant(high, name), step) if high else "~"))
    if date_only:
        return lambda v: v is not None and any(lo <= v <= hi for lo, hi in bounds)
    return lambda v: allow_null if v is None else any(lo <= v < hi for lo, hi in bounds)


def _valid_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _instant(value: str, name: str) -> datetime:
    return parse_datetime(value, name=name).astimezone(UTC)


def _stamp(at: datetime, plus: timedelta = timedelta(0)) -> str:
    """`at + plus` in the data's timestamp format ("~", after every timestamp, past year 9999)."""
    try:
        return (at + plus).isoformat(timespec="milliseconds")[:23] + "Z"
    except OverflowError:
        return "~"


def query_bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"Query parameter {name} must be true or false, got {raw!r}.")
    return raw.lower() == "true"


def _dated(request: Request, items: list[dict[str, Any]], keys: tuple[str, ...], **kw: bool) -> list[dict[str, Any]]:
    for key in keys:
        raw = request.query_params.get(f"filter[{key}]")
        if raw:
            test = range_filter(raw, name=f"filter[{key}]", **kw)
            items = [i for i in items if test(i[key])]
    return items


def _page(request: Request, items: list[dict[str, Any]], *, default: int, maximum: int) -> dict[str, Any]:
    limit = query_int(request, "limit", default, minimum=1, maximum=maximum)
    return paginate(request, items, limit=limit, offset=query_int(request, "offset", 0))


def _sorted(items: list[dict[str, Any]], spec: str, keys: dict[str, Callable[[dict[str, Any]], Any]]) -> list[Any]:
    """`a,-b`: stable sorts from the last key to the first; unset values go last in either direction."""
    out = list(items)
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    for part in reversed(parts):
        name = part.removeprefix("-")
        key = keys.get(name)
        if key is None:
            fields = ", ".join(dict.fromkeys(k if "[" not in k else "customAttributes[<id>]" for k in keys))
            raise ApiError(400, f"Cannot sort by {name!r}. Sortable fields: {fields}.")
        present = [(key(i), i) for i in out]
        known = [p for p in present if p[0] is not None]
        known.sort(key=lambda p: p[0], reverse=part.startswith("-"))
        out = [i for _, i in known] + [i for v, i in present if v is None]
    return out


# routes ------------------------------------------------------------------------------------------------------


async def users_me(request: Request) -> Response:
    project = require_project(request)
    world = world_of(request)
    me = world.users[0]
    member = next((m for m in world.project_members(project["id"]) if m["id"] == me["id"]), None)
    if member is None:
        raise ApiError(403, "The signed-in user is not a member of this project.", code="FORBIDDEN")
    new = {"permittedActions": list(issues_data.ACTIONS), "permittedAttributes": list(issues_data.ATTRIBUTES)}
    new |= {"permittedStatuses": list(STATUSES)}
    new |= {"permitted_actions": new["permittedActions"], "permitted_attributes": new["permittedAttributes"]}
    new |= {"permitted_statuses": list(STATUSES)}
    admin = bool(member["accessLevels"].get("projectAdmin"))
    return ok(
        {
            "id": me["autodeskId"],
            "isProjectAdmin": admin,
            "canManageTemplates": admin,
            "issues": {"new": new, "filter": {"permittedStatuses": list(STATUSES)}},
            "permissionLevels": ["create", "read", "write"] if admin else ["create", "read"],
        }
    )


async def issue_types(request: Request) -> Response:
    _project, data = _data(request)
    items = data.issue_types
    if (active := query_bool(request, "filter[isActive]")) is not None:
        items = [t for t in items if t["isActive"] is active]
    items = _dated(request, items, ("updatedAt",))
    with_subtypes = "subtypes" in query_list(request, "include")
    items = [t if with_subtypes else {k: v for k, v in t.items() if k != "subtypes"} for t in items]
    return ok(_page(request, items, default=200, maximum=200))


def _undeleted_unless_asked(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Deleted records show only through filter[deletedAt] (with `null` in it to keep the live ones too)."""
    if not request.query_params.get("filter[deletedAt]"):
        return [i for i in items if i["deletedAt"] is None]
    return _dated(request, items, ("deletedAt",))


async def attribute_definitions(request: Request) -> Response:
    _project, data = _data(request)
    items = _dated(request, _undeleted_unless_asked(request, data.attribute_definitions), ("createdAt", "updatedAt"))
    if kinds := query_list(request, "filter[dataType]"):
        if bad := [k for k in kinds if k not in ("list", "text", "paragraph", "numeric")]:
            raise ApiError(400, f"filter[dataType] must be list, text, paragraph or numeric, got {bad[0]!r}.")
        items = [d for d in items if d["dataType"] in kinds]
    return ok(_page(request, items, default=200, maximum=200))


async def attribute_mappings(request: Request) -> Response:
    _project, data = _data(request)
    items = _dated(request, _undeleted_unless_asked(request, data.attribute_mappings), ("createdAt", "updatedAt"))
    for key in ("attributeDefinitionId", "mappedItemId"):
        if wanted := query_list(request, f"filter[{key}]"):
            items = [m for m in items if m[key] in wanted]
    return ok(_page(request, items, default=200, maximum=200))


async def root_cause_categories(request: Request) -> Response:
    _project, data = _data(request)
    items = _dated(request, data.root_cause_categories, ("updatedAt",))
    with_causes = "rootcauses" in [v.lower() for v in query_list(request, "include")]
    items = [c if with_causes else {k: v for k, v in c.items() if k != "rootCauses"} for c in items]
    return ok(_page(request, items, default=200, maximum=200))


def _sort_keys(data: ProjectIssues) -> dict[str, Callable[[dict[str, Any]], Any]]:
    types = {t["id"]: t["title"] for t in data.issue_types}
    subtypes = {s["id"]: s["title"] for t in data.issue_types for s in t["subtypes"]}
    causes = {r["id"]: r["title"] for c in data.root_cause_categories for r in c["rootCauses"]}
    keys = {n: _field_key(n) for n in SORTABLE if n not in ("issueType", "issueSubType", "rootCause")}
    del keys["customAttributes"]  # sortable only as customAttributes[<attributeDefinitionId>]
    keys["issueType"] = lambda i: types.get(i["issueTypeId"])
    keys["issueSubType"] = lambda i: subtypes.get(i["issueSubtypeId"])
    keys["rootCause"] = lambda i: causes.get(i["rootCauseId"]) if i["rootCauseId"] else None
    for attr in data.attribute_definitions:
        keys[f"customAttributes[{attr['id']}]"] = _attr_key(attr)
    return keys


def _field_key(name: str) -> Callable[[dict[str, Any]], Any]:
    def key(item: dict[str, Any]) -> Any:
        value = item[name]
        return value.casefold() if isinstance(value, str) else value

    return key


def _attr_key(attr: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
    """Sort by a custom field's shown value: the option's text for lists, the number for numeric fields."""
    options = {o["id"]: o["value"] for o in attr.get("metadata", {}).get("list", {}).get("options", [])}

    def key(issue: dict[str, Any]) -> Any:
        value = next((c["value"] for c in issue["customAttributes"] if c["attributeDefinitionId"] == attr["id"]), None)
        if value is None:
            return None
        return float(value) if attr["dataType"] == "numeric" else options.get(value, value).casefold()

    return key


def _filter_issues(request: Request, data: ProjectIssues) -> list[dict[str, Any]]:
    q = request.query_params
    deleted = query_bool(request, "filter[deleted]") or False
    items = [i for i in data.issues if i["deleted"] is deleted]
    for key in ("id", "issueTypeId", "issueSubtypeId", "assignedTo", "createdBy", "updatedBy", "closedBy"):
        if wanted := set(query_list(request, f"filter[{key}]")):
            items = [i for i in items if i[key] in wanted]
    for key in ("rootCauseId", "locationId"):
        if wanted := set(query_list(request, f"filter[{key}]")):
            items = [i for i in items if i[key] in wanted]
    if statuses := query_list(request, "filter[status]"):
        if bad := [s for s in statuses if s not in STATUSES]:
            raise ApiError(400, f"Invalid filter[status] {bad[0]!r}. Possible values: {', '.join(STATUSES)}.")
        items = [i for i in items if i["status"] in statuses]
    if kinds := query_list(request, "filter[assignedToType]"):
        if bad := [k for k in kinds if k not in ("user", "company", "role", "null")]:
            raise ApiError(400, f"Invalid filter[assignedToType] {bad[0]!r}. Use user, company, role or null.")
        items = [i for i in items if (i["assignedToType"] or "null") in kinds]
    if numbers := query_list(request, "filter[displayId]"):
        if bad := [n for n in numbers if not n.isdigit()]:
            raise ApiError(400, f"filter[displayId] takes integers, got {bad[0]!r}.")
        wanted_ids = {int(n) for n in numbers}
        items = [i for i in items if i["displayId"] in wanted_ids]
    if roots := query_list(request, "filter[subLocationId]"):
        under = _descendants(data, set(roots))
        items = [i for i in items if i["locationId"] in under]
    if urns := query_list(request, "filter[linkedDocumentUrn]"):
        items = [i for i in items if any(_pinned(d, urns) for d in i["linkedDocuments"])]
    if text := (q.get("filter[search]") or "").strip():
        needle = text.casefold()
        items = [i for i in items if needle in i["title"].casefold() or text == str(i["displayId"])]
    if (valid := query_bool(request, "filter[valid]")) is not None:
        items = [i for i in items if bool(i["issueTypeId"] and i["issueSubtypeId"]) is valid]
    for param, raw in q.multi_items():
        if param.startswith("filter[customAttributes][") and param.endswith("]"):
            attr_id, values = param[len("filter[customAttributes][") : -1], {v.strip() for v in raw.split(",")}
            items = [i for i in items if _attr_matches(i, attr_id, values)]
    items = _dated(request, items, ("dueDate", "startDate"), date_only=True)
    return _dated(request, items, ("createdAt", "updatedAt", "closedAt"))


def _descendants(data: ProjectIssues, roots: set[str]) -> set[str]:
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = {n["id"] for n in data.locations if n["parentId"] in frontier} - found
        found |= frontier
    return found


def _pinned(doc: dict[str, Any], urns: list[str]) -> bool:
    """`urn` matches pushpins on any version; `urn@N` those placed on version N or earlier."""
    for wanted in urns:
        urn, _, version = wanted.partition("@")
        if doc["urn"] == urn and (not version.isdigit() or doc["createdAtVersion"] <= int(version)):
            return True
    return False


def _attr_matches(issue: dict[str, Any], attr_id: str, values: set[str]) -> bool:
    return any(c["attributeDefinitionId"] == attr_id and c["value"] in values for c in issue["customAttributes"])


def _shape(request: Request, data: ProjectIssues, issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Full issue objects, or only `fields` (plus the four the reference always returns)."""
    rendered = [issues_data.render(i, data.project_id) for i in issues]
    fields = query_list(request, "fields")
    if not fields:
        return rendered
    if bad := [f for f in fields if f not in FIELDS]:
        raise ApiError(400, f"Unknown field {bad[0]!r} in fields. Possible values: {', '.join(FIELDS)}.")
    keep = {*fields, *ALWAYS}
    causes = {r["id"]: r["title"] for c in data.root_cause_categories for r in c["rootCauses"]}
    out = []
    for issue in rendered:
        shaped = {k: v for k, v in issue.items() if k in keep}
        if "rootCauseTitle" in keep:
            shaped["rootCauseTitle"] = causes.get(issue["rootCauseId"] or "")
        out.append(shaped)
    return out


async def list_issues(request: Request) -> Response:
    _project, data = _data(request)
    items = _filter_issues(request, data)
    if spec := request.query_params.get("sortBy"):
        items = _sorted(items, spec, _sort_keys(data))
    page = _page(request, items, default=100, maximum=100)
    if not query_list(request, "fields"):
        return _full_page(page, data)
    page["results"] = _shape(request, data, page["results"])
    return ok(page)


def _full_page(page: dict[str, Any], data: ProjectIssues) -> Response:
    """The same bytes `ok(page)` would send, from each issue's cached encoding."""
    parts = []
    for issue in page["results"]:
        encoded = data.encoded.get(issue["id"])
        if encoded is None:
            encoded = data.encoded[issue["id"]] = _json(issues_data.render(issue, data.project_id))
        parts.append(encoded)
    head = _json({k: v for k, v in page.items() if k != "results"})
    body = head[:-1] + (b',"results":[' if len(head) > 2 else b'"results":[') + b",".join(parts) + b"]}"
    return Response(body, media_type="application/json")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def _issue(request: Request) -> tuple[ProjectIssues, dict[str, Any]]:
    _project, data = _data(request)
    issue_id = request.path_params["issueId"]
    try:
        uuid.UUID(issue_id)
    except ValueError:
        raise ApiError(400, f"issueId must be a UUID, got {issue_id!r}.") from None
    issue = data.by_id.get(issue_id.lower())
    if issue is None:
        raise ApiError(404, f"Issue {issue_id} not found.")
    return data, issue


async def get_issue(request: Request) -> Response:
    data, issue = _issue(request)
    return ok(issues_data.render(issue, data.project_id))


async def issue_comments(request: Request) -> Response:
    data, issue = _issue(request)
    items = issues_data.comments(world_of(request), data.project_id, issue)
    if spec := request.query_params.get("sortBy"):
        items = _sorted(items, spec, {k: _field_key(k) for k in ("createdAt", "updatedAt", "createdBy")})
    return ok(_page(request, items, default=100, maximum=100))


async def issue_attachments(request: Request) -> Response:
    _, issue = _issue(request)
    return ok({"attachments": issues_data.attachments(world_of(request), issue)})


def routes() -> list[BaseRoute]:
    base = "/construction/issues/v1/projects/{projectId}"
    return [
        Route(f"{base}/users/me", users_me, methods=["GET"]),
        Route(f"{base}/issue-types", issue_types, methods=["GET"]),
        Route(f"{base}/issue-attribute-definitions", attribute_definitions, methods=["GET"]),
        Route(f"{base}/issue-attribute-mappings", attribute_mappings, methods=["GET"]),
        Route(f"{base}/issue-root-cause-categories", root_cause_categories, methods=["GET"]),
        Route(f"{base}/issues", list_issues, methods=["GET"]),
        Route(f"{base}/issues/{{issueId}}", get_issue, methods=["GET"]),
        Route(f"{base}/issues/{{issueId}}/comments", issue_comments, methods=["GET"]),
        Route(f"{base}/attachments/{{issueId}}/items", issue_attachments, methods=["GET"]),
    ]
