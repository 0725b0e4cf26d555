"""Data Connector jobs: one job with its files (optionally waiting for it), cancelling, and downloading a file.

Waiting polls the job inside the call's deadline (`deadline.py`) and reports each poll as an MCP progress
notification, so a client sees a long extract is alive. A download asks for the file's signed URL (valid 60 s)
just before fetching it, and the client streams it to a temporary name renamed only when complete and the
size matches the listing (`AccClient.download`). The signed URL never reaches the model's text or a log.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import zipfile
from pathlib import Path
from typing import Any

from .. import deadline
from ..config import Settings
from ..errors import InvalidInput, UpstreamError
from ..render import short_day
from ..safety import safe_child
from ..views import F
from .base import Param, ToolOutput, ToolSpec
from .data_connector import JOB, REQUEST_REF, job_status, visible
from .listing import Quoted, run_record
from .refs import Finder, Ref, resolve
from .runtime import Runtime, Scope
from .spec import tools

JOB_REF = Ref(
    kind="job",
    placeholder="jobId",
    lister="list_data_connector_jobs",
    prefix=Finder("dc.jobs.list", "id", fixed={"sort": "desc"}),
)
POLL_SECONDS = 2.0
"""How often a waiting call asks for the job's status."""
MARGIN = 5.0
"""Seconds of the call's deadline kept for the last reads and the answer."""
PREVIEW_ROWS = 5
PREVIEW_BYTES = 64 * 1024
"""A CSV preview reads at most this much of the file: the header and first rows, never the whole extract."""
ZIP_NAMES = 40
LISTED = 60
"""Files named in a job's answer (an extract of every service has a hundred or more)."""
LINE_CHARS = 400
"""A preview line longer than this is cut (a wide extract row would crowd out the rest of the answer)."""
NO_JOB = "Call list_data_connector_jobs for job ids."

JOB_DETAIL = JOB.extend(
    # One job: its outcome written out ("complete, success"), where a list line marks only failures
    F("status", lambda j, _: job_status(j, success=True), "bare"),
    F("progress", lambda j, _: f"{j.get('progress')}%" if j.get("status") == "running" else None),
    F("completed", lambda j, ctx: short_day(j.get("completedAt"), ctx.today)),
)


def size_text(size: Any) -> str:
    """Bytes as people read them: 812 B, 14.2 KB, 3.1 MB."""
    value = float(size or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def download_folder(settings: Settings) -> Path:
    """ACC_DOWNLOAD_DIR, or the user's cache folder (platformdirs)."""
    if settings.download_dir:
        return Path(settings.download_dir).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("acc-mcp", appauthor=False)) / "downloads"


async def _job_id(rt: Runtime, scope: Scope, args: dict[str, Any]) -> str | None:
    """The job quoted, else the newest job of the request quoted, else the account's newest (None: no job yet)."""
    if args.get("job"):
        return (await resolve(rt, scope, JOB_REF, args["job"])).id
    newest = {"sort": "desc", "limit": 1}
    if args.get("request"):
        request_id = (await resolve(rt, scope, REQUEST_REF, args["request"])).id
        call = rt.call("dc.request_jobs.list", scope, params=newest, ids={"requestId": request_id})
    else:
        call = rt.call("dc.jobs.list", scope, params=newest)
    jobs = (await rt.read(call) or {}).get("results") or []
    return str(jobs[0]["id"]) if jobs else None


def _record(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UpstreamError("ACC answered with something that is not a Data Connector job; try again.")
    return value


async def _files(rt: Runtime, scope: Scope, job_id: str) -> list[dict[str, Any]]:
    listing = await rt.read(rt.call("dc.job_data.list", scope, ids={"jobId": job_id}))
    return [f for f in listing or [] if isinstance(f, dict)]


async def get_job(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = Scope(account=await rt.account_id())
    job_id = await _job_id(rt, scope, args)
    if job_id is None:
        whose = f"Request {args['request']!r} has" if args.get("request") else "The account has"
        return ToolOutput(f"{whose} no Data Connector job yet.", {"items": []})
    call = rt.call("dc.jobs.get", scope, ids={"jobId": job_id})
    job = _record(await rt.read(call))
    wanted = max(0, int(args.get("wait") or 0))
    until = deadline.now() + min(wanted, max(0.0, deadline.remaining() - MARGIN))
    polls = 0
    while job.get("status") != "complete" and deadline.now() + POLL_SECONDS <= until:
        current = deadline.current()
        if current is not None:
            polls += 1
            await current.report(f"Job {job_id[:8]} {job.get('status')}, {job.get('progress') or 0}% done.")
        await deadline.wait(POLL_SECONDS)
        job = _record(await rt.read(call))
    done = job.get("status") == "complete"
    files = await _files(rt, scope, job_id) if done and job.get("completionStatus") == "success" else []
    note = None
    if files:
        listed = ", ".join(f"{f.get('name')} ({size_text(f.get('size'))})" for f in files[:LISTED])
        listed += f" … {len(files) - LISTED} more" if len(files) > LISTED else ""
        how = " Save one with download_data_connector_file." if visible(rt, "download_data_connector_file") else ""
        note = f"Files ({len(files)}): {listed}.{how}"
    elif not done:
        waited = f" after {math.ceil(polls * POLL_SECONDS)} s" if polls else ""
        note = f"Still {job.get('status')}{waited}; call again with wait=30 to wait for it."
    out = await run_record(rt, job, header="Data Connector job.", view=JOB_DETAIL, note=note)
    if out.structured is not None and files:
        out.structured["files"] = [{"name": f.get("name"), "size": f.get("size")} for f in files]
    return out


async def cancel_job(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    scope = Scope(account=await rt.account_id())
    job_id = (await resolve(rt, scope, JOB_REF, args["job"])).id
    # Read first: a finished job has nothing to cancel, and the answer says how it ended instead of a 400.
    job = _record(await rt.read(rt.call("dc.jobs.get", scope, ids={"jobId": job_id})))
    if job.get("status") == "complete":
        ended = job.get("completionStatus") or "complete"
        return ToolOutput(f"Job {job_id} had already finished ({ended}): nothing to cancel.", {"status": ended})
    await rt.write(rt.call("dc.jobs.cancel", scope, ids={"jobId": job_id}))
    return ToolOutput(f"Cancelled Data Connector job {job_id}.", {"cancelled": job_id})


def preview(path: Path) -> tuple[str, dict[str, Any]]:
    """A CSV's header and first rows, or a ZIP's member names: enough to see what was saved."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        more = f" … {len(names) - ZIP_NAMES} more" if len(names) > ZIP_NAMES else ""
        return f"Contains {len(names)} files: {', '.join(names[:ZIP_NAMES])}{more}.", {"members": names}
    if path.suffix.lower() != ".csv":
        return "", {}
    with path.open("rb") as fh:
        head = fh.read(PREVIEW_BYTES).decode("utf-8-sig", "replace")
    rows = list(itertools.islice(csv.reader(io.StringIO(head)), PREVIEW_ROWS + 1))
    if not rows:
        return "", {}
    text = "\n".join(",".join(r)[:LINE_CHARS] for r in rows)
    return f"Header and first rows:\n{text}", {"header": rows[0], "rows": rows[1:]}


async def download_file(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    name = str(args["file"]).strip()
    folder = download_folder(rt.settings)
    if "/" in name or "\\" in name:
        safe_child(folder, name)  # the clearer message for absolute or climbing names
        raise InvalidInput(f"file: {name[:80]!r} is not a plain file name; pass a name get_data_connector_job lists.")
    safe_child(folder, name)
    scope = Scope(account=await rt.account_id())
    job_id = (await resolve(rt, scope, JOB_REF, args["job"])).id
    files = {str(f.get("name")): f for f in await _files(rt, scope, job_id)}
    if name not in files:
        shown = ", ".join(list(files)[:20])
        raise InvalidInput(f"file: job {job_id[:8]} has no file {name[:80]!r}. Its files: {shown}.")
    # Asked for now, not earlier: the link is valid for 60 seconds.
    signed = await rt.read(rt.call("dc.job_data.get", scope, ids={"jobId": job_id, "name": name}))
    url = str((signed or {}).get("signedUrl") or "")
    if not url:
        raise InvalidInput(f"ACC gave no download link for {name}; call again in a minute.")
    expected = files[name].get("size")
    size = await rt.client.download(url, folder / job_id, name, expected_size=expected)
    path = folder / job_id / name
    shown, extra = preview(path)
    text = f"Saved {name} ({size_text(size)}, {size:,} bytes) to {path}." + (f"\n{shown}" if shown else "")
    return ToolOutput(text, {"path": str(path), "size": size, **extra})


JOB_PARAM = Param("job", Quoted, "Job id prefix.")
TOOLS = tools(
    ToolSpec(
        name="get_data_connector_job",
        description="A Data Connector job's status and its files; wait= polls until it completes.",
        toolset="data_connector",
        default=True,  # the follow-up of create_data_connector_request, which is in the default set
        params=[
            Param("job", str | None, "Job id prefix; default the newest.", None),
            Param("request", str | None, "Or a request id/name: its newest job.", None),
            Param("wait", int, "Seconds to wait for completion (max ~40).", 0),
        ],
        run=get_job,
        calls=["dc.jobs.get", "dc.job_data.list", "dc.request_jobs.list", *JOB_REF.calls, *REQUEST_REF.calls],
        not_found=NO_JOB,
    ),
    ToolSpec(
        name="cancel_data_connector_job",
        description="Cancel a queued or running Data Connector job.",
        toolset="data_connector",
        write=True,
        destructive=True,
        idempotent=True,
        params=[JOB_PARAM],
        run=cancel_job,
        calls=["dc.jobs.cancel", "dc.jobs.get", *JOB_REF.calls],
        not_found=NO_JOB,
    ),
    ToolSpec(
        name="download_data_connector_file",
        description="Save a file of a completed job's extract locally; shows a CSV's first rows.",
        toolset="data_connector",
        params=[JOB_PARAM, Param("file", str, "Name from get_data_connector_job.")],
        run=download_file,
        calls=["dc.job_data.list", "dc.job_data.get", *JOB_REF.calls],
        not_found=NO_JOB,
    ),
)
