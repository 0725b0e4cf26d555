"""The shared machinery of list and get tools: common parameters, argument checks, and the runners.

`run_list` pages the upstream list from the model's cursor, turns records into rows with the tool's
view, renders them within the budget, and writes the continuation cursor. `run_record` does the same
for one record. Family modules only say which endpoint, which parameters map to which filters, and
which fields matter.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..errors import InvalidInput
from ..paging import Call, Paging, collect, decode_cursor, encode_cursor, fingerprint
from ..render import PREFIX, Row, ShortId, compact, plain, render_list, render_record, structured_size
from .base import Param, ToolOutput
from .runtime import UUID, Runtime

# Parameter text is paid for in every prompt, once per tool that has the parameter: keep it short (and
# ASCII: JSON escapes anything else into several tokens).
PROJECT = Param("project", str, "Name or id.")
CURSOR = Param("cursor", str | None, "To continue.", None)
FULL = Param("full", bool, "All fields.", False)
PERSON = "Name or email."
NAME = Param("name", str | None, "Name contains.", None)


def limit_param(default: int = 25, maximum: int = 200) -> Param:
    return Param("limit", int, f"Max {maximum}.", default)


def range_param(name: str) -> Param:
    """A date range as ACC writes it, `from..to`; either side may be left empty."""
    return Param(name, str | None, "YYYY-MM-DD..YYYY-MM-DD, either side optional.", None)


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


def date_range(args: Mapping[str, Any], name: str) -> str | None:
    """A `from..to` argument (or one day), checked, as ACC's range filter (`start..end`, `..end`, `day`)."""
    value = str(args.get(name) or "").strip()
    if not value:
        return None
    start, dots, end = value.partition("..")
    if not dots:
        return check_date(name, start)  # one day: ACC reads a single date as that whole day
    start = check_date(name, start) if start.strip() else ""
    end = check_date(name, end) if end.strip() else ""
    if not start and not end:
        raise InvalidInput(f"{name}: give at least one date, e.g. 2026-03-01..2026-03-31 or ..2026-03-31.")
    if start and end and start[:10] > end[:10]:
        raise InvalidInput(f"{name}: {start} is later than {end}.")
    return f"{start}..{end}"


def check_limit(args: Mapping[str, Any], maximum: int = 200) -> int:
    limit = 25 if args.get("limit") is None else int(args["limit"])  # limit=0 is an error, not 25
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
    group: str | None = None,
) -> ToolOutput:
    """One budgeted page of a list, starting at the model's cursor; `names` maps ids to display names.

    `group` gathers the lines shown under a heading per value of that row key (see `render_list`).
    """
    limit = check_limit(args, maximum)
    query = fingerprint(tool, dict(args))
    position, skip, seen = decode_cursor(args["cursor"], query) if args.get("cursor") else (None, 0, 0)
    got = await collect(rt.fetch, paging, call, start=(position, skip), want=limit)
    ctx = ViewContext(names or {}, rt.today())
    rows = [compact(view(item, ctx)) for item in got.items]
    total = got.total
    if total is None and not seen and got.tail is None:
        total = len(rows)  # the whole list is in hand
    header = f"{total} {noun} in all." if total is not None else f"{noun.capitalize()}:"
    if not rows:
        header = f"No {noun} found." if not seen else f"No more {noun}."

    def cursor_for(shown: int) -> str | None:
        resume = got.resume_at(shown)
        return None if resume is None else encode_cursor(resume[0], resume[1], query, seen + shown)

    def footer(shown: int) -> str | None:
        if not rows:
            return None
        span = f"Showing {seen + 1}-{seen + shown}" + (f" of {total}" if total is not None else "")
        cursor = cursor_for(shown)
        if cursor is None:
            return f"{span}; end of list." if seen or (total is not None and total > shown) else None
        return f'{span}. More: same call with cursor="{cursor}".'

    # Leave room in the budget for the structured copy of the rows, which clients may also show.
    budget = rt.settings.max_result_tokens
    rendered = render_list(header, rows, budget=budget, footer=footer, group=group)
    shown = rendered.shown
    structured: dict[str, Any] = {"items": plain(rows[:shown]), "total": total}
    while shown and structured_size(structured) > budget:
        shown -= 1
        structured["items"] = structured["items"][:shown]
    if shown != rendered.shown:
        rendered = render_list(header, rows[:shown], budget=budget, footer=lambda _n: footer(shown), group=group)
    if cursor := cursor_for(shown):
        structured["cursor"] = cursor
    remember_ids(rt, rows[:shown])
    return ToolOutput(rendered.text, compact(structured))


async def run_record(
    rt: Runtime,
    record: dict[str, Any],
    *,
    header: str,
    view: View,
    full: bool = False,
    names: Mapping[str, str] | None = None,
) -> ToolOutput:
    """One record: the view's fields, or with `full` every non-empty field of the record."""
    ctx = ViewContext(names or {}, rt.today())
    row = compact(view(record, ctx))
    if full:
        row = {**row, **{k: v for k, v in flatten(record).items() if k not in row}}
    text = render_record(header, row, budget=rt.settings.max_result_tokens)
    return ToolOutput(text, plain(row) if structured_size(row) <= rt.settings.max_result_tokens else None)


# --- short ids -----------------------------------------------------------------------------------

_PREFIX = re.compile(r"^[A-Za-z0-9._:-]{4,}$")
"""What may be (the start of) an id: four characters or more, no spaces."""
_REMEMBERED = 5000
"""Ids remembered per kind (the most recent ones shown)."""


def remember_ids(rt: Runtime, rows: Iterable[Row]) -> None:
    """Note every id a list showed by its prefix, so the tool that acts on it can take the prefix back."""
    memo: dict[str, dict[str, None]] = rt.memo.setdefault("shown-ids", {})
    for row in rows:
        for value in row.values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, ShortId):
                    ids = memo.setdefault(v.kind, {})
                    ids.pop(v.value, None)
                    ids[v.value] = None
                    if len(ids) > _REMEMBERED:
                        del ids[next(iter(ids))]


async def resolve_id(
    rt: Runtime,
    value: str,
    *,
    kind: str,
    listing: Callable[[], Awaitable[list[dict[str, Any]]]],
    lister: str,
    name_key: str | None = None,
) -> str:
    """A full id from a full id, the prefix a list showed, or (with `name_key`) part of the record's name.

    Prefixes are looked up among the ids lists have shown, then in `listing()` (the records that tool
    lists); an unknown or ambiguous value is an error that says which tool shows the ids (`lister`).
    """
    text = value.strip().removeprefix("b.")
    if UUID.match(text):
        return text
    low = text.lower()
    prefix = bool(_PREFIX.match(text))
    if prefix:
        shown = [i for i in rt.memo.get("shown-ids", {}).get(kind, {}) if i.lower().startswith(low)]
        if len(shown) == 1:
            return str(shown[0])
    records = await listing()
    hits = [r for r in records if prefix and str(r.get("id", "")).lower().startswith(low)]
    if not hits and name_key:
        named = [r for r in records if low in str(r.get(name_key, "")).lower()]
        exact = [r for r in named if low == str(r.get(name_key, "")).lower()]
        hits = exact or named
    if len(hits) == 1:
        return str(hits[0]["id"])
    if not hits:
        what = f"No {kind} matches {text!r}" if name_key or not prefix else f"No {kind} id starts with {text!r}"
        raise InvalidInput(f"{what}. Call {lister} to see them; pass the id (its first {PREFIX} characters will do).")
    options = "; ".join(
        f"{str(r['id'])[:13]}" + (f" {r.get(name_key)}" if name_key and r.get(name_key) else "") for r in hits[:8]
    )
    raise InvalidInput(f"{text!r} matches {len(hits)} {kind}s: {options}. Pass more of the id.")


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
