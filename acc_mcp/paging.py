"""Every ACC pagination style behind one interface, and one opaque cursor for the model.

Styles found in the reference:

- `OffsetPaging` — `limit`/`offset` in the query (admin v1, issues, reviews, Data Connector, forms …) or in
  the JSON body (RFI search), with a `pagination` object that carries `totalResults` and `nextUrl`.
- `BareArrayPaging` — hq v1: `limit`/`offset` in the query, the body *is* the list, no total.
- `TokenPaging` — an opaque upstream token: `cursorState` in the query (assets) or in the next request's
  body (`pagination.nextPost`, photos).
- `WholeList` — no paging in the request: one answer holds the whole list (asset categories).

A position is where a page starts: an int offset, or the upstream token (None for the first page). The
model's cursor encodes (position, items to skip in that page, a fingerprint of the query), so a result cut
mid-page by the token budget resumes at exactly the next unseen item, and a cursor replayed with different
filters is refused instead of silently paging a different list.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import anyio

from .errors import InvalidInput

Position = int | str | None
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]+$")
"""An upstream token that can stand in a cursor as it is (URL-safe and base64 alphabets, dots)."""


@dataclass(frozen=True)
class Call:
    """One upstream request, before paging parameters are added."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int | None
    next: Position
    """Where the following page starts, or None when this is the last page."""


Fetch = Callable[[Call], Awaitable[Any]]


class Paging(Protocol):
    @property
    def max_page(self) -> int: ...

    @property
    def random_access(self) -> bool:
        """True when any page can be requested by position alone, so pages can be fetched concurrently."""
        ...

    def request(self, call: Call, position: Position, size: int) -> Call: ...
    def parse(self, position: Position, size: int, body: Any) -> Page: ...


def _results(body: Any, key: str) -> list[dict[str, Any]]:
    items = body.get(key) if isinstance(body, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


@dataclass(frozen=True)
class OffsetPaging:
    max_page: int = 100
    in_body: bool = False
    results_key: str = "results"
    random_access: bool = True

    def request(self, call: Call, position: Position, size: int) -> Call:
        offset = int(position or 0)
        if self.in_body:
            return Call(call.method, call.path, call.params, {**(call.json or {}), "limit": size, "offset": offset})
        return Call(call.method, call.path, {**call.params, "limit": size, "offset": offset}, call.json)

    def parse(self, position: Position, size: int, body: Any) -> Page:
        offset = int(position or 0)
        items = _results(body, self.results_key)
        pagination = body.get("pagination") if isinstance(body, dict) else None
        pagination = pagination if isinstance(pagination, dict) else {}
        total = pagination.get("totalResults")
        total = total if isinstance(total, int) else None
        end = offset + len(items)
        if total is not None:
            more = end < total and bool(items)
        else:
            more = bool(pagination.get("nextUrl")) or len(items) >= size
        return Page(items, total, end if more else None)


@dataclass(frozen=True)
class BareArrayPaging:
    max_page: int = 100
    random_access: bool = True

    def request(self, call: Call, position: Position, size: int) -> Call:
        return replace(call, params={**call.params, "limit": size, "offset": int(position or 0)})

    def parse(self, position: Position, size: int, body: Any) -> Page:
        items = [i for i in body if isinstance(i, dict)] if isinstance(body, list) else []
        # No total and no link: a full page means there may be more.
        return Page(items, None, int(position or 0) + len(items) if len(items) >= size else None)


@dataclass(frozen=True)
class TokenPaging:
    """`cursorState` in the query (assets) or in the next POST body (photos' `nextPost`)."""

    max_page: int = 100
    in_body: bool = False
    random_access: bool = False

    def request(self, call: Call, position: Position, size: int) -> Call:
        if self.in_body:
            body = {**(call.json or {}), "limit": size}
            if position:
                body["cursorState"] = position
            return replace(call, json=body)
        params = {**call.params, "limit": size}
        if position:
            params["cursorState"] = position
        return replace(call, params=params)

    def parse(self, position: Position, size: int, body: Any) -> Page:
        pagination = body.get("pagination") if isinstance(body, dict) else None
        pagination = pagination if isinstance(pagination, dict) else {}
        token: Any = None
        if self.in_body:
            next_post = pagination.get("nextPost")
            if isinstance(next_post, dict) and isinstance(next_post.get("body"), dict):
                token = next_post["body"].get("cursorState")
        else:
            token = pagination.get("cursorState") if pagination.get("nextUrl", True) else None
        total = pagination.get("totalResults")
        return Page(_results(body, "results"), total if isinstance(total, int) else None, token or None)


@dataclass(frozen=True)
class WholeList:
    """An unpaged list (asset categories): one request returns every item, under `results_key`."""

    max_page: int = 10_000
    results_key: str = "results"
    random_access: bool = False

    def request(self, call: Call, position: Position, size: int) -> Call:
        return call

    def parse(self, position: Position, size: int, body: Any) -> Page:
        items = _results(body, self.results_key)
        return Page(items, len(items), None)


# --- the model's cursor ------------------------------------------------------------------------


def fingerprint(tool: str, arguments: dict[str, Any]) -> str:
    """Identifies a query: the tool and every argument that shapes the list (not cursor or limit)."""
    shaping = {k: v for k, v in sorted(arguments.items()) if k not in ("cursor", "limit") and v is not None}
    raw = json.dumps([tool, shaping], sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:8]


def encode_cursor(position: Position, skip: int, query: str, seen: int = 0) -> str:
    """`query.skip.seen.position` — short, because the model copies it into its next call.

    An offset is written as digits, the first page as nothing, and an upstream token as `t` + the token
    (when it is made of URL-safe characters, as tokens are) or `b` + its base64url. The position comes last
    so that a token may contain dots.
    """
    if isinstance(position, str):
        where = ("t" + position) if _TOKEN.match(position) else "b" + _b64(position)
    else:
        where = "" if position is None else str(position)
    return f"{query}.{skip}.{seen}.{where}"


def decode_cursor(cursor: str, query: str) -> tuple[Position, int, int]:
    """(page position, items to skip in that page, items the model has already seen)."""
    try:
        owner, skip_text, seen_text, where = cursor.strip().split(".", 3)
        skip, seen = int(skip_text), int(seen_text)
        position: Position
        if where[:1] == "t" and _TOKEN.match(where[1:]):
            position = where[1:]
        elif where[:1] == "b" and _B64.match(where[1:]):
            position = base64.urlsafe_b64decode(where[1:] + "=" * (-len(where[1:]) % 4)).decode()
        elif where == "" or where.isdigit():
            position = int(where) if where else None
        else:
            raise ValueError
        if skip < 0 or seen < 0 or not owner:
            raise ValueError
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInput(
            "The cursor is not valid. Pass back the cursor exactly as a previous result gave it."
        ) from None
    if owner != query:
        raise InvalidInput(
            "This cursor belongs to a different query. Repeat the call with the same filters, or drop the cursor "
            "to start from the first page."
        )
    return position, skip, seen


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# --- collection ----------------------------------------------------------------------------------


@dataclass
class Collected:
    """Items gathered from one or more pages, and where to resume before each of them."""

    items: list[dict[str, Any]]
    total: int | None
    tail: tuple[Position, int] | None
    """Where the item after the last one is found; None when the list ends there."""
    spans: list[tuple[Position, int, int]] = field(default_factory=list)
    """(page position, first item used from it, items used from it), page by page."""
    offsets: bool = True
    """Offset styles resume at an absolute offset; token styles re-fetch the page and skip into it."""

    def resume_at(self, index: int) -> tuple[Position, int] | None:
        """Where to continue so that `items[index]` comes next; None when nothing is left."""
        if index >= len(self.items):
            return self.tail
        for position, skip, count in self.spans:
            if index < count:
                return (int(position or 0) + skip + index, 0) if self.offsets else (position, skip + index)
            index -= count
        return self.tail


async def collect(
    fetch: Fetch,
    paging: Paging,
    call: Call,
    *,
    start: tuple[Position, int] = (None, 0),
    want: int,
    concurrency: int = 4,
) -> Collected:
    """Fetch pages until `want` items are in hand (or the list ends).

    With a random-access style and a known total, the pages after the first are fetched concurrently,
    at most `concurrency` at a time; otherwise one after another, following each page's `next`.
    """
    position, skip = start
    size = max(1, min(paging.max_page, want + skip))
    first = paging.parse(position, size, await fetch(paging.request(call, position, size)))
    pages: list[tuple[Position, int, Page]] = [(position, skip, first)]
    have = len(first.items) - skip

    if paging.random_access and first.total is not None and first.next is not None and have < want:
        stop = min(first.total, int(position or 0) + skip + want)
        # A server that clamps `limit` returns fewer items than asked: step by what it actually serves.
        step = len(first.items) if 0 < len(first.items) < size else size
        offsets = list(range(int(first.next), stop, step))
        results: dict[int, Page] = {}
        limiter = anyio.CapacityLimiter(concurrency)

        async def one(offset: int) -> None:
            async with limiter:
                body = await fetch(paging.request(call, offset, step))
            results[offset] = paging.parse(offset, step, body)

        try:
            async with anyio.create_task_group() as tg:
                for offset in offsets:
                    tg.start_soon(one, offset)
        except BaseExceptionGroup as group:
            raise _first_error(group) from None
        pages += [(o, 0, results[o]) for o in offsets]
    else:
        nxt = first.next
        while nxt is not None and have < want:
            size = max(1, min(paging.max_page, want - have))
            page = paging.parse(nxt, size, await fetch(paging.request(call, nxt, size)))
            pages.append((nxt, 0, page))
            have += len(page.items)
            nxt = page.next
            if not page.items:
                break
    return _assemble(pages, want, first.total, paging.random_access)


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error a caller should see from a failed batch of fetches: the first one, not the task group's wrapper."""
    inner = group.exceptions[0]
    return _first_error(inner) if isinstance(inner, BaseExceptionGroup) else inner


def _assemble(pages: Sequence[tuple[Position, int, Page]], want: int, total: int | None, offsets: bool) -> Collected:
    items: list[dict[str, Any]] = []
    spans: list[tuple[Position, int, int]] = []
    tail: tuple[Position, int] | None = None
    for position, skip, page in pages:
        used = page.items[skip : skip + want - len(items)]
        items += used
        spans.append((position, skip, len(used)))
        if len(items) == want and skip + len(used) < len(page.items):
            # Cut inside this page: the next item is the first one not taken from it.
            tail = (int(position or 0) + skip + len(used), 0) if offsets else (position, skip + len(used))
            break
    else:
        last = pages[-1][2]
        tail = (last.next, 0) if last.next is not None else None
    return Collected(items, total, tail, spans, offsets)
