"""Across projects: a list tool given no project, `"all"` or several reads each project concurrently.

"Any RFI about curtain walls?" and "which project has the most open RFIs?" are one call, not one per
project. Each project is read with the same request a one-project call would send (at most CONCURRENCY
projects at a time, each paging as usual; the client retries 429s with Retry-After within the call
deadline). The answer gives totals per project in its header, the rows under a heading per project, and
for a project with more rows the way to page on: the same call with that one project and its own cursor
(a cursor per project, rather than one opaque cursor over several lists). A project that cannot be read
is named with its error, not fatal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import AccError, InvalidInput
from ..render import Row, compact, render_list
from ..views import View, ViewContext
from .base import Param, ToolOutput
from .counts import plural
from .refs import remember_ids
from .runtime import Runtime

if TYPE_CHECKING:
    from ..paging import Call, Paging

PROJECTS = Param("project", list[str] | None, "Names or ids; omit for all.", None)
ALL = {"", "all", "*", "any", "every"}
CLOSED = {"archived", "inactive", "suspended", "deleted"}
"""Project statuses left out of "all" (pending and active projects are read)."""
CONCURRENCY = 4
"""Projects read at once: each may fetch up to 4 pages at a time, so at most 16 requests in flight."""


def many(value: Any) -> bool:
    """Whether `project` asks for more than one project (none given, "all", or several)."""
    values = [value] if isinstance(value, str) else list(value or [])
    return len(values) != 1 or str(values[0]).strip().lower() in ALL


def single(value: Any) -> str | None:
    """The one project asked for (a list of one is that one)."""
    if isinstance(value, list):
        return str(value[0]) if value else None
    return value if value is None else str(value)


async def projects(rt: Runtime, value: Any) -> list[tuple[str, str]]:
    """(id, name) of each project asked for: all the account's projects not archived when none are named."""
    values = [value] if isinstance(value, str) else list(value or [])
    listed = await rt.projects()
    by_id = {str(p["id"]): str(p.get("name") or p["id"]) for p in listed}
    if not values or any(str(v).strip().lower() in ALL for v in values):
        active = [p for p in listed if str(p.get("status") or "active").lower() not in CLOSED] or listed
        return [(str(p["id"]), str(p.get("name") or p["id"])) for p in active]
    out: dict[str, str] = {}
    for v in values:
        pid = await rt.project_id(str(v))
        out[pid] = by_id.get(pid, pid)
    return list(out.items())


@dataclass(frozen=True)
class Part:
    """One project's share of the answer."""

    name: str
    rows: list[Row]
    total: int | None
    more: bool
    copies: list[Row]
    """The rows' JSON-ready copies (`plain`), for the structured content."""
    ids: bool
    """Whether a row may hold an id for `remember_ids` (see `View.rows`)."""


async def gather(
    items: Sequence[tuple[str, str]], read: Callable[[str, str], Awaitable[Any]]
) -> tuple[dict[str, Any], list[str]]:
    """`read(id, name)` for each project, CONCURRENCY at a time: results by name, and "name: error" lines."""
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    results: dict[str, Any] = {}
    failed: list[str] = []
    refused: list[InvalidInput] = []

    async def one(pid: str, name: str) -> None:
        async with limiter:
            try:
                results[name] = await read(pid, name)
            except InvalidInput as exc:
                refused.append(exc)  # e.g. the person is not on that project: nothing of theirs there
            except AccError as exc:
                failed.append(f"{name}: {exc}")

    async with anyio.create_task_group() as tg:
        for pid, name in items:
            tg.start_soon(one, pid, name)
    if not results and refused:
        raise refused[0]
    if failed and not results:
        raise AccError(f"No project could be read. {failed[0]}")
    return results, failed


async def run_fanout(
    rt: Runtime,
    *,
    items: Sequence[tuple[str, str]],
    request: Callable[[str], Awaitable[tuple[Call, Mapping[str, str]]]],
    paging: Paging,
    view: View,
    noun: str,
    limit: int,
) -> ToolOutput:
    """The first `limit` rows of each project, under a heading per project, with totals per project."""
    from ..paging import collect  # paging.py: read at the first call

    today: date = rt.today()

    async def read(pid: str, name: str) -> Part:
        call, names = await request(pid)
        got = await collect(rt.read, paging, call, want=limit)
        ctx = ViewContext(names, today)
        viewed, copied, ids = view.rows(got.items, ctx)
        rows = [{"project": name, **row} for row in viewed]
        total = got.total if got.total is not None else (len(rows) if got.tail is None else None)
        more = got.tail is not None or (total or 0) > len(rows)
        return Part(name, rows, total, more, [{"project": name, **copy} for copy in copied], ids)

    results, failed = await gather(items, read)
    parts = sorted(results.values(), key=lambda p: (-(p.total or len(p.rows)), p.name))
    found = [p for p in parts if p.rows]
    count = sum(p.total or len(p.rows) for p in parts)
    per = ", ".join(f"{p.name} {p.total if p.total is not None else f'{len(p.rows)}+'}" for p in found)
    # "in 3 of 5 projects": how many had any, of the projects read (one where the person named is not a member
    # has none); the others have no heading below, and those that failed are named in the footer
    asked = len(items) - len(failed)
    where = f"{len(found)} of {asked}" if found and len(found) < asked else str(asked)
    header = f"{plural(count, noun)} in {where} projects as of {today}" + (f": {per}." if per else ".")
    more = [p.name for p in found if p.more]
    rows = [r for p in found for r in p.rows]
    copies = [c for p in found for c in p.copies]

    def footer(shown: int) -> str | None:
        notes = []
        if more or shown < len(rows):
            example = more[0] if more else found[0].name
            notes.append(f"First rows per project; for more, the same call with one project (project={example!r}).")
        if failed:
            notes.append(f"Not read: {'; '.join(failed)}")
        return " ".join(notes) or None

    budget = rt.settings.max_result_tokens
    roles = {**view.roles, "project": "bare"}  # a heading per project reads as its name
    rendered = render_list(header, rows, roles=roles, budget=budget, footer=footer, group="project")
    remember_ids(rt, rows[: rendered.shown] if any(p.ids for p in found) else ())
    structured = {
        "totals": {p.name: p.total for p in parts},
        "items": copies[: min(rendered.shown, 100)],
        "failed": failed,
    }
    return ToolOutput(rendered.text, compact(structured))
