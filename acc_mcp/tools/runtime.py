"""The per-server state tools share: settings, the API client, a bounded cache, and the project scope.

Reads and writes take separate paths: `read` sends a request that is safe to retry (a GET, or a read-only
POST such as `search:rfis`); `write` sends one that the client retries only when it certainly did not reach
ACC. The cache keeps successes only, for a few minutes, for a bounded number of keys, keyed by the signed-in
user too (with per-request tokens, one user's project list is not another's).
"""

from __future__ import annotations

import json
import operator
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_time
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ..auth.providers import principal
from ..client import AccClient
from ..config import Settings
from ..endpoints import Endpoint, endpoint
from ..errors import InvalidInput

if TYPE_CHECKING:
    from ..paging import Call, Paging

UUID = re.compile(r"^(b\.)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CACHE_SECONDS = 300.0
CACHE_ENTRIES = 512
"""Bounded: with passthrough one server serves many users, each with their own projects and names."""
_SCOPE_KEYS = {"projectid": "project", "accountid": "account"}
T = TypeVar("T")


def paging_of(ep: Endpoint, *, page: int | None = None) -> Paging:
    """The paging strategy for an endpoint's documented style, at its documented page size."""
    from ..paging import BareArrayPaging, OffsetPaging, TokenPaging, WholeList  # paging.py: read at the first call

    size = page or ep.max_limit or 100
    if ep.paging in ("offset", "offset-body"):
        return OffsetPaging(max_page=size, in_body=ep.paging == "offset-body", results_key=ep.items)
    if ep.paging == "array":
        return BareArrayPaging(max_page=size)
    if ep.paging in ("cursor", "cursor-body"):
        return TokenPaging(max_page=size, in_body=ep.paging == "cursor-body")
    if ep.method == "GET" and ep.key.endswith(".list"):
        return WholeList(results_key=ep.items)
    raise ValueError(f"{ep.key} is not a paged endpoint")


_CALL_MEMO: ContextVar[dict[tuple[str, str, str, int], list[dict[str, Any]]] | None] = ContextVar(
    "acc_call_memo", default=None
)


class one_call:  # used as a function: `with one_call():`
    """The span of one tool call: lists fetched in it are fetched once (see `Runtime.collect`)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _CALL_MEMO.set({})

    def __exit__(self, *_exc: object) -> None:
        _CALL_MEMO.reset(self._token)


@dataclass(frozen=True)
class Scope:
    """What a call's path ids come from: the project and account it is about."""

    project: str | None = None
    account: str | None = None

    def ids(self, ep: Endpoint, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Values for every placeholder of `ep`'s path: scope ids by name (`projectId`, `project_id`), then `extra`."""
        out: dict[str, str] = {}
        for name in ep.placeholders:
            scoped = _SCOPE_KEYS.get(name.replace("_", "").lower())
            value = (extra or {}).get(name) or (getattr(self, scoped) if scoped else None)
            if value is None:
                raise ValueError(f"{ep.key}: no value for {{{name}}}")
            out[name] = value
        return out


@dataclass
class _Entry:
    value: Any
    at: float


_TYPOGRAPHY = str.maketrans("\u2018\u2019\u201c\u201d\u2013\u2014", "''\"\"--")


ME = ("me", "myself", "i")
"""What people call themselves in a request ("what is assigned to me")."""


def fold(text: Any) -> str:
    """A name as compared: lower case, typographic quotes and dashes plain, accents dropped ("St. Mary’s",
    "Tomás" find "St. Mary's", "Tomas")."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").translate(_TYPOGRAPHY))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass
class Runtime:
    settings: Settings
    client: AccClient
    today: Callable[[], date] = date.today
    clock: Callable[[], datetime] | None = None
    """The current moment (UTC); None: the real time, or the start of `today()` when that is not the real day."""
    _memos: dict[str, dict[str, Any]] = field(default_factory=dict)
    _cache: OrderedDict[str, _Entry] = field(default_factory=OrderedDict)
    _locks: dict[str, anyio.Lock] = field(default_factory=dict)
    _derived: OrderedDict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=OrderedDict)

    def now(self) -> datetime:
        """The moment the tools treat as now: one clock with `today`, so a demo's writes and its "overdue" agree."""
        if self.clock is not None:
            return self.clock()
        real = datetime.now(UTC)
        day = self.today()
        return real if day == real.date() else datetime.combine(day, day_time(), UTC)

    # --- requests -------------------------------------------------------------------------------

    def call(
        self,
        key: str,
        scope: Scope,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        ids: Mapping[str, str] | None = None,
    ) -> Call:
        """The request for registry endpoint `key`, its path filled from the scope and `ids`."""
        from ..paging import Call

        ep = endpoint(key)
        return Call(ep.method, self.client.url(ep.path, **scope.ids(ep, ids)), dict(params or {}), json)

    async def read(self, call: Call) -> Any:
        """A request that changes nothing upstream, so it is retried like a GET."""
        return await self.client.request(call.method, call.path, params=call.params, json=call.json, idempotent=True)

    async def write(self, call: Call) -> Any:
        """A request that changes something: never retried unless it certainly did not reach ACC."""
        return await self.client.request(call.method, call.path, params=call.params, json=call.json, idempotent=False)

    async def collect(self, call: Call, key: str, want: int) -> list[dict[str, Any]]:
        """Up to `want` items of a paged list (all of it when it is shorter), fetched once per tool call.

        Within one call a reference and a name lookup often need the same list (a Data Connector request
        by name, then every request's name for the job lines): the second asks the call's memory.
        """
        from ..paging import collect

        memo = _CALL_MEMO.get()
        if memo is None:
            return (await collect(self.read, paging_of(endpoint(key)), call, want=want)).items
        seen = (call.method, call.path, json.dumps([call.params, call.json], sort_keys=True, default=str), want)
        if seen not in memo:
            memo[seen] = (await collect(self.read, paging_of(endpoint(key)), call, want=want)).items
        return memo[seen]

    # --- memory ---------------------------------------------------------------------------------

    @property
    def memo(self) -> dict[str, Any]:
        """Small per-user memory for tools (ids a list showed, recent writes to refuse an accidental repeat)."""
        memos = self._memos
        user = principal()
        if user not in memos and len(memos) >= CACHE_ENTRIES:
            del memos[next(iter(memos))]
        return memos.setdefault(user, {})

    async def cached(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        """`load()`'s value, kept CACHE_SECONDS; a failed load is not kept, so the next call tries again."""
        key = f"{principal()}:{key}"
        entry = self._fresh(key)
        if entry is not None:
            return entry.value
        # One load per key even when many calls arrive together.
        lock = self._locks.setdefault(key, anyio.Lock())
        try:
            async with lock:
                entry = self._fresh(key)
                if entry is not None:
                    return entry.value
                value = await load()
                self._cache[key] = _Entry(value, time.monotonic())
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
                return value
        finally:
            if not lock.locked() and lock.statistics().tasks_waiting == 0:
                self._locks.pop(key, None)

    def derived(self, key: str, sources: tuple[Any, ...], build: Callable[[], T]) -> T:
        """`build()`'s value, kept while `sources` are the very objects it was built from (lists `cached`
        holds): names worked out from a cached list are worked out once per load of the list, not on every
        call. A new load (or a fresh empty list when a lookup is unavailable) is a different object, so the
        value is built again. The value is shared: callers must not change it."""
        key = f"{principal()}:{key}"
        held = self._derived.get(key)
        if held is not None and len(held[0]) == len(sources) and all(map(operator.is_, held[0], sources)):
            self._derived.move_to_end(key)
            return held[1]  # type: ignore[no-any-return]
        value = build()
        self._derived[key] = (sources, value)
        self._derived.move_to_end(key)
        while len(self._derived) > CACHE_ENTRIES:
            self._derived.popitem(last=False)
        return value

    def _fresh(self, key: str) -> _Entry | None:
        entry = self._cache.get(key)
        if entry is None or time.monotonic() - entry.at >= CACHE_SECONDS:
            return None
        self._cache.move_to_end(key)
        return entry

    # --- account and projects -------------------------------------------------------------------

    async def account_id(self) -> str:
        if self.settings.account_id:
            return self.settings.account_id

        async def load() -> str:
            body = await self.read(self.call("dm.hubs.list", Scope()))
            hubs = [h for h in (body or {}).get("data", []) if isinstance(h, dict)]
            acc = [h for h in hubs if "bim360" in str(h.get("attributes", {}).get("extension", {}).get("type", ""))]
            if not acc:
                raise InvalidInput("No ACC account is visible to this sign-in. Set ACC_ACCOUNT_ID to your account id.")
            return str(acc[0]["id"]).removeprefix("b.")

        return str(await self.cached("account", load))

    async def projects(self) -> list[dict[str, Any]]:
        account = await self.account_id()

        async def load() -> list[dict[str, Any]]:
            call = self.call(
                "admin.projects.list", Scope(account=account), params={"fields": "name,jobNumber,status,type,city"}
            )
            return await self.collect(call, "admin.projects.list", 2000)

        return list(await self.cached(f"projects:{account}", load))

    async def project_id(self, value: str) -> str:
        """A project id from an id (with or without `b.`) or from (part of) its name or job number."""
        value = value.strip()
        if UUID.match(value):
            return value.removeprefix("b.")
        needle = fold(value)
        projects = await self.projects()
        exact = [p for p in projects if needle in (fold(p.get("name")), fold(p.get("jobNumber")))]
        matches = exact or [p for p in projects if needle in fold(p.get("name")) or needle in fold(p.get("jobNumber"))]
        if len(matches) == 1:
            return str(matches[0]["id"])
        if not matches:
            raise InvalidInput(f"No project matches {value!r}. Call list_projects to see the projects' names.")
        names = "; ".join(f"{p.get('name')} ({p['id']})" for p in matches[:8])
        raise InvalidInput(f"{value!r} matches {len(matches)} projects: {names}. Pass the project id.")

    async def scope(self, project: str | None, *, account: bool) -> Scope:
        """The scope of one call: the project (resolved from a name) and, when the path needs it, the account."""
        return Scope(
            project=await self.project_id(project) if project is not None else None,
            account=await self.account_id() if account else None,
        )
