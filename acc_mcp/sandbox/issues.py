"""Issues (construction/issues/v1): the profile, types, custom fields, root causes, issues, comments, attachments.

Every GET in the reference is served with its documented query parameters: the issue list applies each
`filter[...]` the reference lists (comma-separated values are OR-ed, filters are AND-ed), `sortBy` with `-`
for descending, `fields`, and `limit` (1-100, default 100) / `offset`. A project's records are generated on
its first request (see issues_data), so building a sandbox stays instant even with the 10,000-issue project.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from . import issues_data
from .engine import Ctx, Fields, Get, List, PerProject, Row, Sort, mount
from .filters import Dated, Filter, Flag, OneOf, Record, Test, Where, query_bool
from .http import ApiError, query_list, require_project, state_of
from .issues_data import ProjectIssues
from .issues_vocab import ACTIONS, ATTRIBUTES, STATUSES, phrases
from .sorting import Key, value_key
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
IssuesState = PerProject[ProjectIssues]


def seed(world: World) -> IssuesState:
    return PerProject(world, issues_data.generate)


def data_of(request: Request) -> ProjectIssues:
    state: IssuesState = state_of(request, "issues")
    return state.project(require_project(request))


def _data(c: Ctx) -> ProjectIssues:
    state: IssuesState = c.state
    return state.project(c.project or {})


def users_me(c: Ctx) -> Record:
    me = c.world.users[0]
    member = next((m for m in c.world.project_members(c.pid) if m["id"] == me["id"]), None)
    if member is None:
        raise ApiError(403, "The signed-in user is not a member of this project.", code="FORBIDDEN")
    new = {"permittedActions": list(ACTIONS), "permittedAttributes": list(ATTRIBUTES)}
    new |= {"permittedStatuses": list(STATUSES)}
    new |= {"permitted_actions": new["permittedActions"], "permitted_attributes": new["permittedAttributes"]}
    new |= {"permitted_statuses": list(STATUSES)}
    admin = bool(member["accessLevels"].get("projectAdmin"))
    return {
        "id": me["autodeskId"],
        "isProjectAdmin": admin,
        "canManageTemplates": admin,
        "issues": {"new": new, "filter": {"permittedStatuses": list(STATUSES)}},
        "permissionLevels": ["create", "read", "write"] if admin else ["create", "read"],
    }


def _without(key: str, unless: str) -> Any:
    """A render that drops `key` unless `include` names `unless` (case-insensitively)."""

    def render(c: Ctx, items: list[Record]) -> list[Record]:
        if unless in [v.lower() for v in query_list(c.request, "include")]:
            return items
        return [{k: v for k, v in i.items() if k != key} for i in items]

    return render


def _live_unless_asked(items: list[Record], c: Ctx) -> list[Record]:
    """Deleted records show only through filter[deletedAt] (with `null` in it to keep the live ones too)."""
    return items if c.request.query_params.get("filter[deletedAt]") else [i for i in items if i["deletedAt"] is None]


def _sort_keys(c: Ctx) -> dict[str, Key]:
    data = _data(c)
    types = {t["id"]: t["title"].casefold() for t in data.issue_types}
    subtypes = {s["id"]: s["title"].casefold() for t in data.issue_types for s in t["subtypes"]}
    causes = {r["id"]: r["title"].casefold() for cat in data.root_cause_categories for r in cat["rootCauses"]}
    keys = {n: value_key(n) for n in SORTABLE if n not in ("issueType", "issueSubType", "rootCause")}
    del keys["customAttributes"]  # sortable only as customAttributes[<attributeDefinitionId>]
    keys["issueType"] = lambda i: types.get(i["issueTypeId"])
    keys["issueSubType"] = lambda i: subtypes.get(i["issueSubtypeId"])
    keys["rootCause"] = lambda i: causes.get(i["rootCauseId"]) if i["rootCauseId"] else None
    for attr in data.attribute_definitions:
        keys[f"customAttributes[{attr['id']}]"] = _attr_key(attr)
    return keys


def _attr_key(attr: Record) -> Key:
    """Sort by a custom field's shown value: the option's text for lists, the number for numeric fields."""
    options = {o["id"]: o["value"] for o in attr.get("metadata", {}).get("list", {}).get("options", [])}

    def key(issue: Record) -> Any:
        value = next((c["value"] for c in issue["customAttributes"] if c["attributeDefinitionId"] == attr["id"]), None)
        if value is None:
            return None
        return float(value) if attr["dataType"] == "numeric" else options.get(value, value).casefold()

    return key


def _assigned_type(request: Request, _raw: str) -> Test:
    kinds = query_list(request, "filter[assignedToType]")
    if bad := [k for k in kinds if k not in ("user", "company", "role", "null")]:
        raise ApiError(400, f"Invalid filter[assignedToType] {bad[0]!r}. Use user, company, role or null.")
    return lambda i: (i["assignedToType"] or "null") in kinds


def _display_id(request: Request, _raw: str) -> Test:
    numbers = query_list(request, "filter[displayId]")
    if bad := [n for n in numbers if not n.isdigit()]:
        raise ApiError(400, f"filter[displayId] takes integers, got {bad[0]!r}.")
    wanted = {int(n) for n in numbers}
    return lambda i: i["displayId"] in wanted


def _sub_location(request: Request, _raw: str) -> Test:
    """The given nodes and every node below them in the project's location tree."""
    nodes = data_of(request).locations
    found = frontier = set(query_list(request, "filter[subLocationId]"))
    while frontier:
        frontier = {n["id"] for n in nodes if n["parentId"] in frontier} - found
        found |= frontier
    return lambda i: i["locationId"] in found


def _pinned(request: Request, _raw: str) -> Test:
    """`urn` matches pushpins on any version; `urn@N` those placed on version N or earlier."""
    wanted = [
        (urn, version)
        for urn, _, version in (w.partition("@") for w in query_list(request, "filter[linkedDocumentUrn]"))
    ]
    return lambda i: any(
        d["urn"] == urn and (not v.isdigit() or d["createdAtVersion"] <= int(v))
        for d in i["linkedDocuments"]
        for urn, v in wanted
    )


def _search(_request: Request, raw: str) -> Test:
    text = raw.strip()
    return lambda i: not text or text.casefold() in i["title"].casefold() or text == str(i["displayId"])


def _valid(request: Request, _raw: str) -> Test:
    valid = query_bool(request, "filter[valid]")
    return lambda i: bool(i["issueTypeId"] and i["issueSubtypeId"]) is valid


class CustomAttributes:
    """`filter[customAttributes][<definitionId>]=v1,v2`, one parameter per custom field."""

    prefix = "filter[customAttributes]["

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        for param, raw in request.query_params.multi_items():
            if param.startswith(self.prefix) and param.endswith("]"):
                attr, values = param[len(self.prefix) : -1], {v.strip() for v in raw.split(",")}
                items = [
                    i
                    for i in items
                    if any(a["attributeDefinitionId"] == attr and a["value"] in values for a in i["customAttributes"])
                ]
        return items


def _render(c: Ctx, issues: list[Record]) -> list[Record]:
    """Full issue objects; `rootCauseTitle` is added when `fields` asks for it."""
    data = _data(c)
    rendered = [issues_data.render(i, data.project_id) for i in issues]
    if "rootCauseTitle" in query_list(c.request, "fields"):
        causes = {r["id"]: r["title"] for cat in data.root_cause_categories for r in cat["rootCauses"]}
        for issue in rendered:
            issue["rootCauseTitle"] = causes.get(issue["rootCauseId"] or "")
    return rendered


def _full_page(c: Ctx, page: dict[str, Any]) -> Response:
    """The same bytes `ok(page)` would send, from each issue's cached encoding."""
    data = _data(c)
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


def _issue(c: Ctx) -> Record:
    issue_id = c.param("issueId")
    try:
        uuid.UUID(issue_id)
    except ValueError:
        raise ApiError(400, f"issueId must be a UUID, got {issue_id!r}.") from None
    issue = _data(c).by_id.get(issue_id.lower())
    if issue is None:
        raise ApiError(404, f"Issue {issue_id} not found.")
    return issue


AUDITED = (Dated("deletedAt"), Dated("createdAt"), Dated("updatedAt"))
"""Custom-field definitions and mappings: live ones unless filter[deletedAt] asks (see `_live_unless_asked`)."""
ISSUE_FILTERS: list[Filter] = [
    Flag("deleted", default=False),
    *(OneOf(k) for k in ("id", "issueTypeId", "issueSubtypeId", "assignedTo", "createdBy", "updatedBy", "closedBy")),
    OneOf("rootCauseId"),
    OneOf("locationId"),
    OneOf("status", STATUSES),
    Where("filter[assignedToType]", _assigned_type),
    Where("filter[displayId]", _display_id),
    Where("filter[subLocationId]", _sub_location),
    Where("filter[linkedDocumentUrn]", _pinned),
    Where("filter[search]", _search),
    Where("filter[valid]", _valid),
    CustomAttributes(),
    Dated("dueDate", date_only=True),
    Dated("startDate", date_only=True),
    *(Dated(k) for k in ("createdAt", "updatedAt", "closedAt")),
]
ROWS: list[Row] = [
    Get("issues.me.get", users_me),
    List(
        "issues.types.list",
        lambda c: _data(c).issue_types,
        filters=[Flag("isActive"), Dated("updatedAt")],
        render=_without("subtypes", unless="subtypes"),
    ),
    List(
        "issues.attribute_definitions.list",
        lambda c: _live_unless_asked(_data(c).attribute_definitions, c),
        filters=[*AUDITED, OneOf("dataType", ("list", "text", "paragraph", "numeric"))],
    ),
    List(
        "issues.attribute_mappings.list",
        lambda c: _live_unless_asked(_data(c).attribute_mappings, c),
        filters=[*AUDITED, OneOf("attributeDefinitionId"), OneOf("mappedItemId")],
    ),
    List(
        "issues.root_causes.list",
        lambda c: _data(c).root_cause_categories,
        filters=[Dated("updatedAt")],
        render=_without("rootCauses", unless="rootcauses"),
    ),
    List(
        "issues.issues.list",
        lambda c: _data(c).issues,
        filters=ISSUE_FILTERS,
        sort=Sort(_sort_keys, param="sortBy"),
        fields=Fields(FIELDS, always=ALWAYS),
        render=_render,
        respond=_full_page,
    ),
    Get("issues.issues.get", lambda c: issues_data.render(_issue(c), c.pid)),
    List(
        "issues.comments.list",
        lambda c: issues_data.comments(c.world, c.pid, _issue(c)),
        sort=Sort(("createdAt", "updatedAt", "createdBy"), param="sortBy"),
    ),
    Get("issues.attachments.list", lambda c: {"attachments": issues_data.attachments(c.world, _issue(c))}),
]


def routes() -> list[BaseRoute]:
    return mount("issues", ROWS)
