"""Files (construction/files/v1): PDF exports, run on the sandbox clock.

POST exports answers 202 `{"id", "status": "processing"}`; GET exports/:id stays `processing` for
`EXPORT_SECONDS` of sandbox time (`Controls.now()`, which a test moves with `advance_clock` instead of
sleeping), then reads `successful` with `result.output.signedUrl`. The reference's 400s and 404s: no file
versions, more than 200, a version that is not in the project, an unknown export id. The signed URL points back
at this sandbox under `/sandbox-files/exports/…`, outside the bearer-token gateway as S3 is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .documents_data import ProjectDocs, generate
from .engine import Handle, PerProject, Row, in_project, mount
from .http import ApiError, json_body, ok
from .world import World

EXPORT_SECONDS = 5.0
"""How long an export processes, in sandbox seconds."""
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


@dataclass
class FilesState:
    docs: PerProject[ProjectDocs]
    exports: dict[str, dict[str, Any]] = field(default_factory=dict)


def seed(world: World) -> FilesState:
    return FilesState(PerProject(world, generate))


def _now(request: Request) -> float:
    return float(request.app.state.controls.now())


async def create_export(request: Request) -> Response:
    state: FilesState = request.app.state.families["files"]
    c = in_project(request, state)
    body = await json_body(request)
    wanted = body.get("fileVersions")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(u, str) for u in wanted):
        raise ApiError(400, "fileVersions is required: a list of file version URNs.")
    if len(wanted) > 200:
        raise ApiError(400, "A maximum of 200 files may be included.")
    known = {f["urn"]: f for f in state.docs.project(c.project or {}).files}
    if any(u not in known for u in wanted):
        raise ApiError(404, "Some resources are not found")
    options = body.get("options")
    options = options if isinstance(options, dict) else {}
    default = known[wanted[0]]["name"].rsplit(".", 1)[0] if len(wanted) == 1 else "export"
    name = str(options.get("outputFileName") or default)
    export_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{c.pid}/exports/{len(state.exports) + 1}"))
    state.exports[export_id] = {"project": c.pid, "name": name, "files": wanted, "at": _now(request)}
    return ok({"id": export_id, "status": "processing"}, 202)


async def get_export(request: Request) -> Response:
    state: FilesState = request.app.state.families["files"]
    c = in_project(request, state)
    export = state.exports.get(request.path_params["exportId"])
    if export is None or export["project"] != c.pid:
        raise ApiError(404, "The job does not exist")
    out: dict[str, Any] = {"id": request.path_params["exportId"], "status": "processing"}
    if _now(request) - export["at"] >= EXPORT_SECONDS:
        suffix = "pdf" if len(export["files"]) == 1 else "zip"
        name = quote(f"{export['name']}.{suffix}")
        url = f"{str(request.base_url).rstrip('/')}/sandbox-files/exports/{out['id']}/{name}"
        out |= {"status": "successful", "result": {"output": {"signedUrl": url}}}
    return ok(out)


async def exported_file(request: Request) -> Response:
    state: FilesState = request.app.state.families["files"]
    if request.path_params["exportId"] not in state.exports:
        return Response(b"NoSuchKey", status_code=404)
    return Response(PDF, media_type="application/pdf")


ROWS: list[Row] = [Handle("files.exports.create", create_export), Handle("files.exports.get", get_export)]


def routes() -> list[BaseRoute]:
    return [
        *mount("files", ROWS),
        Route("/sandbox-files/exports/{exportId}/{fileName}", exported_file, methods=["GET"]),
    ]
