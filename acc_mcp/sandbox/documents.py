"""Packages (packages/v1), Docs folder settings (bim360/docs/v1), linked Revit models (rcm/v1) and AutoSpecs.

All reads over one project's documents (`documents_data`). Folder and file version ids are URNs, URL-encoded in
the path as the reference's examples show. Folder permissions, a smart register and requirements are bare JSON
arrays; linked files nest their page under `linkedFiles`, with the host model first when `includeHost` is true
(the default). AutoSpecs answers with the project's spec versions and, per version, the submittal register and
its counts by division and by group.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ..endpoints import endpoint
from .documents_data import ATTRIBUTES, ProjectDocs, generate
from .engine import Ctx, Get, Handle, List, PerProject, Row, Sort, by_id, in_project, mount
from .filters import Dated, OneOf, Record
from .http import ApiError, ok
from .pages import offset_page, query_window
from .world import World

DocsState = PerProject[ProjectDocs]


def seed(world: World) -> DocsState:
    return PerProject(world, generate)


def _docs(c: Ctx) -> ProjectDocs:
    state: DocsState = c.state
    return state.project(c.project or {})


def _folder(c: Ctx) -> str:
    urn = c.param("folder_id")
    if urn not in _docs(c).folders:
        raise ApiError(404, f"Folder {urn} not found in project {c.pid}.")
    return urn


def _package(c: Ctx) -> list[Record]:
    return _docs(c).resources[by_id(_docs(c).packages, c.param("packageId"), "Package", f"project {c.pid}")["id"]]


def _spec_version(c: Ctx) -> list[Record]:
    register = _docs(c).register.get(c.param("versionId"))
    if register is None:
        raise ApiError(404, f"Specification version {c.param('versionId')} not found in project {c.pid}.")
    return register


def _naming(c: Ctx) -> Record:
    naming = _docs(c).naming
    if c.param("id") != naming["id"]:
        raise ApiError(404, f"Naming standard {c.param('id')} not found.")
    return naming


def _requirements(c: Ctx) -> Any:
    """Per division, per spec section, how many submittals each group asks for."""
    divisions: dict[str, Record] = {}
    for item in _spec_version(c):
        division = divisions.setdefault(
            item["divisionCode"],
            {"divisionCode": item["divisionCode"], "divisionName": item["divisionName"], "specSections": []},
        )
        sections = division["specSections"]
        section = next((s for s in sections if s["specCode"] == item["specNumber"]), None)
        if section is None:
            section = {"specName": item["specName"], "specCode": item["specNumber"], "submittalGroups": []}
            sections.append(section)
        groups = section["submittalGroups"]
        group = next((g for g in groups if g["submittalGroup"] == item["targetGroup"]), None)
        if group is None:
            groups.append({"submittalGroup": item["targetGroup"], "total": 1})
        else:
            group["total"] += 1
    return list(divisions.values())


def _summary(c: Ctx) -> Record:
    register = _spec_version(c)
    out = []
    for group, total in sorted(Counter(i["targetGroup"].title() for i in register).items()):
        kinds = Counter(i["specCategory"] for i in register if i["targetGroup"].title() == group)
        types = [{"submittalType": k, "total": n} for k, n in sorted(kinds.items())]
        out.append({"submittalGroupTypes": types, "submittalGroup": group, "total": total})
    return {"submittalGroups": out}


async def _linked(request: Request) -> Response:
    """`{"hostFile": …, "linkedFiles": {pagination, results}}` for a published Revit host model."""
    c = in_project(request, request.app.state.families["documents"])
    docs, urn = _docs(c), c.param("versionId")
    files = {f["urn"]: f for f in docs.files}
    if urn not in docs.links:
        raise ApiError(404, f"No published Revit model version {urn} in project {c.pid}.")
    names = request.query_params.getlist("filter[name]")
    linked = [_model(request, files[u], False) for u in docs.links[urn]]
    linked = [m for m in linked if not names or m["modelName"] in names]
    limit, offset = query_window(request, endpoint("rcm.linked_files.list"))
    page = offset_page(request, linked, limit, offset)
    if offset + limit < len(linked):
        page["pagination"]["nextOffset"] = offset + limit
    out: dict[str, Any] = {"linkedFiles": page}
    if request.query_params.get("includeHost", "true").lower() != "false":
        out = {"hostFile": _model(request, files[urn], True), **out}
    return ok(out)


def _model(request: Request, f: Record, host: bool) -> Record:
    base = str(request.base_url).rstrip("/")
    out = {
        "modelName": f["name"],
        "signedUrl": f"{base}/sandbox-files/models/{f['itemUrn'].rsplit(':', 1)[1]}/{f['name']}",
        "itemId": f["itemUrn"],
        "versionId": f["urn"],
    }
    return out | ({"size": f["size"]} if host else {}) | {"publishStatus": "published"}


ROWS: list[Row] = [
    List(
        "packages.packages.list",
        lambda c: _docs(c).packages,
        filters=[OneOf("versionType", ("FIXED", "LATEST")), Dated("createdAt"), Dated("updatedAt")],
        sort=Sort(("name", "createdAt", "updatedAt", "displayId"), single=True),
    ),
    List(
        "packages.resources.list",
        _package,
        filters=[OneOf("fileType")],
        sort=Sort(("name", "createdAt", "updatedAt"), single=True),
    ),
    Get("docs.folder_permissions.list", lambda c: cast(Record, _docs(c).permissions[_folder(c)])),
    List("docs.folder_attributes.list", lambda c: [a for a in ATTRIBUTES if _folder(c)]),
    Get("docs.naming_standards.get", _naming),
    Get("autospecs.metadata.get", lambda c: {"projectId": c.pid, "region": "US", "versions": _docs(c).spec_versions}),
    Get("autospecs.smart_register.get", lambda c: cast(Record, _spec_version(c))),
    Get("autospecs.requirements.get", lambda c: cast(Record, _requirements(c))),
    Get("autospecs.submittals_summary.get", _summary),
    Handle("rcm.linked_files.list", _linked),
]


def routes() -> list[BaseRoute]:
    return mount("documents", ROWS)
