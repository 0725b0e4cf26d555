"""References: one way to find a record from what people quote — a number, a name, an id prefix, or an id.

Issues are quoted as `#42` or `42`, RFIs as `RFI 012` or `012`, reviews by number or by name, photos and Data
Connector requests and jobs by the 8-character prefix a list showed. A `Ref` declares which of these its kind
accepts and where to look each up (a registry list endpoint, and how to ask it); `resolve` does the rest for
every kind alike. A JSON number is as good as a string.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..endpoints import endpoint
from ..errors import InvalidInput, NotFound
from ..render import Row, ShortId
from .base import Via
from .runtime import ME, UUID, Runtime, Scope, fold

_PREFIX = re.compile(r"^[A-Za-z0-9._:-]{4,}$")
"""What may be (the start of) an id: four characters or more, no spaces."""
_REMEMBERED = 5000
"""Ids remembered per kind (the most recent ones shown)."""
Match = Literal["number", "name", "prefix"]


@dataclass(frozen=True)
class Finder:
    """Where records of a kind are listed, and how to ask for the ones that may match `text`."""

    endpoint: str
    key: str
    """The record field compared with what was quoted (`displayId`, `name`, `id`)."""
    ask: Callable[[str], dict[str, Any]] | None = None
    """Query parameters (or, for a POST list, body fields) that narrow the list to candidates upstream."""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    exact: tuple[str, ...] = ()
    """Other fields a name may equal, whole (a person's email)."""
    scan: int = 1000
    full: bool = False
    """The list returns whole records, so a get tool need not fetch the record again."""


@dataclass(frozen=True)
class Ref:
    kind: str
    """What it is, in messages ("issue") and in the memory of ids lists have shown."""
    placeholder: str
    """The path placeholder it fills (`issueId`)."""
    lister: str
    """The tool that lists them, named in errors."""
    number: Finder | None = None
    name: Finder | None = None
    prefix: Finder | None = None
    words: tuple[str, ...] = ()
    """Words people put before a number ("RFI 012")."""
    label: Callable[[dict[str, Any]], str] = lambda r: str(r.get("id"))
    """How a candidate is named in an ambiguity error."""
    prefer: Callable[[dict[str, Any]], bool] | None = None
    """Among several name matches, the one to take when it is the only one of its kind (an open review)."""
    me: Callable[[Runtime, Scope], Awaitable[Resolved]] | None = None
    """The signed-in user's own record, for `me` (people)."""
    quote: Callable[[str], str] = lambda number: f"#{number}"
    """How people write one of its numbers ("#42"; RFIs: "RFI 012")."""

    @property
    def calls(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.endpoint for f in (self.number, self.name, self.prefix) if f))


@dataclass
class Resolved:
    id: str
    record: dict[str, Any] | None = None
    """The whole record, when the lookup already returned it."""


def normalise(ref: Ref, value: Any) -> str:
    """What was quoted, without `#`, `b.` and the kind's words ("RFI 012" → "012")."""
    text = str(value).strip()
    for word in ref.words:
        if text.lower().startswith(word):
            text = text[len(word) :].strip()
    return text.lstrip("#").strip().removeprefix("b.")


async def resolve(rt: Runtime, scope: Scope, ref: Ref, value: Any) -> Resolved:
    text = normalise(ref, value)
    if ref.me is not None and text.lower() in ME:
        return await ref.me(rt, scope)
    if UUID.match(text):
        return Resolved(text)
    if ref.number and text.isdigit():
        return await _find(rt, scope, ref, ref.number, text, "number")
    if ref.prefix and _PREFIX.match(text):
        shown = [i for i in rt.memo.get("shown-ids", {}).get(ref.kind, {}) if i.lower().startswith(text.lower())]
        if len(shown) == 1:
            return Resolved(str(shown[0]))
        if not ref.name:
            return await _find(rt, scope, ref, ref.prefix, text, "prefix")
        try:
            return await _find(rt, scope, ref, ref.prefix, text, "prefix")
        except NotFound:
            pass
    if ref.name:
        return await _find(rt, scope, ref, ref.name, text, "name")
    accepted = " or ".join(w for w, f in (("a number", ref.number), ("an id prefix", ref.prefix)) if f) or "an id"
    raise InvalidInput(f"{ref.kind} {text[:60]!r} is not {accepted}. Call {ref.lister} to see them.")


async def _find(rt: Runtime, scope: Scope, ref: Ref, finder: Finder, text: str, how: Match) -> Resolved:
    hits = await _candidates(rt, scope, finder, text, text, how)
    if not hits and how == "name" and finder.ask is not None:
        # ACC's own filter compares as written: "Options - Owner" misses "Options – Owner", "Tomas Alvarez"
        # misses "Tomás Alvarez". Ask again by the longest word alone, and compare as people type names.
        word = max(re.findall(r"\w+", text), key=len, default=text)
        if word != text:
            hits = await _candidates(rt, scope, finder, word, text, how)
    if how == "name" and len(hits) > 1 and ref.prefer:
        preferred = [r for r in hits if ref.prefer(r)]
        hits = preferred if len(preferred) == 1 else hits
    if len(hits) == 1:
        record = hits[0]
        return Resolved(str(record.get("id")), record if finder.full else None)
    if not hits:
        quoted = ref.quote(text) if how == "number" else repr(text)
        what = {"number": f"there is no {ref.kind} {quoted}", "prefix": f"no {ref.kind} id starts with {quoted}"}
        where = " in this project" if scope.project else ""
        raise NotFound(f"Not found (404): {what.get(how, f'no {ref.kind} matches {quoted}')}{where}.")
    options = "; ".join(ref.label(r) for r in hits[:8])
    raise InvalidInput(f"{text!r} matches {len(hits)} {ref.kind}s: {options}. Pass more of it, or the number or id.")


async def _candidates(
    rt: Runtime, scope: Scope, finder: Finder, asking: str, text: str, how: Match
) -> list[dict[str, Any]]:
    """The records ACC lists when asked for `asking` (where the finder narrows upstream) that match `text`."""
    asked = {**finder.fixed, **(finder.ask(asking) if finder.ask else {})}
    if endpoint(finder.endpoint).method == "POST":
        call = rt.call(finder.endpoint, scope, json=asked)
    else:
        call = rt.call(finder.endpoint, scope, params=asked)
    records = await rt.collect(call, finder.endpoint, finder.scan)
    if how == "name" and finder.exact:
        low = fold(text)
        whole = [r for r in records if any(fold(r.get(k)) == low for k in finder.exact)]
        if whole:
            return whole
    return list(_matches(records, finder.key, text, how))


def _matches(records: Iterable[dict[str, Any]], key: str, text: str, how: Match) -> Iterable[dict[str, Any]]:
    if how == "number":
        return [r for r in records if str(r.get(key, "")).lstrip("0") == text.lstrip("0")]
    if how == "prefix":
        return [r for r in records if str(r.get(key, "")).lower().startswith(text.lower())]
    low = fold(text)  # a name as people type it: any case, accents and typographic quotes optional
    named = [r for r in records if low in fold(r.get(key))]
    exact = [r for r in named if fold(r.get(key)) == low]
    return exact or named


def remember_ids(rt: Runtime, rows: Iterable[Row]) -> None:
    """Note every id a list showed by its prefix, so the tool that acts on it can take the prefix back."""
    memo: dict[str, dict[str, None]] = rt.memo.setdefault("shown-ids", {})
    for row in rows:
        for value in row.values():
            kind = type(value)
            if kind is str or kind is int:  # most values, never an id to note
                continue
            for v in value if isinstance(value, list) else (value,):
                if isinstance(v, ShortId):
                    ids = memo.setdefault(v.kind, {})
                    ids.pop(v.value, None)
                    ids[v.value] = None
                    if len(ids) > _REMEMBERED:
                        del ids[next(iter(ids))]


def via_ref(ref: Ref) -> Via:
    """An argument that names a record of `ref`'s kind, converted to its id (for a path placeholder)."""

    async def convert(rt: Runtime, scope: Scope, _name: str, value: Any) -> str:
        return (await resolve(rt, scope, ref, value)).id

    return Via(convert, ref.calls)
