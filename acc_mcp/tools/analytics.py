"""Analytics: account-wide questions answered by one SQL query over a Data Connector extract.

`load_data` takes the newest successful job's files (a read) — or, asked to and when writes are allowed,
schedules a one-time extract and waits for it, reporting progress — and loads them into the account's DuckDB
file (`acc_mcp.analytics.store`), which later calls and restarts reuse until the next load. `describe_data`
says what is loaded; `query_data` runs one read-only query (`acc_mcp.analytics.engine`) and returns the rows
as compact delimited text within the result budget.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

from ..deadline import current, remaining
from ..errors import InvalidInput, UpstreamError
from ..writes import Recent, check_duplicate, guarded_write
from .base import Param, ToolOutput, ToolSpec
from .data_connector import DUPLICATE_WINDOW
from .fanout import projects as active_projects
from .runtime import Runtime, Scope

GROUPS = ["admin", "issues", "rfis"]
"""What a new extract asks for: the groups whose tables analytics questions use most."""
POLL = 0.5
CELL = 60


async def _account(rt: Runtime) -> tuple[str, Scope]:
    account = await rt.account_id()
    return account, Scope(account=account)


async def _newest_job(rt: Runtime, scope: Scope, wanted: str | None) -> dict[str, Any] | None:
    """The newest successful job, or the one whose id starts with `wanted`."""
    call = rt.call("dc.jobs.list", scope, params={"sort": "desc", "limit": 100})
    body = await rt.read(call)
    jobs = body.get("results", []) if isinstance(body, dict) else []
    done = [j for j in jobs if j.get("status") == "complete" and j.get("completionStatus") == "success"]
    if wanted:
        done = [j for j in done if str(j.get("id")).startswith(wanted.strip())]
    return max(done, key=lambda j: str(j.get("completedAt")), default=None)


NEW_EXTRACT = "load_data new"
"""The duplicate guard's key for a new extract (with data_connector's writes, in the same memory)."""
UNCONFIRMED = "call load_data without new in a few minutes to load the newest completed extract, once it has run"


async def _start_job(rt: Runtime, scope: Scope) -> dict[str, Any]:
    """Schedule a one-time extract and wait for its job, with progress notifications."""
    body = {
        "description": "acc-mcp analytics extract",
        "isActive": True,
        "scheduleInterval": "ONE_TIME",
        # Today's midnight has passed: the job starts at once (the server's "today", which the demo fixes).
        "effectiveFrom": f"{rt.today().isoformat()}T00:00:00.000Z",
        "serviceGroups": GROUPS,
    }
    # A request whose outcome is unknown (the answer lost) is not sent again: a second extract would run twice
    # and count twice against the 24 jobs a day. Only that arms the guard: a confirmed one may be asked again.
    recent: Recent = rt.memo.setdefault("dc-writes", {})
    check_duplicate(recent, NEW_EXTRACT, allow=False, window=DUPLICATE_WINDOW, lister="load_data", then=UNCONFIRMED)
    with guarded_write(recent, NEW_EXTRACT, lister="load_data", then=UNCONFIRMED):
        created = await rt.write(rt.call("dc.requests.create", scope, json=body))
    recent.pop(NEW_EXTRACT, None)
    request = str(created.get("id"))
    deadline = current()
    while True:
        page = await rt.read(rt.call("dc.request_jobs.list", scope, ids={"requestId": request}))
        jobs = page.get("results", []) if isinstance(page, dict) else []
        job = jobs[0] if jobs else {}
        if job.get("status") == "complete":
            if job.get("completionStatus") != "success":
                raise UpstreamError(f"The extract job {job.get('id')} ended {job.get('completionStatus')}.")
            return dict(job)
        if remaining() < POLL + 5:
            raise UpstreamError(
                f"The extract (request {request}) is still {job.get('status') or 'queued'}; "
                "call load_data again in a minute to load it."
            )
        if deadline is not None:
            await deadline.report(f"Extract {job.get('status') or 'queued'}, {job.get('progress') or 0}% done.")
        await anyio.sleep(POLL)


async def _download(rt: Runtime, scope: Scope, job: str, into: Path) -> None:
    listing = await rt.read(rt.call("dc.job_data.list", scope, ids={"jobId": job}))
    names = [str(f.get("name")) for f in listing or [] if str(f.get("name", "")).endswith((".csv", ".txt"))]
    if not any(n.endswith(".csv") for n in names):
        raise UpstreamError(f"Job {job}'s extract has no CSV files.")
    for name in names:
        signed = await rt.read(rt.call("dc.job_data.get", scope, ids={"jobId": job, "name": name}))
        await rt.client.download(str(signed["signedUrl"]), into, name, expected_size=signed.get("size"))


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "moments"


def _summary(x: Any) -> str:
    rows = sum(t.rows for t in x.tables)
    return (
        f"Loaded extract: job {x.job[:8]}, extracted {x.completed_at[:16].replace('T', ' ')} UTC, "
        f"{len(x.projects)} projects, {len(x.tables)} tables, {rows:,} rows; loaded {_age(time.time() - x.loaded_at)} "
        "ago (load_data refreshes)."
    )


async def load_data(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    from ..analytics import store

    account, scope = await _account(rt)
    if args.get("new"):
        if rt.settings.read_only:
            raise InvalidInput(
                "new: starting an extract is a write and this server is read-only (ACC_READ_ONLY=true); "
                "call load_data without new to load the newest existing extract."
            )
        job = await _start_job(rt, scope)
    else:
        found = await _newest_job(rt, scope, args.get("job"))
        if found is None:
            raise InvalidInput(
                "No such completed Data Connector job: list_data_connector_jobs shows them, "
                "or load_data(new=true) runs one."
            )
        job = found
    folder = store.folder(rt.settings, account)
    folder.mkdir(parents=True, exist_ok=True)
    files = Path(tempfile.mkdtemp(prefix=".files-", dir=folder))
    try:
        await _download(rt, scope, str(job["id"]), files)
        projects = [str(p) for p in job.get("projectIdList") or []]
        extract = await anyio.to_thread.run_sync(
            lambda: store.build(
                folder,
                files,
                job=str(job["id"]),
                request=str(job.get("requestId")),
                completed_at=str(job.get("completedAt")),
                projects=projects,
            )
        )
    finally:
        shutil.rmtree(files, ignore_errors=True)
    missing = await _left_out(rt, extract.projects)
    return ToolOutput(_summary(extract) + missing + " Next: describe_data.", {"job": extract.job})


async def _left_out(rt: Runtime, projects: list[str]) -> str:
    """The account's active projects the extract does not cover: a total over it is not the account's, and
    "2 projects" alone does not say so (a play-the-model session summed a partial extract as the account)."""
    if not projects:
        return ""
    have = {p.removeprefix("b.") for p in projects}
    active = await active_projects(rt, None)  # what an account-wide question covers
    missing = [name for pid, name in active if pid.removeprefix("b.") not in have]
    if not missing:
        return ""
    named = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return (
        f" Not in it: {len(missing)} of the account's {len(active)} active or pending projects ({named}), so its "
        "totals are not the account's; load_data(new=true) extracts every project."
    )


def _loaded(rt: Runtime, account: str) -> tuple[Path, Any]:
    from ..analytics import store

    path = store.folder(rt.settings, account)
    extract = store.load(path)
    if extract is None:
        raise InvalidInput("No extract is loaded yet: call load_data first.")
    return path, extract


async def describe_data(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account, _ = await _account(rt)
    _, x = _loaded(rt, account)
    wanted = args.get("table")
    if wanted:
        table = next((t for t in x.tables if t.name == str(wanted).strip().lower()), None)
        if table is None:
            raise InvalidInput(f"table: no table {wanted!r}; tables: {', '.join(t.name for t in x.tables)}.")
        lines = [f"{table.name}: {table.rows:,} rows"]
        lines += [f"{c.name} {c.type}{' — ' + c.meaning if c.meaning else ''}" for c in table.columns]
        return ToolOutput("\n".join(lines), {"table": table.name, "rows": table.rows})
    budget = rt.settings.max_result_tokens * 3
    lines = [_summary(x)]
    for t in x.tables:
        if not t.rows:
            continue
        lines.append(f"{t.name} ({t.rows:,}): " + ", ".join(c.name for c in t.columns))
    empty = [t.name for t in x.tables if not t.rows]
    if empty:
        lines.append("Empty: " + ", ".join(empty))
    lines.append("Joins: " + "; ".join(dict.fromkeys(x.joins)))
    lines.append("Types and meanings: describe_data(table=…). Timestamps are UTC.")
    text = "\n".join(lines)
    if len(text) > budget:
        text = text[: budget - 80].rsplit("\n", 1)[0] + "\n… cut to the result budget; describe_data(table=…)."
    return ToolOutput(text, {"job": x.job, "tables": {t.name: t.rows for t in x.tables}})


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ").replace("|", "/")
    return text if len(text) <= CELL else text[: CELL - 1] + "…"


async def query_data(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    from ..analytics import engine

    account, _ = await _account(rt)
    path, _ = _loaded(rt, account)
    sql = str(args["sql"]).strip().rstrip(";")
    timeout = min(rt.settings.query_timeout, max(1.0, remaining() - 1))
    result = await anyio.to_thread.run_sync(lambda: engine.run(path / "extract.duckdb", sql, keep=500, timeout=timeout))
    budget = rt.settings.max_result_tokens * 3 - 200
    lines = [" | ".join(result.columns)]
    used = len(lines[0])
    shown = 0
    for row in result.rows:
        line = " | ".join(_cell(v) for v in row)
        if used + len(line) + 1 > budget:
            break
        lines.append(line)
        used += len(line) + 1
        shown += 1
    head = f"{result.total:,} rows" if shown == result.total else f"Rows 1–{shown} of {result.total:,}"
    text = f"{head} ({', '.join(f'{c} {t}' for c, t in zip(result.columns, result.types, strict=True))}):\n"
    text += "\n".join(lines)
    if shown < result.total:
        text += f"\nMore: add LIMIT/OFFSET {shown} to the query, or aggregate."
    structured = {"columns": result.columns, "rows": [list(map(_json, r)) for r in result.rows[:shown]]}
    return ToolOutput(text, structured | {"total": result.total})


def _json(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


NO_EXTRACT = "Call load_data first."
TOOLS = [
    ToolSpec(
        name="load_data",
        description=(
            "Load the newest Data Connector extract for describe_data/query_data (account-wide analysis in SQL); "
            "kept until reloaded."
        ),
        toolset="analytics",
        params=[
            Param("job", str | None, "Job id or prefix; default the newest completed.", None),
            Param("new", bool, "Run a new one-time extract first and wait (a write).", False),
        ],
        run=load_data,
        writes_when="new",
        calls=[
            "dc.jobs.list",
            "dc.requests.create",
            "dc.request_jobs.list",
            "dc.job_data.list",
            "dc.job_data.get",
            "admin.projects.list",
        ],
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    ToolSpec(
        name="describe_data",
        description="The loaded extract's tables, row counts, columns and joins.",
        toolset="analytics",
        params=[Param("table", str | None, "One table in full: types and meanings.", None)],
        run=describe_data,
        calls=[],
        not_found=NO_EXTRACT,
    ),
    ToolSpec(
        name="query_data",
        description="Run one read-only DuckDB SQL query over the loaded extract; rows as delimited text.",
        toolset="analytics",
        params=[Param("sql", str, "One SELECT (DuckDB dialect).")],
        run=query_data,
        calls=[],
        not_found=NO_EXTRACT,
    ),
]
