"""Issues' project settings in one call: what the user may do, the types, custom fields and root causes.

Five small lookup endpoints answer one question a person asks ("what types and fields do issues have here?"),
so they make one tool. The same definitions give custom-field option ids and root-cause ids their names.
"""

from __future__ import annotations

from typing import Any

from ..views import F, View
from .base import ToolOutput, ToolSpec
from .listing import PROJECT, run_record
from .lookups import Names, Records, listing
from .runtime import Runtime, Scope

TYPES = ("issues.types.list", {"include": "subtypes"})
DEFINITIONS = ("issues.attribute_definitions.list", None)
MAPPINGS = ("issues.attribute_mappings.list", None)
CAUSES = ("issues.root_causes.list", {"include": "rootCauses"})


async def _load(rt: Runtime, scope: Scope, source: tuple[str, dict[str, str] | None], optional: bool) -> Records:
    key, params = source
    return await listing(rt, key, scope, params=params, want=1000, optional=optional)


async def _vocab(rt: Runtime, scope: Scope) -> dict[str, str]:
    """Custom-field option ids and root-cause ids → their names."""
    out: dict[str, str] = {}
    for d in await _load(rt, scope, DEFINITIONS, True):
        for option in ((d.get("metadata") or {}).get("list") or {}).get("options") or []:
            out[str(option.get("id"))] = str(option.get("value"))
    for category in await _load(rt, scope, CAUSES, True):
        for cause in category.get("rootCauses") or []:
            out[str(cause.get("id"))] = f"{category.get('title')} / {cause.get('title')}"
    return out


VOCAB = Names((DEFINITIONS[0], CAUSES[0]), _vocab)


def _you(me: dict[str, Any]) -> str:
    new = (me.get("issues") or {}).get("new") or {}
    role = "project admin" if me.get("isProjectAdmin") else "member"
    return (
        f"{role}; {'/'.join(me.get('permissionLevels') or [])}; may set {', '.join(new.get('permittedStatuses') or [])}"
    )


def _fields(defs: Records, maps: Records, targets: dict[str, str]) -> list[str]:
    """Each live custom field: title [type: options] and the types it applies to."""
    where: dict[str, list[str]] = {}
    for m in maps:
        target = "all types" if m.get("mappedItemType") == "container" else targets.get(str(m.get("mappedItemId")))
        where.setdefault(str(m.get("attributeDefinitionId")), []).append(str(target))
    out = []
    for d in defs:
        if d.get("deletedAt"):
            continue
        options = [str(o.get("value")) for o in ((d.get("metadata") or {}).get("list") or {}).get("options") or []]
        kind = f"{d.get('dataType')}: {', '.join(options)}" if options else d.get("dataType")
        out.append(f"{d.get('title')} [{kind}] on {', '.join(where.get(str(d.get('id')), ['no type']))}")
    return out


async def _settings(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = await rt.scope(args["project"], account=False)
    me = await rt.read(rt.call("issues.me.get", scope))
    types = [t for t in await _load(rt, scope, TYPES, False) if t.get("isActive", True)]
    targets = {str(t.get("id")): str(t.get("title")) for t in types}
    targets |= {
        str(s.get("id")): f"{t.get('title')} / {s.get('title')}" for t in types for s in t.get("subtypes") or []
    }
    defs, maps = await _load(rt, scope, DEFINITIONS, False), await _load(rt, scope, MAPPINGS, False)
    causes = await _load(rt, scope, CAUSES, False)
    record = {
        "you": _you(me if isinstance(me, dict) else {}),
        "types": [
            f"{t.get('title')} ({', '.join(str(s.get('title')) for s in t.get('subtypes') or [])})" for t in types
        ],
        "custom fields": _fields(defs, maps, targets),
        "root causes": [
            f"{c.get('title')} ({', '.join(str(r.get('title')) for r in c.get('rootCauses') or [])})" for c in causes
        ],
    }
    view = View(*(F(k) for k in record))
    return await run_record(rt, record, header="Issue settings", view=view)


SETTINGS = ToolSpec(
    name="get_issue_settings",
    description="Issue types, subtypes, custom fields, root causes, and what you may do.",
    toolset="issues",
    params=[PROJECT],
    run=_settings,
    calls=["issues.me.get", TYPES[0], DEFINITIONS[0], MAPPINGS[0], CAUSES[0], "admin.projects.list"],
    not_found="Call list_projects for the project id.",
)
