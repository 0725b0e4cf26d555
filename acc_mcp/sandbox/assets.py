"""Assets (construction/assets): assets (v2) and the settings that define them (v1): categories, status sets,
statuses, custom attributes and each category's custom attributes.

As the reference documents: lists page with an opaque `cursorState` (`limit` 1-200, default 25) except
categories and a category's attributes, which return the whole list with a `pagination` object "for API
consistency". Soft-deleted records show only with `includeDeleted=true`; asset custom attribute values only
with `includeCustomAttributes=true`; a category's inherited attributes only with `includeInherited=true`, marked
with `inheritedFromCategoryId`. Asset filters: exploded arrays of category, status (by id or case-insensitive
label) and location ids (with `includeSubLocations` for one location), custom attribute values by name
(text: substring; numbers and dates: `a..b`; select: value ids), `searchText` and `updatedAt` ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from .assets_data import ProjectAssets, generate
from .engine import Ctx, List, PerProject, Row, Sort, by_id, mount
from .filters import Dated, Flag, OneOf, Record, Test, Where, query_bool
from .http import ApiError, query_list
from .locations_data import project_locations
from .sorting import Key, value_key
from .world import World

AssetsState = PerProject[ProjectAssets]
SORTABLE = ("createdAt", "updatedAt", "clientAssetId", "description", "barcode", "categoryId", "statusId")
_CA = "filter[customAttributes]["


def seed(world: World) -> AssetsState:
    return PerProject(world, generate)


def _data(c: Ctx) -> ProjectAssets:
    data: ProjectAssets = c.state.project(c.project)
    return data


@dataclass(frozen=True)
class Live:
    """`includeDeleted`: soft-deleted records are left out unless it is true."""

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        return items if query_bool(request, "includeDeleted") else [i for i in items if i["deletedAt"] is None]


def _status_label(c: Ctx, items: list[Record]) -> list[Record]:
    labels = {v.casefold() for v in query_list(c.request, "filter[statusLabel]")}
    if not labels:
        return items
    ids = {s["id"] for s in _data(c).statuses if s["label"].casefold() in labels}
    return [i for i in items if i["statusId"] in ids]


def _locations(c: Ctx, items: list[Record]) -> list[Record]:
    wanted = set(query_list(c.request, "filter[locationId]"))
    if not wanted:
        return items
    if query_bool(c.request, "includeSubLocations"):
        if len(wanted) > 1:
            raise ApiError(400, "includeSubLocations needs exactly one filter[locationId].")
        nodes = project_locations(c.world, c.project or {})
        while grown := {n["id"] for n in nodes if n["parentId"] in wanted} - wanted:
            wanted |= grown
    return [i for i in items if i["locationId"] in wanted]


def _custom(c: Ctx, items: list[Record]) -> list[Record]:
    """`filter[customAttributes][caN]=…`, one per attribute, AND-ed."""
    kinds = {a["name"]: a["dataType"] for a in _data(c).attributes}
    for key in {k for k in c.request.query_params if k.startswith(_CA) and k.endswith("]")}:
        name = key[len(_CA) : -1]
        if name not in kinds:
            raise ApiError(400, f"Unknown custom attribute {name!r} in {key}.")
        items = [i for i in items if _matches(kinds[name], i["customAttributes"].get(name), c.request, key)]
    return items


def _matches(kind: str, value: Any, request: Request, key: str) -> bool:
    wanted = request.query_params.getlist(key)
    if value is None:
        return False
    if kind in ("numeric", "date") and any(".." in w for w in wanted):
        low, _, high = wanted[0].partition("..")
        if kind == "date":
            return (not low or str(value) >= low) and (not high or str(value) <= high)
        return (not low or float(value) >= float(low)) and (not high or float(value) <= float(high))
    if kind == "text":
        return any(w.casefold() in str(value).casefold() for w in wanted)
    if kind == "boolean":
        return str(value).lower() in [w.lower() for w in wanted]
    if kind == "numeric":
        return any(float(w) == float(value) for w in wanted)
    return bool({*(value if isinstance(value, list) else [value])} & set(wanted))


def _search(request: Request, raw: str) -> Test:
    needle = raw.casefold()

    def test(a: Record) -> bool:
        texts = [a["clientAssetId"], a["description"], a["barcode"], *a["customAttributes"].values()]
        return any(isinstance(t, str) and needle in t.casefold() for t in texts)

    return test


def _assets(c: Ctx) -> list[Record]:
    return _custom(c, _locations(c, _status_label(c, _data(c).assets)))


def _sort_keys(c: Ctx) -> dict[str, Key]:
    keys = {n: value_key(n) for n in SORTABLE}
    for a in _data(c).attributes:
        keys[f"customAttributes.{a['name']}"] = _attribute_key(a["name"])
    return keys


def _attribute_key(name: str) -> Key:
    return lambda i: i["customAttributes"].get(name)


def _values_when_asked(c: Ctx, items: list[Record]) -> list[Record]:
    if query_bool(c.request, "includeCustomAttributes"):
        return items
    return [{k: v for k, v in i.items() if k != "customAttributes"} for i in items]


def _depth(c: Ctx) -> dict[str, int]:
    cats = {x["id"]: x for x in _data(c).categories}
    out: dict[str, int] = {}
    for cid, cat in cats.items():
        n, at = 0, cat
        while at["parentId"] is not None:
            n, at = n + 1, cats[at["parentId"]]
        out[cid] = n
    return out


def _max_depth(c: Ctx, items: list[Record]) -> list[Record]:
    raw = c.request.query_params.get("filter[maxDepth]")
    if not raw:
        return items
    if not raw.isdigit():
        raise ApiError(400, f"filter[maxDepth] must be a number, got {raw!r}.")
    depth = _depth(c)
    return [i for i in items if depth[i["id"]] <= int(raw)]


def _categories(c: Ctx) -> list[Record]:
    return _max_depth(c, _data(c).categories)


def _uid_when_asked(c: Ctx, items: list[Record]) -> list[Record]:
    if query_bool(c.request, "includeUid"):
        return items
    return [{k: v for k, v in i.items() if k != "uid"} for i in items]


def _category_attributes(c: Ctx) -> list[Record]:
    """The category's own attributes; with `includeInherited`, its ancestors' first, marked with their origin."""
    data = _data(c)
    cats = {x["id"]: x for x in data.categories}
    cat = by_id(data.categories, c.param("categoryId"), "Category")
    out = [dict(a) for a in data.assignments.get(cat["id"], [])]
    at = cat
    while query_bool(c.request, "includeInherited") and at["parentId"] is not None:
        at = cats[at["parentId"]]
        out = [a | {"inheritedFromCategoryId": at["id"]} for a in data.assignments.get(at["id"], [])] + out
    return out


UPDATED = Dated("updatedAt")
ROWS: list[Row] = [
    List(
        "assets.assets.list",
        _assets,
        filters=[
            Live(),
            OneOf("categoryId"),
            OneOf("statusId"),
            Where("filter[searchText]", _search),
            UPDATED,
        ],
        sort=Sort(_sort_keys),
        render=_values_when_asked,
    ),
    List(
        "assets.categories.list",
        _categories,
        filters=[Flag("isActive"), OneOf("parentId"), UPDATED],
        render=_uid_when_asked,
    ),
    List("assets.status_step_sets.list", lambda c: _data(c).status_sets, filters=[Live(), UPDATED]),
    List("assets.statuses.list", lambda c: _data(c).statuses, filters=[Live(), UPDATED]),
    List("assets.custom_attributes.list", lambda c: _data(c).attributes, filters=[Live(), UPDATED]),
    List("assets.category_attributes.list", _category_attributes),
]


def routes() -> list[BaseRoute]:
    return mount("assets", ROWS)
