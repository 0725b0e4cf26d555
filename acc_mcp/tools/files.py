"""Files (construction/files/v1): export file versions as PDF and follow the export to its result.

Exports run in the background upstream; the tool polls the status and reports each poll as an MCP progress
notification, so a client sees the call is alive. It stops waiting before the call's deadline and says how to
pick the export up again. The result is a signed download link, a credential for as long as it lives, so it
stays out of the model's text unless the caller asks for it (`link=true`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import deadline
from ..errors import InvalidInput
from ..writes import Recent, check_duplicate, guarded_write, record
from .base import Param, ToolOutput, ToolSpec
from .documents import FILE_VERSION
from .listing import PROJECT
from .runtime import Runtime, Scope

POLL_SECONDS = 2.0
"""Between two status checks (exports of a few sheets take seconds, large sets minutes)."""
DONE = ("successful", "partialSuccess", "failed")
DUPLICATE_WINDOW = 120.0
"""An identical export within this many seconds is refused unless asked for: it would only redo the work."""
LISTER = "export_pdfs with the export id you were given (or ask the user)"


async def _start(rt: Runtime, scope: Scope, args: dict[str, Any]) -> str:
    files = args.get("files") or []
    if not files or len(files) > 200:
        raise InvalidInput("files: give 1 to 200 file version URNs (a review's or a package's file list shows them).")
    body: dict[str, Any] = {"fileVersions": [await FILE_VERSION.convert(rt, scope, "files", f) for f in files]}
    if args.get("name"):
        body["options"] = {"outputFileName": str(args["name"])}
    recent: Recent = rt.memo.setdefault("export-writes", {})
    key = hashlib.sha256(json.dumps([scope.project, body], sort_keys=True).encode()).hexdigest()
    check_duplicate(recent, key, allow=bool(args.get("allow_duplicate")), window=DUPLICATE_WINDOW, lister=LISTER)
    with guarded_write(recent, key, lister=LISTER):  # an unknown outcome arms the guard
        created = await rt.write(rt.call("files.exports.create", scope, json=body))
    record(recent, key, str(created.get("id")), window=DUPLICATE_WINDOW)
    return str(created.get("id"))


async def export_pdfs(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = await rt.scope(args["project"], account=False)
    export_id = str(args["export"]).strip() if args.get("export") else await _start(rt, scope, args)
    polls = 0
    while True:
        job = await rt.read(rt.call("files.exports.get", scope, ids={"exportId": export_id}))
        status = str(job.get("status")) if isinstance(job, dict) else "unknown"
        polls += 1
        if status in DONE or deadline.remaining() < POLL_SECONDS * 3:
            break
        if (current := deadline.current()) is not None:
            await current.report(f"PDF export {export_id[:8]}: {status} after {polls} checks")
        await deadline.wait(POLL_SECONDS)
    result = (job.get("result") if isinstance(job, dict) else None) or {}
    output = result.get("output") or {}
    url = output.get("signedUrl") or result.get("signedUrl")
    text = f"PDF export {export_id} {status}."
    if status not in DONE:
        text += f" Still running: call export_pdfs(export='{export_id}') to follow it."
    if error := result.get("error"):
        text += f" {error.get('title')}: {error.get('detail')}"
    failed = result.get("failedFiles") or output.get("failedFiles") or []
    text += "".join(f"\nNot exported: {f.get('id')} ({f.get('detail') or f.get('reason')})" for f in failed)
    if url:
        text += f"\nDownload: {url}" if args.get("link") else " A download link is ready; call with link=true for it."
    structured = {"id": export_id, "status": status, **({"link": url} if url and args.get("link") else {})}
    return ToolOutput(text, structured)


TOOLS = [
    ToolSpec(
        name="export_pdfs",
        description="Export file versions as one PDF (or ZIP) and wait for it; export= follows one.",
        toolset="files",
        params=[
            PROJECT,
            Param("files", list[str] | None, "File version URNs.", None),
            Param("name", str | None, "Output file name.", None),
            Param("export", str | None, "Export id to follow instead.", None),
            Param("link", bool, "Include the signed download link.", False),
            Param("allow_duplicate", bool, "Repeat an identical export.", False),
        ],
        run=export_pdfs,
        calls=["files.exports.create", "files.exports.get", "admin.projects.list"],
        write=True,
        destructive=False,
        not_found="Check the file version URNs and the export id.",
    )
]
