"""When a Data Connector request runs: how often, as people say it, and its next run (for the request lines)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from ..render import short_day
from ..views import Record, ViewContext

_EVERY = {"DAY": "daily", "WEEK": "weekly", "MONTH": "monthly", "YEAR": "yearly"}


def schedule(r: Record) -> str:
    """How often a request runs, as people say it: "once", "weekly", "every 2 weeks"."""
    unit, every = str(r.get("scheduleInterval")), r.get("reoccuringInterval") or 1
    if unit == "ONE_TIME":
        return "once"
    return _EVERY.get(unit, unit.lower()) if every == 1 else f"every {every} {unit.lower()}s"


def next_run(r: Record, ctx: ViewContext) -> Any:
    """When an active recurring request runs next: effectiveFrom plus whole intervals, the first not before
    today and after the last run (a run today that has happened gives the one after it); none past effectiveTo."""
    unit, every = str(r.get("scheduleInterval")), int(r.get("reoccuringInterval") or 1)
    start, end = _day(r.get("effectiveFrom")), _day(r.get("effectiveTo"))
    if not r.get("isActive") or unit not in _EVERY or start is None or every < 1:
        return None
    last = _day(r.get("lastQueuedAt"))
    floor = max(ctx.today, last + timedelta(days=1)) if last else ctx.today
    months = {"MONTH": every, "YEAR": 12 * every}.get(unit)
    for k in range(100_000):
        if months:
            m = start.month - 1 + k * months
            year, month = start.year + m // 12, m % 12 + 1
            at = date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
        else:
            at = start + timedelta(days=k * every * (7 if unit == "WEEK" else 1))
        if end is not None and at > end:
            return None
        if at >= floor:
            return short_day(at.isoformat(), ctx.today)
    return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
