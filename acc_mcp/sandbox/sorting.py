"""One sort for every family: the dialects ACC spells sorting in, parsed into (field, descending) rules.

ACC has five ways to say "sort": `sort=a,-b` (admin), `sortBy=-a` (issues), `sort=a desc` (reviews, one field),
a body array of `{"field", "order"}` rules (RFIs) and a body pair `["takenAt", "desc"]` (photos). They all mean
the same thing once parsed, so there is one ordering: stable, the first rule deciding first, strings compared
case-insensitively, unset values last in either direction. A field that is not sortable is a 400 naming the
fields that are, so a client's typo fails loudly instead of being ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .http import ApiError

Record = dict[str, Any]
Key = Callable[[Record], Any]
Rule = tuple[str, bool]
"""(field, descending)."""


def parse_fields(spec: str, *, single: bool = False) -> list[Rule]:
    """`a,-b`, `-a`, `a desc`, `a asc` (with `single`, exactly one field and no commas)."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if single and len(parts) > 1:
        raise ApiError(400, f"Invalid sort {spec!r}: sort by one field, optionally followed by asc or desc.")
    rules: list[Rule] = []
    for part in parts:
        words = part.split()
        direction = words[1].lower() if len(words) == 2 else "asc"
        if len(words) > 2 or direction not in ("asc", "desc"):
            raise ApiError(400, f"Invalid sort {part!r}: use field, -field or 'field asc|desc'.")
        name = words[0]
        rules.append((name.lstrip("-+"), name.startswith("-") or direction == "desc"))
    return rules


def parse_rules(raw: Any) -> list[Rule]:
    """RFIs' body `sort`: `[{"field": "createdAt", "order": "ASC" | "DESC"}, …]`."""
    if not isinstance(raw, list) or not all(isinstance(rule, dict) for rule in raw):
        raise ApiError(400, 'sort must be an array of {"field": …, "order": "ASC" | "DESC"} objects.')
    rules: list[Rule] = []
    for rule in raw:
        order = str(rule.get("order", "ASC")).upper()
        if order not in ("ASC", "DESC") or set(rule) - {"field", "order"}:
            raise ApiError(400, f"Invalid sort rule {rule!r}: order must be ASC or DESC.")
        rules.append((str(rule.get("field")), order == "DESC"))
    return rules


def parse_pair(raw: Any, default: Sequence[str]) -> list[Rule]:
    """Photos' body `sort`: `[field, direction]` (direction defaults to asc)."""
    pair = list(raw or default)
    if not all(isinstance(v, str) for v in pair) or not 1 <= len(pair) <= 2:
        raise ApiError(400, 'sort must be [field, direction], e.g. ["createdAt", "asc"].')
    direction = pair[1].lower() if len(pair) == 2 else "asc"
    if direction not in ("asc", "desc"):
        raise ApiError(400, f"Invalid sort direction {pair[1]!r}: use asc or desc.")
    return [(pair[0], direction == "desc")]


def check(rules: Iterable[Rule], sortable: Iterable[str]) -> None:
    """A 400 for the first field that is not sortable."""
    allowed = list(sortable)
    for name, _ in rules:
        if name not in allowed:
            shown = ", ".join(dict.fromkeys(k if "[" not in k else k.split("[")[0] + "[<id>]" for k in allowed))
            raise ApiError(400, f"Cannot sort by {name!r}. Sortable fields: {shown}.")


def value_key(name: str) -> Key:
    """The default key: the field's value, strings case-folded, objects by their name or value."""

    def key(item: Record) -> Any:  # comparable(), inlined: it runs once per record on every sorted page
        value = item.get(name)
        if isinstance(value, str):
            return value.casefold()
        return comparable(value) if isinstance(value, dict) else value

    return key


def comparable(value: Any) -> Any:
    if isinstance(value, dict):
        value = value.get("name") or value.get("value")
    return value.casefold() if isinstance(value, str) else value


def order(items: Sequence[Record], rules: Sequence[Rule], keys: Mapping[str, Key] | None = None) -> list[Record]:
    """Stable multi-key sort, the first rule deciding first; a record whose key is None goes last."""
    out = list(items)
    for name, desc in reversed(rules):
        key = (keys or {}).get(name) or value_key(name)
        present = [(key(i), i) for i in out]
        known = [p for p in present if p[0] is not None]
        known.sort(key=lambda p: p[0], reverse=desc)
        out = [i for _, i in known] + [i for v, i in present if v is None]
    return out
