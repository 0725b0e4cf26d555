"""Assets (construction/assets): equipment by category, status and location, and the settings that define them.

Asset records carry category, status and custom attribute values as ids (`"3"`, a UUID, `ca6`); list lines
name them instead, from the project's settings (cached like every other name lookup).
"""

from __future__ import annotations

from typing import Any

import anyio

from ..client import Exploded
from ..errors import InvalidInput
from ..render import plain, render_record
from ..views import F, Record, View, ViewContext, name_of
from .base import SPREAD, Param, ToolOutput, ToolSpec, Via
from .listing import PROJECT, date_range
from .locations import LOCATION, PATHS
from .lookups import Names, listing
from .runtime import Runtime, Scope, fold
from .spec import ListSpec, tools

NOT_FOUND = "Call list_projects for the project id, or get_asset_settings for categories and statuses."
SETTINGS = "Call get_asset_settings to see them."


async def _categories(rt: Runtime, scope: Scope, optional: bool = False) -> list[Record]:
    return await listing(rt, "assets.categories.list", scope, want=2000, optional=optional)


async def _statuses(rt: Runtime, scope: Scope, optional: bool = False) -> list[Record]:
    return await listing(rt, "assets.statuses.list", scope, want=2000, optional=optional)


async def _names(rt: Runtime, scope: Scope) -> dict[str, str]:
    """Category ids, status ids, custom attribute names (`ca6`) and select value ids → what people call them
    (only names: an unreadable list leaves ids, as every name lookup does)."""
    out = {str(c.get("id")): str(c.get("name")) for c in await _categories(rt, scope, optional=True)}
    out |= {str(s.get("id")): str(s.get("label")) for s in await _statuses(rt, scope, optional=True)}
    for a in await listing(rt, "assets.custom_attributes.list", scope, want=2000, optional=True):
        out[str(a.get("name"))] = str(a.get("displayName"))
        out |= {str(v.get("id")): str(v.get("displayName")) for v in a.get("values") or []}
    return out


NAMES = Names(("assets.categories.list", "assets.statuses.list", "assets.custom_attributes.list"), _names)


def _one(cats: list[Record], name: str, value: Any) -> Record:
    """The category named `value` (exactly, else the only one whose name contains it)."""
    low = fold(str(value).strip())
    cats = [c for c in cats if not c.get("isRoot")]
    hits = [c for c in cats if fold(c.get("name")) == low] or [c for c in cats if low in fold(c.get("name"))]
    if len(hits) != 1:
        what = "matches several asset categories" if hits else "is no asset category"
        raise InvalidInput(f"{name}: {value!r} {what}. {SETTINGS}")
    return hits[0]


async def _category(rt: Runtime, scope: Scope, name: str, value: Any) -> Exploded:
    """A category by name → its id and every subcategory's ("Mechanical" finds the AHUs too)."""
    cats = await _categories(rt, scope)
    ids = [str(_one(cats, name, value).get("id"))]
    for cid in ids:  # grows while it is read: children, then theirs
        ids += [str(c.get("id")) for c in cats if str(c.get("parentId")) == cid]
    return Exploded(ids)


_SIDES = {"before": -1, "not": -1, "after": 1}
"""`before Installed` (or `not Installed`, `not yet Installed`): the steps ahead of it in each status set that has
it. Statuses are a lifecycle: an asset Started Up is installed, so "not installed" means not yet. `after`: the
steps past it."""


async def _status(rt: Runtime, scope: Scope, name: str, value: Any) -> Exploded:
    """Status labels, any of; each may be `before X` (`not X`) or `after X` → the labels `filter[statusLabel]`
    takes (ACC matches any of them)."""
    statuses = await _statuses(rt, scope)
    labels = {fold(s.get("label")): str(s.get("label")) for s in statuses}
    chosen: dict[str, None] = {}
    for text in value if isinstance(value, list) else [value]:
        side, _, rest = str(text).strip().partition(" ")
        side = side.lower() if side.lower() in _SIDES and rest.strip() else ""
        rest = rest.strip().removeprefix("yet ") if side else str(text).strip()
        label = labels.get(fold(rest))
        if label is None:
            known = ", ".join(labels.values())
            raise InvalidInput(f"{name}: {text!r} is no asset status; statuses: {known} (or before/after one).")
        if not side:
            chosen[label] = None
        else:
            chosen |= dict.fromkeys(await _beside(rt, scope, label, _SIDES[side]))
    if not chosen:
        raise InvalidInput(
            f"{name}: {value!r} leaves no asset status to match; statuses: {', '.join(labels.values())}."
        )
    return Exploded(chosen)


async def _beside(rt: Runtime, scope: Scope, label: str, side: int) -> list[str]:
    """The labels before (`side` -1) or after (+1) `label` in each status set whose steps include it."""
    out: list[str] = []
    for steps in await listing(rt, "assets.status_step_sets.list", scope, want=2000, optional=False):
        order = [
            str(v.get("label")) for v in sorted(steps.get("values") or [], key=lambda v: int(v.get("sortOrder") or 0))
        ]
        if label in order:
            at = order.index(label)
            out += order[:at] if side < 0 else order[at + 1 :]
    return out


async def _updated(_rt: Runtime, _scope: Scope, name: str, value: Any) -> str | None:
    """A date range → the timestamps `filter[updatedAt]` takes (a bare date covers its whole day)."""
    start, dots, end = (date_range(name, value) or "").partition("..")
    end = end if dots else start
    low = start if len(start) != 10 else f"{start}T00:00:00.000Z"
    return f"{low}..{end if len(end) != 10 else f'{end}T23:59:59.999Z'}"


async def _location(rt: Runtime, scope: Scope, name: str, value: Any) -> dict[str, Any]:
    """A location by path or name → its node id, sub-locations included (ACC takes `includeSubLocations`
    with exactly one `filter[locationId]`, so one node and everything below it)."""
    node = await LOCATION.convert(rt, scope, name, value)
    return {"filter[locationId]": node, "includeSubLocations": True}


def _custom(a: Record, ctx: ViewContext) -> list[str] | None:
    values = a.get("customAttributes") or {}
    shown = [f"{ctx.name(k)} {fmt(v, ctx)}" for k, v in values.items() if v not in (None, "", [])]
    return shown or None


def fmt(value: Any, ctx: ViewContext) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "/".join(str(ctx.name(v)) for v in value)
    return str(ctx.name(value))


ASSET = View(
    F("tag", "clientAssetId", "lead"),
    F("category", name_of("categoryId"), "bare"),
    F("status", name_of("statusId"), "bare"),
    F("at", name_of("locationId")),
)
"""A list answers "what is where, in what state": the tag, grouped by category. The description mostly
restates those ("Air handling unit serving Level 1 - North"); a search shows it with the other facts."""
ASSET_DETAIL = ASSET.extend(F("description", role="bare"), F("barcode"), F("attributes", _custom))
"""When the model searches for particular assets it usually wants their facts: make, model, serial."""


async def get_asset_settings(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = await rt.scope(args["project"], account=False)
    if args.get("category"):
        return await _category_attributes(rt, scope, args["category"])
    got: dict[str, list[Record]] = {}

    async def fetch(name: str, key: str) -> None:
        got[name] = await listing(rt, key, scope, want=2000, optional=False)

    async with anyio.create_task_group() as tg:
        for name in ("categories", "status_step_sets", "custom_attributes"):
            tg.start_soon(fetch, name, f"assets.{name}.list")
    cats = got["categories"]
    names = {str(c.get("id")): f"{c.get('name')}{'' if c.get('isActive', True) else ' (inactive)'}" for c in cats}
    row = {
        "categories": "; ".join(
            f"{names[str(c.get('id'))]}: " + ", ".join(names.get(str(s), str(s)) for s in c.get("subcategoryIds") or [])
            for c in cats
            if c.get("subcategoryIds") and not c.get("isRoot")
        ),
        "status sets": "; ".join(_steps(s) for s in got["status_step_sets"]),
        "custom attributes": "; ".join(_attribute(a) for a in got["custom_attributes"]),
    }
    note = "A category's own and inherited attributes: call again with category."
    text = render_record("Asset settings", row, roles={}, budget=rt.settings.max_result_tokens, note=note)
    return ToolOutput(text, plain(row))


def _steps(s: Record) -> str:
    steps = sorted(s.get("values") or [], key=lambda v: int(v.get("sortOrder") or 0))
    default = " (default)" if s.get("isDefault") else ""
    return f"{s.get('name')}{default}: " + " > ".join(str(v.get("label")) for v in steps)


def _attribute(a: Record, names: dict[str, str] | None = None) -> str:
    options = ", ".join(str(v.get("displayName")) for v in a.get("values") or [])
    facts = [f"{a.get('dataType')}{': ' + options if options else ''}"]
    facts += ["required"] if a.get("requiredOnIngress") else []
    if names is not None and a.get("inheritedFromCategoryId"):
        facts.append(f"from {names.get(str(a['inheritedFromCategoryId']), a['inheritedFromCategoryId'])}")
    return f"{a.get('displayName')} ({', '.join(facts)})"


async def _category_attributes(rt: Runtime, scope: Scope, value: str) -> ToolOutput:
    cats = await _categories(rt, scope)
    cat = _one(cats, "category", value)
    ids = {"categoryId": str(cat.get("id"))}
    call = rt.call("assets.category_attributes.list", scope, params={"includeInherited": True}, ids=ids)
    attrs = await rt.collect(call, "assets.category_attributes.list", 500)
    names = {str(c.get("id")): str(c.get("name")) for c in cats}
    row = {"custom attributes": "; ".join(_attribute(a, names) for a in attrs) or "none"}
    text = render_record(f"Asset category {cat.get('name')}", row, roles={}, budget=rt.settings.max_result_tokens)
    return ToolOutput(text, plain(row))


TOOLS = tools(
    ListSpec(
        name="list_assets",
        description="A project's assets (equipment) with category, status and location.",
        toolset="assets",
        endpoint="assets.assets.list",
        view=ASSET,
        views={"search": ASSET_DETAIL},
        noun="assets",
        group="category",
        params=[
            Param(
                "category",
                str | None,
                "Name; includes subcategories.",
                None,
                to="filter[categoryId]",
                via=Via(_category, ("assets.categories.list",)),
            ),
            Param(
                "status",
                list[str] | None,
                "Labels, any of; 'not Installed': steps before it.",
                None,
                to="filter[statusLabel]",
                via=Via(_status, ("assets.statuses.list", "assets.status_step_sets.list")),
            ),
            Param(
                "location",
                str | None,
                "Location path or name; includes sub-locations.",
                None,
                to=SPREAD,
                via=Via(_location, LOCATION.calls),
            ),
            Param("search", str | None, "Tag, description or attribute text.", None, to="filter[searchText]"),
            Param("updated", str | None, "YYYY-MM-DD..YYYY-MM-DD.", None, to="filter[updatedAt]", via=Via(_updated)),
        ],
        fixed={"includeCustomAttributes": True},
        names=(NAMES, PATHS),
        group_keys={"category": None, "status": None, "location": lambda a, ctx: ASSET(a, ctx).get("at")},
        not_found=NOT_FOUND,
    ),
    ToolSpec(
        name="get_asset_settings",
        description="Asset categories, status sets and custom attributes; with category, that category's attributes.",
        toolset="assets",
        params=[PROJECT, Param("category", str | None, "Category name.", None)],
        run=get_asset_settings,
        calls=[
            "assets.categories.list",
            "assets.status_step_sets.list",
            "assets.custom_attributes.list",
            "assets.category_attributes.list",
            "admin.projects.list",
        ],
        not_found=NOT_FOUND,
    ),
)
