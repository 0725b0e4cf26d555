"""Views: which fields of an ACC record matter, in what order, and what role each plays in a line.

A family module declares a `View` as a tuple of `Field`s; the view turns a record into a `Row` (an ordered
dict) and tells the renderer each key's `Role`, so `render.py` holds no family vocabulary. Roles:

- `number`: leads the line with `#` ("#42 Door missing a screw"); a record's header already names it.
- `lead`: leads the line as it is ("8735debb Weekly extract").
- `bare`: the value speaks for itself ("open", a name) and is written without its key.
- `keyed`: written as `key value` ("assignee Wei Chen") — the default.
- `joined`: joins the field before it ("Nov 2 by Wei Chen").
- `echo`: left out of a line when every word is already in the item's first bare field (a request named
  "Weekly issues extract" needs no "· weekly · issues"); the structured copy keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .render import _SCALARS, Day, Row, ShortId, compact, plain

Role = Literal["number", "lead", "bare", "keyed", "joined", "echo"]
Record = dict[str, Any]


@dataclass
class ViewContext:
    """What a view needs besides the record: names for ids, and today's date for 'overdue'."""

    names: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    def name(self, value: Any) -> Any:
        """A display name for an id (a person, role, company, type), or the value itself."""
        if isinstance(value, str):
            return self.names.get(value, value)
        return value


Getter = Callable[[Record, ViewContext], Any]


@dataclass(frozen=True)
class Field:
    key: str
    get: Getter
    role: Role = "keyed"


def _path_getter(path: str) -> Getter:
    keys = path.split(".")

    def get(record: Record, _ctx: ViewContext) -> Any:
        value: Any = record
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    if len(keys) == 1:
        setattr(get, _KEY, keys[0])  # a view reads a one-key field of a dict record itself (`View.__call__`)
    return get


_KEY = "_acc_record_key"


def F(key: str, source: str | Getter | None = None, role: Role = "keyed") -> Field:
    """A field: `source` is a record key or dotted path (default: `key` itself) or a function."""
    get = source if callable(source) else _path_getter(source or key)
    return Field(key, get, role)


def name_of(source: str) -> Getter:
    """The display name of the id at `source` (a person, role or company)."""
    get = _path_getter(source)
    key = getattr(get, _KEY, None)
    if key is None:
        return lambda record, ctx: ctx.name(get(record, ctx))

    def name(record: Record, ctx: ViewContext) -> Any:  # the same, for a one-key source, in one call
        value = record.get(key) if isinstance(record, dict) else None
        return ctx.names.get(value, value) if isinstance(value, str) and type(ctx) is ViewContext else ctx.name(value)

    return name


@dataclass(frozen=True)
class View:
    """An ordered set of fields; calling it on a record gives the row (empty values dropped)."""

    fields: tuple[Field, ...]

    def __init__(self, *fields: Field) -> None:
        object.__setattr__(self, "fields", tuple(fields))
        # (key, record key or None, getter) per field: a field that reads one key of the record is read here
        # rather than through its getter. Only for views whose keys are distinct (a later field of the same
        # key would replace an earlier one in place: the general path below keeps that).
        plan = tuple((f.key, getattr(f.get, _KEY, None), f.get) for f in fields)
        object.__setattr__(self, "_plan", plan if len({f.key for f in fields}) == len(fields) else None)

    def __call__(self, record: Record, ctx: ViewContext) -> Row:
        plan: tuple[tuple[str, str | None, Getter], ...] | None = self._plan  # type: ignore[attr-defined]
        if plan is None or type(record) is not dict:
            return compact({f.key: f.get(record, ctx) for f in self.fields})
        row: Row = {}
        for key, name, get in plan:
            value = record.get(name) if name is not None else get(record, ctx)
            # `compact`'s test, inline: empty values are not kept (strings, numbers and days are the usual)
            kind = type(value)
            if kind is str:
                if value:
                    row[key] = value
            elif (
                kind is int
                or kind is Day
                or (value is not None and value is not False and value != "" and value != [] and value != {})
            ):
                row[key] = value
        return row

    def rows(self, records: Iterable[Record], ctx: ViewContext) -> tuple[list[Row], list[Row], bool]:
        """Each record's row, and with it the row's JSON-ready copy (`plain(row)`), both made in one pass; and
        whether any row may hold a `ShortId` (one of its values, or in a list value) that `remember_ids` notes."""
        plan: tuple[tuple[str, str | None, Getter], ...] | None = self._plan  # type: ignore[attr-defined]
        rows: list[Row] = []
        copies: list[Row] = []
        ids = False
        for record in records:
            if plan is None or type(record) is not dict:
                row = self(record, ctx)
                rows.append(row)
                copies.append(plain(row))
                ids = True
                continue
            row, copy = {}, {}
            for key, name, get in plan:
                value: Any = record.get(name) if name is not None else get(record, ctx)
                # as in __call__: empty values are not kept; the copy as `plain` makes it
                kind = type(value)
                if kind is str:
                    if value:
                        row[key] = copy[key] = value
                elif kind is int:
                    row[key] = copy[key] = value
                elif kind is Day:
                    row[key] = value
                    copy[key] = value.day.isoformat()
                elif value is not None and value is not False and value != "" and value != [] and value != {}:
                    row[key] = value
                    copy[key] = value if kind in _SCALARS else plain(value)
                    if not ids and (
                        isinstance(value, ShortId)
                        or (isinstance(value, list) and any(isinstance(v, ShortId) for v in value))
                    ):
                        ids = True
            rows.append(row)
            copies.append(copy)
        return rows, copies, ids

    @property
    def roles(self) -> dict[str, Role]:
        return {f.key: f.role for f in self.fields}

    def extend(self, *fields: Field) -> View:
        """This view with `fields` replacing those of the same key (in place) and the rest appended."""
        new = {f.key: f for f in fields}
        kept = [new.pop(f.key, f) for f in self.fields]
        return View(*kept, *new.values())

    def without(self, *keys: str) -> View:
        return View(*(f for f in self.fields if f.key not in keys))


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested fields as `a.b` keys, for `full=true`: empties and anything link- or credential-like left out."""
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


_SECRET_KEYS = ("signedurl", "url", "token", "signature")
