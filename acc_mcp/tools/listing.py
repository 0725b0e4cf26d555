"""The shared machinery of list and get tools: common parameters, argument checks, and the runners.

`run_list` pages the upstream list from the model's cursor, turns records into rows with the tool's
view, renders them within the budget, and writes the continuation cursor. `run_record` does the same
for one record. Family modules only say which endpoint, which parameters map to which filters, and
which fields matter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from ..errors import InvalidInput
from ..paging import Call, Paging, collect, decode_cursor, encode_cursor, fingerprint
from ..render import Row, compact, render_list, render_record, structured_size
from .base import Param, ToolOutput
from .runtime import Runtime

PROJECT = Param("project", str, "Project id, or part of its name or job number.")
CURSOR = Param("cursor", str | None, "From the previous result, to continue.", None)
DETAIL = Param("detail", Literal["summary", "full"], "'full' adds every non-empty field.", "summary")


def limit_param(default: int = 25, maximum: int = 200) -> Param:
    return Param("limit", int, f"Items to return (1–{maximum}).", default)


@dataclass
class ViewContext:
    """What a view needs besides the record: names for ids, and today's date for 'overdue'."""

    names: Mapping[str, str]
    today: date

    def name(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.names.get(value, value)
        return value


View = Callable[[dict[str, Any], ViewContext], Row]


# --- argument checks ---------------------------------------------------------------------------


def check_date(name: str, value: str) -> str:
    """A date (YYYY-MM-DD) or an ISO 8601 timestamp, returned unchanged once known to parse."""
    text = value.strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a date. Use YYYY-MM-DD (e.g. 2026-03-31).") from None
    return text


def date_range(args: Mapping[str, Any], after: str, before: str) -> str | None:
    """Two optional bounds → ACC's `start..end` range filter."""
    start = check_date(after, args[after]) if args.get(after) else ""
    end = check_date(before, args[before]) if args.get(before) else ""
    if start and end and start[:10] > end[:10]:
        raise InvalidInput(f"{after} ({start}) is later than {before} ({end}).")
    return f"{start}..{end}" if start or end else None


def check_limit(args: Mapping[str, Any], maximum: int = 200) -> int:
    limit = int(args.get("limit") or 25)
    if not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}, got {limit}.")
    return limit


# --- runners -----------------------------------------------------------------------------------


async def run_list(
    rt: Runtime,
    args: Mapping[str, Any],
    *,
    tool: str,
    paging: Paging,
    call: Call,
    view: View,
    noun: str,
    names: Mapping[str, str] | None = None,
    maximum: int = 200,
) -> ToolOutput:
    """One budgeted page of a list, starting at the model's cursor; `names` maps ids to display names."""
    limit = check_limit(args, maximum)
    query = fingerprint(tool, dict(args))
    position, skip, seen = decode_cursor(args["cursor"], query) if args.get("cursor") else (None, 0, 0)
    got = await collect(rt.fetch, paging, call, start=(position, skip), want=limit)
    ctx = ViewContext(names or {}, rt.today())
    rows = [compact(view(item, ctx)) for item in got.items]
    total = got.total
    header = f"{total} {noun} in all." if total is not None else f"{noun.capitalize()}:"
    if not rows:
        header = f"No {noun} found." if not seen else f"No more {noun}."

    def cursor_for(shown: int) -> str | None:
        resume = got.resume_at(shown)
        return None if resume is None else encode_cursor(resume[0], resume[1], query, seen + shown)

    def footer(shown: int) -> str | None:
        if not rows:
            return None
        span = f"Showing {seen + 1}–{seen + shown}" + (f" of {total}" if total is not None else "")
        cursor = cursor_for(shown)
        if cursor is None:
            return f"{span}; that is the end of the list." if seen or total is None or total > shown else None
        return f'{span}. More: call {tool} again with the same filters and cursor="{cursor}".'

    # Leave room in the budget for the structured copy of the rows, which clients may also show.
    budget = rt.settings.max_result_tokens
    rendered = render_list(header, rows, budget=budget, footer=footer)
    shown = rendered.shown
    structured: dict[str, Any] = {"items": rows[:shown], "total": total}
    while shown and structured_size(structured) > budget:
        shown -= 1
        structured["items"] = rows[:shown]
    if shown != rendered.shown:
        rendered = render_list(header, rows[:shown], budget=budget, footer=lambda _n: footer(shown))
    if cursor := cursor_for(shown):
        structured["cursor"] = cursor
    return ToolOutput(rendered.text, compact(structured))


async def run_record(
    rt: Runtime,
    record: dict[str, Any],
    *,
    header: str,
    view: View,
    detail: str = "summary",
    names: Mapping[str, str] | None = None,
) -> ToolOutput:
    ctx = ViewContext(names or {}, rt.today())
    row = compact(view(record, ctx))
    if detail == "full":
        row = {**row, **{k: v for k, v in flatten(record).items() if k not in row}}
    text = render_record(header, row, budget=rt.settings.max_result_tokens)
    return ToolOutput(text, row if structured_size(row) <= rt.settings.max_result_tokens else None)


_SECRET_KEYS = ("signedurl", "url", "token", "signature")


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested fields as `a.b` keys, empties and anything link- or credential-like left out."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if any(s in key.lower() for s in _SECRET_KEYS):
            continue
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[name] = [
                ", ".join(f"{k} {v}" for k, v in compact(item).items() if not isinstance(v, dict | list))
                for item in value[:10]
            ]
        elif value not in (None, "", [], {}):
            out[name] = value
    return out
