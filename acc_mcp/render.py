"""Compact text for the model: one line per item, a token budget, and how to continue.

A view turns one API record into an ordered dict of the fields that matter (`Row`); empty values are
dropped. The same rows become the text lines and the structured content, so the two never disagree.
Text is cut to the budget on a line boundary and always ends with what was left out and the cursor to
continue with — a model that sees "12 more" will ask for them; one that sees a silent cut will not.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

Row = dict[str, Any]
BARE_KEYS = frozenset({"title", "name", "status", "text"})
"""Keys whose values stand alone in a line; every other key is written as `key value`."""


def estimate_tokens(text: str) -> int:
    """A deliberately pessimistic estimate (about 3 characters a token): ids and dates tokenize poorly."""
    return math.ceil(len(text) / 3)


def compact(row: Mapping[str, Any]) -> Row:
    """Drop empty values (None, False, "", [], {}) so neither text nor structured content carries them."""
    return {k: v for k, v in row.items() if v is not None and v is not False and v != "" and v != [] and v != {}}


def fmt_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {fmt_value(v)}" for k, v in value.items())
    return str(value)


def line(row: Row) -> str:
    parts: list[str] = []
    number = ""
    for key, value in row.items():
        text = fmt_value(value)
        if key == "#":
            number = f"#{text} "  # joins the next field: "#42 Door missing a screw"
            continue
        if number:
            text, number = number + text, ""
        if key in BARE_KEYS:
            parts.append(text)
        else:
            parts.append(f"{key} {text}")
    return " · ".join(parts) or number.strip()


def day(value: Any) -> str | None:
    """A date or timestamp as YYYY-MM-DD (the time of day rarely matters to the question asked)."""
    if not value or not isinstance(value, str):
        return None
    return value[:10]


def due(value: Any, today: date) -> str | None:
    """A due date, flagged when it has passed."""
    d = day(value)
    if d is None:
        return None
    try:
        overdue = date.fromisoformat(d) < today
    except ValueError:
        return d
    return f"{d} (overdue)" if overdue else d


def when(value: Any) -> str | None:
    """A timestamp to the minute, in UTC."""
    if not value or not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return dt.strftime("%Y-%m-%d %H:%M") + (" UTC" if dt.tzinfo else "")


@dataclass
class Rendered:
    text: str
    shown: int


def render_list(
    header: str,
    rows: Iterable[Row],
    *,
    budget: int,
    footer: Callable[[int], str | None],
) -> Rendered:
    """Header, then as many lines as fit in `budget` tokens, then `footer(shown)` (always kept in budget)."""
    rows = list(rows)
    lines = [header]
    used = estimate_tokens(header) + 1
    # Reserve room for the longest footer we might need (the cursor line).
    reserve = estimate_tokens(footer(0) or "") + 8
    shown = 0
    for row in rows:
        text = line(row)
        cost = estimate_tokens(text) + 1
        if used + cost + reserve > budget:
            break
        lines.append(text)
        used += cost
        shown += 1
    tail = footer(shown)
    if tail:
        lines.append(tail)
    return Rendered("\n".join(lines), shown)


def render_record(header: str, row: Row, *, budget: int) -> str:
    """A single record: one `key: value` line per field, long text cut to fit the budget."""
    lines = [header]
    used = estimate_tokens(header)
    for key, value in row.items():
        if key == "#":
            continue  # the header already names the record by its number
        text = f"{key}: {fmt_value(value)}"
        cost = estimate_tokens(text) + 1
        if used + cost > budget - 20:
            room = max(0, (budget - 20 - used) * 3 - 20)
            if room > 40:
                lines.append(text[:room] + "… [cut]")
            lines.append("(further fields left out to stay within the result budget)")
            break
        lines.append(text)
        used += cost
    return "\n".join(lines)


def structured_size(data: Any) -> int:
    return estimate_tokens(json.dumps(data, separators=(",", ":"), default=str))
