"""`group_by`: counts, not rows, when counts are asked ("who has the most overdue issues?").

Every matching item is read (pages fetched concurrently, one or many projects), up to a safety cap per
project that the answer states when it is hit, and the answer is a short table: one line per value, most
first. A list spec opts in with `group_keys` (key → how to read it from a record; None: the view's field
of that name); `project` is always offered when the spec fans out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import anyio

from ..errors import AccError
from ..render import compact
from ..views import Record, View, ViewContext
from .base import ToolOutput

if TYPE_CHECKING:
    from ..paging import Call, Paging

Getter = Callable[[Record, ViewContext], Any]
CAP = 5000
"""Items read per project for one count: enough for any real project's issues, bounded for the call deadline."""
SHOWN = 40
"""Values listed; the rest are summed on one line."""
CONCURRENCY = 4
"""Projects read at once (each reads its pages up to 4 at a time): well within ACC's rate limits."""


@dataclass(frozen=True)
class Source:
    """One project's request, with the names its rows need."""

    project: str | None
    call: Call
    names: Mapping[str, str]


def due_week(key: str) -> Getter:
    """The Monday of the week of a record's `key` date ("week of 2026-11-02"): when it is due, or was created."""

    def get(record: Record, _ctx: ViewContext) -> Any:
        text = str(record.get(key) or "")[:10]
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        return f"week of {day - timedelta(days=day.weekday())}"

    return get


def plural(n: int, noun: str) -> str:
    """`1 issue`, `2 issues`, `1 company`: counts read the way people write them."""
    if n != 1 or not noun.endswith("s"):
        return f"{n:,} {noun}"
    return f"1 {noun[:-3]}y" if noun.endswith("ies") else f"1 {noun[:-1]}"


async def run_counts(
    fetch: Callable[[Call], Any],
    sources: Sequence[Source],
    *,
    paging: Paging,
    view: View,
    noun: str,
    key: str,
    getter: Getter | None,
    today: date,
    failed: Sequence[str] = (),
    cap: int | None = None,
) -> ToolOutput:
    """A count table of every item of every source by `key`, with the cap and any unread project stated."""
    from ..paging import collect  # paging.py: read at the first call

    cap = cap or CAP
    counts: Counter[str] = Counter()
    capped: list[str] = []
    errors = list(failed)
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    total = 0

    async def one(source: Source) -> None:
        nonlocal total
        async with limiter:
            try:
                got = await collect(fetch, paging, source.call, want=cap)
            except AccError as exc:
                errors.append(f"{source.project}: {exc}")
                return
        ctx = ViewContext(source.names, today)
        if got.tail is not None or (got.total is not None and got.total > len(got.items)):
            capped.append(f"{source.project or 'the project'} ({got.total or 'more'})")
        for item in got.items:
            value = source.project if key == "project" else getter(item, ctx) if getter else view(item, ctx).get(key)
            values = value if isinstance(value, list) else [value]
            for v in values or [None]:
                counts[str(v) if v not in (None, "") else "(none)"] += 1
            total += 1

    async with anyio.create_task_group() as tg:
        for source in sources:
            tg.start_soon(one, source)
    if errors and len(errors) >= len(sources) + len(failed):
        raise AccError(f"No project could be read: {'; '.join(errors[:3])}")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if key.endswith("_week") and len(ranked) <= SHOWN:  # a time series reads in time order ("(none)" last)
        ranked.sort(key=lambda kv: (kv[0] == "(none)", kv[0]))
    where = ""
    if len(sources) > 1:
        where = f" in {len(sources)} projects"
    elif sources[0].project:  # one source: a single project, named when the call named it
        where = f" in {sources[0].project}"
    lines = [f"{plural(total, noun)}{where} as of {today}, by {key}:"]
    lines += [f"{value}: {n}" for value, n in ranked[:SHOWN]]
    if len(ranked) > SHOWN:
        rest = sum(n for _v, n in ranked[SHOWN:])
        lines.append(f"{len(ranked) - SHOWN} more values: {rest}")
    if capped:
        lines.append(f"Counted the first {cap:,} per project (safety cap) in {', '.join(capped)}; narrow the filters.")
    if errors:
        lines.append(f"Not counted: {'; '.join(errors)}")
    structured = {"by": key, "total": total, "counts": dict(ranked), "capped": capped, "failed": errors}
    return ToolOutput("\n".join(lines), compact(structured))
