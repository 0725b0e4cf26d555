"""Filter kinds a route row declares: `filter[x]` one-of, text contains, date ranges, booleans, custom tests.

The semantics are read from the reference text (not from the tool side): comma-separated values of one
filter are OR-ed, different filters are AND-ed, a date range is `a..b`, `a..` or `..b` (a bare date covers
that whole day), and a value outside a documented set is a 400 that lists the allowed values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from starlette.requests import Request

from .http import ApiError, parse_datetime, query_list

Record = dict[str, Any]
Test = Callable[[Record], bool]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TEXT_MODES = ("contains", "startsWith", "endsWith", "equals")


class Filter(Protocol):
    """Narrows a list by one query parameter (or leaves it alone when the parameter is absent)."""

    def apply(self, request: Request, items: list[Record]) -> list[Record]: ...


def query_bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f"Query parameter {name} must be true or false, got {raw!r}.")
    return raw.lower() == "true"


def choices(request: Request, name: str, allowed: Sequence[str] | None) -> list[str]:
    """`filter[x]=a,b` (or repeated), each value checked against the documented set."""
    values = query_list(request, name)
    if allowed is not None and (bad := [v for v in values if v not in allowed]):
        raise ApiError(400, f"Invalid {name} value {bad[0]!r}. Possible values: {', '.join(allowed)}.")
    return values


def _param(field: str, param: str | None) -> str:
    return param or f"filter[{field}]"


@dataclass(frozen=True)
class OneOf:
    """`filter[field]=a,b`: the record's value is one of those (checked against `allowed` when given)."""

    field: str
    allowed: Sequence[str] | None = None
    param: str | None = None
    default: Sequence[str] = ()

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        wanted = set(choices(request, _param(self.field, self.param), self.allowed) or self.default)
        return [i for i in items if i[self.field] in wanted] if wanted else items


@dataclass(frozen=True)
class Text:
    """Case-insensitive text match; with `modes`, `filterTextMatch` picks contains/startsWith/endsWith/equals."""

    field: str
    modes: bool = False
    param: str | None = None

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        needle = (request.query_params.get(_param(self.field, self.param)) or "").casefold()
        if not needle:
            return items
        mode = request.query_params.get("filterTextMatch", "contains") if self.modes else "contains"
        if mode not in TEXT_MODES:
            raise ApiError(400, f"filterTextMatch must be one of {', '.join(TEXT_MODES)}.")
        return [i for i in items if _text(i[self.field], needle, mode)]


def _text(value: str | None, needle: str, mode: str) -> bool:
    if value is None:
        return False
    value = value.casefold()
    if mode == "startsWith":
        return value.startswith(needle)
    if mode == "endsWith":
        return value.endswith(needle)
    return value == needle if mode == "equals" else needle in value


@dataclass(frozen=True)
class Flag:
    """`filter[field]=true|false`; `default` applies when the parameter is absent."""

    field: str
    param: str | None = None
    default: bool | None = None

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        wanted = query_bool(request, _param(self.field, self.param))
        wanted = self.default if wanted is None else wanted
        if wanted is None:
            return items
        name = self.field  # `is True` rather than bool(): this runs over all 10,000 issues on every page
        return [i for i in items if i[name] is True] if wanted else [i for i in items if i[name] is not True]


@dataclass(frozen=True)
class Dated:
    """A date range filter on a timestamp (or, with `date_only`, a YYYY-MM-DD) field."""

    field: str
    date_only: bool = False

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        raw = request.query_params.get(f"filter[{self.field}]")
        if not raw:
            return items
        test = range_filter(raw, name=f"filter[{self.field}]", date_only=self.date_only)
        return [i for i in items if test(i[self.field])]


@dataclass(frozen=True)
class Where:
    """A filter with family behaviour: `make(request, raw)` returns the test for a non-empty parameter."""

    param: str
    make: Callable[[Request, str], Test]

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        raw = request.query_params.get(self.param)
        if not raw:
            return items
        test = self.make(request, raw)
        return [i for i in items if test(i)]


def range_filter(raw: str, *, name: str, date_only: bool = False) -> Callable[[str | None], bool]:
    """ACC's date filters: comma-separated `a..b`, `a..`, `..b` or a single day, OR-ed; `null` matches unset.

    A bare date bound covers that whole day (UTC); a single date-time means the 24 hours from that instant,
    which is how a client outside UTC asks for "its" day. Timestamps in the data are ISO strings in one format,
    so bounds are turned into strings of the same format and compared as strings.
    """
    bounds: list[tuple[str, str]] = []
    allow_null = False
    for value in (v.strip() for v in raw.split(",")):
        if not value:
            continue
        if value == "null" and not date_only:
            allow_null = True
            continue
        low, sep, high = value.partition("..")
        if not low and not high:
            raise ApiError(400, f"Invalid {name}: {raw!r}. Use YYYY-MM-DD, a..b, a.. or ..b.")
        if date_only:
            for part in (low, high):
                if part and not (_DAY.fullmatch(part) and _valid_day(part)):
                    raise ApiError(400, f"Invalid {name}: {part!r}. Use the YYYY-MM-DD format.")
            bounds.append((low or "0000", high or (low if not sep else "9999")))
            continue
        if not sep:
            start = _instant(low, name)
            bounds.append((_stamp(start), _stamp(start, timedelta(days=1))))
            continue
        lo = _stamp(_instant(low, name)) if low else ""
        step = timedelta(days=1) if len(high) == 10 else timedelta(milliseconds=1)
        bounds.append((lo, _stamp(_instant(high, name), step) if high else "~"))
    if date_only:
        return lambda v: v is not None and any(lo <= v <= hi for lo, hi in bounds)
    return lambda v: allow_null if v is None else any(lo <= v < hi for lo, hi in bounds)


def _valid_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _instant(value: str, name: str) -> datetime:
    return parse_datetime(value, name=name).astimezone(UTC)


def _stamp(at: datetime, plus: timedelta = timedelta(0)) -> str:
    """`at + plus` in the data's timestamp format ("~", after every timestamp, past year 9999)."""
    try:
        return (at + plus).isoformat(timespec="milliseconds")[:23] + "Z"
    except OverflowError:
        return "~"
