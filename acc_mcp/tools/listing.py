"""The shared machinery of list and get tools: common parameters, argument checks, and the two renderers.

`run_list` pages the upstream list from the model's cursor, turns records into rows with the tool's
view, renders them within the budget, and writes the continuation cursor. `run_record` does the same
for one record. Family modules only declare (tools/spec.py) which endpoint, which parameters map to which
filters, and which fields matter.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator

from ..errors import InvalidInput
from ..render import compact, plain, render_list, render_record, structured_size
from ..views import View, ViewContext, flatten
from .base import Param, ToolOutput, Via
from .counts import plural
from .refs import remember_ids
from .runtime import Runtime, Scope

if TYPE_CHECKING:
    from ..paging import Call, Paging

# Parameter text is paid for in every prompt, once per tool that has the parameter: keep it short (and
# ASCII: JSON escapes anything else into several tokens).
PROJECT = Param("project", str, "Name or id.")
CURSOR = Param("cursor", str | None, "To continue.", None)
FULL = Param("full", bool, "All fields.", False)
PERSON = "Name or email."
NAME = Param("name", str | None, "Name contains.", None)


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Quoted = Annotated[str, BeforeValidator(_text)]
"""A reference as people quote it: `42`, `"#42"`, `"RFI 012"`. The schema says string (cheaper than a union in
every prompt), and a JSON number is taken as well."""


def limit_param(default: int = 25, maximum: int = 200) -> Param:
    return Param("limit", int, f"Max {maximum}.", default)


def range_param(name: str, to: str) -> Param:
    """A date range as ACC writes it, `from..to`; either side may be left empty."""
    return Param(name, str | None, "YYYY-MM-DD..YYYY-MM-DD, either side optional.", None, to=to, via=DATE_RANGE)


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


def date_range(name: str, value: str | None) -> str | None:
    """A `from..to` argument (or one day), checked, as ACC's range filter (`start..end`, `..end`, `day`)."""
    value = str(value or "").strip()
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


async def _date_range(_rt: Runtime, _scope: Scope, name: str, value: Any) -> str | None:
    return date_range(name, value)


DATE_RANGE = Via(_date_range)


SIZING = "0" * 8
"""Stands in for the query's fingerprint (always 8 characters) where a cursor is only measured."""


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
    as_of: bool = False,
) -> ToolOutput:
    """One budgeted page of a list, starting at the model's cursor; `names` maps ids to display names.

    `group` gathers the lines shown under a heading per value of that row key (see `render_list`).
    """
    from ..paging import collect, decode_cursor, encode_cursor, fingerprint  # paging.py: read at the first call

    limit = check_limit(args, maximum)
    # The cursor's fingerprint of this query: hashed only once a cursor is read or written (most lists end in
    # one page)
    query = functools.cache(functools.partial(fingerprint, tool, dict(args)))

    position, skip, seen = decode_cursor(args["cursor"], query()) if args.get("cursor") else (None, 0, 0)
    if isinstance(position, str) and paging.random_access:
        # An offset list's cursor holds a number: a token here is an edited or foreign cursor.
        raise InvalidInput("The cursor is not valid. Pass back the cursor exactly as a previous result gave it.")
    got = await collect(rt.read, paging, call, start=(position, skip), want=limit)
    today = rt.today()
    ctx = ViewContext(names or {}, today)
    rows, copies, ids = view.rows(got.items, ctx)
    total = got.total
    if total is None and not seen and got.tail is None:
        total = len(rows)  # the whole list is in hand
    header = f"{plural(total, noun)} in all." if total is not None else f"{noun.capitalize()}:"
    if not rows:
        header = f"No {noun} found." if not seen else f"No more {noun}."
    if as_of:  # a list that shows "overdue" says which day it judges against
        header += f" Today is {today}."

    def cursor_for(shown: int, sizing: bool = False) -> str | None:
        resume = got.resume_at(shown)
        if resume is None:
            return None
        return encode_cursor(resume[0], resume[1], SIZING if sizing else query(), seen + shown)

    def footer(shown: int, sizing: bool = False) -> str | None:
        if not rows:
            return None
        span = f"Showing {seen + 1}-{seen + shown}" + (f" of {total}" if total is not None else "")
        cursor = cursor_for(shown, sizing)
        if cursor is None:
            return f"{span}; end of list." if seen or (total is not None and total > shown) else None
        # fewer shown than read: the result budget cut the page short of the limit asked for
        cut = " (all that fit the result budget)" if shown < len(rows) else ""
        return f'{span}{cut}. More: same call with cursor="{cursor}".'

    # Leave room in the budget for the structured copy of the rows, which clients may also show.
    budget = rt.settings.max_result_tokens
    rendered = render_list(
        header, rows, roles=view.roles, budget=budget, footer=footer, group=group, reserve=footer(0, sizing=True)
    )
    shown = rendered.shown
    structured: dict[str, Any] = {"items": copies[:shown], "total": total}
    while shown and structured_size(structured) > budget:
        shown -= 1
        structured["items"] = structured["items"][:shown]
    if shown != rendered.shown:
        rendered = render_list(
            header, rows[:shown], roles=view.roles, budget=budget, footer=lambda _n: footer(shown), group=group
        )
    if cursor := cursor_for(shown):
        structured["cursor"] = cursor
    remember_ids(rt, rows[:shown] if ids else ())  # no ids shown: nothing to scan (the memo is touched alike)
    return ToolOutput(rendered.text, compact(structured))


async def run_record(
    rt: Runtime,
    record: dict[str, Any],
    *,
    header: str,
    view: View,
    full: bool = False,
    names: Mapping[str, str] | None = None,
    note: str | None = None,
) -> ToolOutput:
    """One record: the view's fields, or with `full` every non-empty field of the record; then `note`."""
    ctx = ViewContext(names or {}, rt.today())
    row = view(record, ctx)
    if full:
        row = {**row, **{k: v for k, v in flatten(record).items() if k not in row}}
    text = render_record(header, row, roles=view.roles, budget=rt.settings.max_result_tokens, note=note)
    copy = plain(row)
    return ToolOutput(text, copy if structured_size(copy) <= rt.settings.max_result_tokens else None)
