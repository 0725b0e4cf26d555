"""Documents around the files: packages (packages/v1), folder settings (bim360/docs/v1), linked Revit models
(rcm/v1) and AutoSpecs (autospecs/v1): what was issued together, who may do what in a folder, what a model
links, and which submittals the specifications ask for."""

from __future__ import annotations

from typing import Any, Literal

import anyio

from ..errors import InvalidInput
from ..render import estimate_tokens, render_list, render_record, short_day
from ..views import F, Record, View, ViewContext
from .base import Param, ToolOutput, ToolSpec, Via
from .listing import PROJECT, Quoted
from .refs import Finder, Ref, via_ref
from .runtime import Runtime, Scope
from .spec import GetSpec, ListSpec, tools


def via_urn(marker: str, example: str, where: str) -> Via:
    """An argument that must be an ACC URN containing `marker`; anything else is one sentence on where to look."""

    async def convert(_rt: Runtime, _scope: Scope, name: str, value: Any) -> str:
        text = str(value).strip()
        if not text.startswith("urn:") or marker not in text:
            raise InvalidInput(f"{name} {text[:80]!r} is not a URN like {example}. {where}")
        return text

    return Via(convert)


FILE_VERSION = via_urn(
    "?version=", "urn:adsk.wipprod:fs.file:vf.X?version=2", "A review's or a package's file list shows them."
)
PACKAGE_REF = Ref(
    kind="package",
    placeholder="packageId",
    lister="list_packages",
    number=Finder("packages.packages.list", "displayId", scan=1000, full=True),
    name=Finder("packages.packages.list", "name", scan=1000, full=True),
    label=lambda p: f"#{p.get('displayId')} {p.get('name')!r}",
)
IN_PACKAGE = via_ref(PACKAGE_REF)
PACKAGE = View(
    F("#", "displayId", "number"),
    F("name", role="bare"),
    F("files", "resourceCount"),
    F("versions", lambda p, _: str(p.get("versionType", "")).lower() or None),
    F("locked", lambda p, ctx: short_day(p.get("lockedAt"), ctx.today) if p.get("locked") else None),
)
RESOURCE = View(
    F("name", role="bare"),
    F("version", lambda r, _: f"v{r['version']}" if r.get("version") else None, "bare"),
    F("approval", "approvalStatus.label", "bare"),
    F("urn"),
)


def _permission(p: Record) -> str:
    kind = "" if p.get("subjectType") == "USER" else f" ({str(p.get('subjectType', '')).lower()})"
    return f"{p.get('name')}{kind}: {'/'.join(a.lower() for a in p.get('actions') or []) or 'no access'}"


def _attribute(a: Record) -> str:
    values = f": {'/'.join(a['arrayValues'])}" if a.get("arrayValues") else ""
    return f"{a.get('name')} ({a.get('type')}{values})"


def _naming(n: Any) -> str | None:
    if not isinstance(n, dict):
        return None
    definition = n.get("definition") or {}
    parts = str(definition.get("delimiter") or "-").join(str(f.get("name")) for f in definition.get("fields") or [])
    return f"{n.get('name')}: {parts}"


SETTINGS = View(
    F("permissions", lambda r, _: [_permission(p) for p in r["permissions"]] or "none listed"),
    F("attributes", lambda r, _: [_attribute(a) for a in r["attributes"]] or "none"),
    F("naming standard", lambda r, _: _naming(r.get("naming"))),
)


async def get_folder_settings(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = await rt.scope(args["project"], account=False)
    folder = await FOLDER.convert(rt, scope, "folder", args["folder"])
    got: dict[str, Any] = {"naming": None}

    async def fetch(name: str, key: str, ids: dict[str, str]) -> None:
        call = rt.call(key, scope, ids=ids)
        got[name] = await (rt.collect(call, key, 200) if name == "attributes" else rt.read(call))

    async with anyio.create_task_group() as tg:
        tg.start_soon(fetch, "permissions", "docs.folder_permissions.list", {"folder_id": folder})
        tg.start_soon(fetch, "attributes", "docs.folder_attributes.list", {"folder_id": folder})
        if args.get("naming_standard"):
            tg.start_soon(fetch, "naming", "docs.naming_standards.get", {"id": str(args["naming_standard"])})
    got["permissions"] = [p for p in got["permissions"] or [] if isinstance(p, dict)]
    row = SETTINGS(got, ViewContext({}, rt.today()))
    text = render_record("Folder settings", row, roles=SETTINGS.roles, budget=rt.settings.max_result_tokens)
    return ToolOutput(text, row)


FOLDER = via_urn("fs.folder:", "urn:adsk.wipprod:fs.folder:co.X", "Copy it from the folder's link in ACC Docs.")
LINKED = View(
    F("host", "hostFile.modelName", "bare"),
    F("linked", lambda r, _: [m.get("modelName") for m in (r.get("linkedFiles") or {}).get("results") or []]),
)

# AutoSpecs ---------------------------------------------------------------------------------------------
What = Literal["versions", "register", "requirements", "submittals"]
SPEC_CALLS = {
    "register": "autospecs.smart_register.get",
    "requirements": "autospecs.requirements.get",
    "submittals": "autospecs.submittals_summary.get",
}


def _lines(what: str, data: Any, division: str | None) -> list[str]:
    """One line per register item, spec section, or submittal group."""
    items = [d for d in (data if isinstance(data, list) else []) if isinstance(d, dict)]
    items = [d for d in items if not division or str(d.get("divisionCode")) == division]
    if what == "versions":
        return [f"{v.get('name')} · {v.get('status')}{' · current' if v.get('currentVersion') else ''}" for v in items]
    if what == "register":
        return [f"{i.get('specNumber')} {i.get('specName')} · {i.get('specCategory')}" for i in items]
    if what == "requirements":
        return [
            f"{s.get('specCode')} {s.get('specName')} · "
            + ", ".join(f"{g.get('submittalGroup')} {g.get('total')}" for g in s.get("submittalGroups") or [])
            for d in items
            for s in d.get("specSections") or []
        ]
    groups = data.get("submittalGroups") or [] if isinstance(data, dict) else []
    return [
        f"{g.get('submittalGroup')} {g.get('total')}"
        + "".join(f" · {t.get('submittalType')} {t.get('total')}" for t in g.get("submittalGroupTypes") or [])
        for g in groups
    ]


async def get_autospecs(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = await rt.scope(args["project"], account=False)
    meta = await rt.read(rt.call("autospecs.metadata.get", scope))
    versions = [v for v in (meta.get("versions") if isinstance(meta, dict) else None) or [] if isinstance(v, dict)]
    what = args.get("what") or "versions"
    if what == "versions":
        data: Any = versions
        header = f"{len(versions)} specification versions."
    else:
        wanted = str(args.get("version") or "").strip().lower()
        picked = [v for v in versions if wanted in (str(v.get("id")), str(v.get("name")).lower())] if wanted else []
        picked = picked or ([] if wanted else [v for v in versions if v.get("currentVersion")] or versions[-1:])
        if not picked:
            names = ", ".join(str(v.get("name")) for v in versions) or "none"
            raise InvalidInput(f"No specification version {args.get('version')!r}. Versions: {names}.")
        version = picked[0]
        data = await rt.read(rt.call(SPEC_CALLS[what], scope, ids={"versionId": str(version.get("id"))}))
        header = f"{what.capitalize()} of {version.get('name')}:"
    lines = _lines(what, data, args.get("division"))
    rows = [{"line": line} for line in lines]
    listed = render_list(
        header if lines else f"{header} none.",
        rows,
        roles={"line": "bare"},
        budget=rt.settings.max_result_tokens - estimate_tokens(header),
        footer=lambda n: f"({len(rows) - n} more; narrow with division=)" if n < len(rows) else None,
    )
    return ToolOutput(listed.text, {"items": lines[: listed.shown], "total": len(lines)})


TOOLS = tools(
    ListSpec(
        name="list_packages",
        description="A project's document packages, or the files in one package.",
        toolset="packages",
        endpoint="packages.packages.list",
        view=PACKAGE,
        noun="packages",
        params=[Param("package", Quoted | None, "Number or name: its files.", None, to="{packageId}", via=IN_PACKAGE)],
        routes={"package": "packages.resources.list"},
        views={"package": RESOURCE},
        nouns={"package": "files"},
        limit=None,
        not_found="Call list_packages for package numbers.",
    ),
    ToolSpec(
        name="get_folder_settings",
        description="A Docs folder's permissions, custom attributes and naming standard.",
        toolset="docs",
        params=[
            PROJECT,
            Param("folder", str, "Folder URN."),
            Param("naming_standard", str | None, "Naming standard id, if known.", None),
        ],
        run=get_folder_settings,
        calls=[
            "docs.folder_permissions.list",
            "docs.folder_attributes.list",
            "docs.naming_standards.get",
            "admin.projects.list",
        ],
    ),
    GetSpec(
        name="get_linked_models",
        description="The Revit models a published model version links.",
        toolset="docs",
        endpoint="rcm.linked_files.list",
        view=LINKED,
        header=lambda _: "Linked models",
        params=[Param("model", str, "Host model version URN.", to="{versionId}", via=FILE_VERSION)],
        fixed={"limit": 600},
        full=False,
    ),
    ToolSpec(
        name="get_autospecs",
        description="AutoSpecs: spec versions, submittal register, requirements or submittal counts.",
        toolset="autospecs",
        params=[
            PROJECT,
            Param("what", What, "What to show.", "versions"),
            Param("version", str | None, "Name or id; default current.", None),
            Param("division", str | None, "Division code, e.g. 03.", None),
        ],
        run=get_autospecs,
        calls=["autospecs.metadata.get", *SPEC_CALLS.values(), "admin.projects.list"],
    ),
)
