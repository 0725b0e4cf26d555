"""The sandbox engine: generic list/get handlers driven by a route table, one row per registry endpoint.

A row names the endpoint key (method, path and paging style come from `acc_mcp.endpoints`), where its records
come from, the filters and sort it accepts and how a page is rendered; `mount()` turns a family's rows into
Starlette routes. A `Handle` row mounts a hand-written handler for endpoints that have behaviour (clocks,
cursors, sign-in), so every endpoint is still declared once, by key, and counted by route.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..endpoints import Endpoint, endpoint
from .filters import Filter
from .http import ApiError, ok, query_list, require_account, require_project
from .pages import Sealer, array_page, cursor_page, offset_page, query_window
from .sorting import Key, check, order, parse_fields
from .world import World

Record = dict[str, Any]
T = TypeVar("T")


@dataclass
class Ctx:
    """What a row's functions see: the request, the world, the family's state and the project (if any)."""

    request: Request
    world: World
    state: Any
    project: Record | None = None

    @property
    def pid(self) -> str:
        assert self.project is not None, "a project-scoped row"
        return str(self.project["id"])

    def param(self, name: str) -> str:
        return str(self.request.path_params[name])


Opener = Callable[[Request, Any], Ctx]


def in_project(request: Request, state: Any) -> Ctx:
    """The project in the path (`projectId` or `project_id`, with or without `b.`), or a 404."""
    name = "projectId" if "projectId" in request.path_params else "project_id"
    return Ctx(request, request.app.state.world, state, require_project(request, name))


def in_account(request: Request, state: Any) -> Ctx:
    require_account(request)
    return Ctx(request, request.app.state.world, state)


@dataclass(frozen=True)
class Sort:
    """A query-string sort: `param` in the `fields` dialect (`a,-b`, `a desc`), or one field with `single`."""

    fields: Sequence[str] | Callable[[Ctx], dict[str, Key]]
    param: str = "sort"
    single: bool = False
    default: str | None = None
    lenient: bool = False
    """Ignore fields that are not sortable instead of a 400 (hq v1: "invalid fields will be ignored")."""

    def apply(self, ctx: Ctx, items: list[Record]) -> list[Record]:
        spec = (ctx.request.query_params.get(self.param) or self.default or "").strip()
        if not spec:
            return items
        rules = parse_fields(spec, single=self.single)
        keys = self.fields(ctx) if callable(self.fields) else {}
        sortable = keys if callable(self.fields) else self.fields
        if self.lenient:
            rules = [r for r in rules if r[0] in sortable]
        check(rules, sortable)
        return order(items, rules, keys)


class Orderer(Protocol):
    """Orders a list: `Sort`, or a family's own rules (Data Connector's `sort` + `sortFields`)."""

    def apply(self, ctx: Ctx, items: list[Record]) -> list[Record]: ...


@dataclass(frozen=True)
class Fields:
    """`fields=a,b`: only those (plus `always`); with `allowed`, an unknown name is a 400."""

    allowed: Sequence[str] | None = None
    always: Sequence[str] = ("id",)
    param: str = "fields"

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        wanted = query_list(request, self.param)
        if not wanted:
            return items
        if self.allowed is not None and (bad := [f for f in wanted if f not in self.allowed]):
            raise ApiError(400, f"Unknown field {bad[0]!r} in fields. Possible values: {', '.join(self.allowed)}.")
        keep = {*wanted, *self.always}
        return [{k: v for k, v in item.items() if k in keep} for item in items]


@dataclass(frozen=True)
class List:
    """A list endpoint: records from `source`, narrowed by `filters`, ordered by `sort`, paged per registry."""

    key: str
    source: Callable[[Ctx], Sequence[Record]]
    filters: Sequence[Filter] = ()
    sort: Orderer | None = None
    fields: Fields | None = None
    render: Callable[[Ctx, list[Record]], list[Record]] | None = None
    """Turns the page's records into what the API returns (after paging, so only a page is rendered)."""
    respond: Callable[[Ctx, dict[str, Any]], Response] | None = None
    """A fast path for a whole unprojected page (the 10,000-issue project joins cached JSON)."""
    open: Opener = in_project
    links: bool = True
    max_limit: int | None = None
    """Only where the registry has no maximum but the service is documented (elsewhere) to have one."""
    aliases: Sequence[tuple[str, str]] = ()
    """(prefix, replacement) pairs: the same endpoint at another path (hq v1's EU host)."""
    unpaged: str | None = None
    """A parameter whose presence makes the service ignore limit and offset (locations' filter[id])."""

    async def __call__(self, request: Request, state: Any) -> Response:
        ctx = self.open(request, state)
        items = list(self.source(ctx))
        for f in self.filters:
            items = f.apply(request, items)
        if self.sort is not None:
            items = self.sort.apply(ctx, items)
        ep = endpoint(self.key)
        if ep.paging == "array":
            return ok(self._shape(ctx, array_page(request, items, ep)))
        if ep.paging == "cursor":
            page = cursor_page(request, items, ep, _sealer(ctx.world, ep.key))
        elif ep.paging == "none" or (self.unpaged and request.query_params.get(self.unpaged)):
            page = offset_page(request, items, max(1, len(items)), 0, links=False)  # the whole list at once
        else:
            limit, offset = query_window(request, ep, maximum=self.max_limit)
            page = offset_page(request, items, limit, offset, links=self.links)
        if self.respond is not None and not query_list(request, "fields"):
            return self.respond(ctx, page)
        results = self._shape(ctx, page.pop("results"))
        if ep.items == "results":
            return ok({**page, "results": results})
        # Forms: the items under `data`, and `nextUrl` null on the last page, as its reference says.
        return ok({ep.items: results, "pagination": {"nextUrl": None, **page["pagination"]}})

    def _shape(self, ctx: Ctx, items: list[Record]) -> list[Record]:
        items = self.render(ctx, items) if self.render else items
        return self.fields.apply(ctx.request, items) if self.fields else items


@dataclass(frozen=True)
class Get:
    """A single-record endpoint: `find` returns the record (or raises the 404 ACC would)."""

    key: str
    find: Callable[[Ctx], Record]
    fields: Fields | None = None
    open: Opener = in_project
    aliases: Sequence[tuple[str, str]] = ()

    async def __call__(self, request: Request, state: Any) -> Response:
        record = self.find(self.open(request, state))
        return ok(self.fields.apply(request, [record])[0] if self.fields else record)


@dataclass(frozen=True)
class Handle:
    """A hand-written handler for an endpoint with behaviour, mounted and counted like the others."""

    key: str
    handler: Callable[[Request], Awaitable[Response]]
    aliases: Sequence[tuple[str, str]] = ()

    async def __call__(self, request: Request, state: Any) -> Response:
        return await self.handler(request)


Row = List | Get | Handle


class KeyedRoute(Route):
    """A route that knows its registry endpoint, so the gateway can count requests by route template."""

    def __init__(self, path: str, row: Row, family: str) -> None:
        self.ep: Endpoint = endpoint(row.key)

        async def handle(request: Request) -> Response:
            return await row(request, request.app.state.families[family])

        super().__init__(path, handle, methods=[self.ep.method], name=row.key if path == self.ep.path else None)


def _sealer(world: World, key: str) -> Sealer:
    """The `cursorState` sealer of one endpoint (per world, so a cursor from another sandbox is refused)."""
    return Sealer(hashlib.sha256(f"{world.seed}:cursor:{key}".encode()).digest())


def mount(family: str, rows: Sequence[Row]) -> list[BaseRoute]:
    """Starlette routes for a family's rows: the registry path, then any aliases (hq's EU host)."""
    routes: list[BaseRoute] = []
    for row in rows:
        ep = endpoint(row.key)
        routes += [
            KeyedRoute(path, row, family) for path in (ep.path, *(ep.path.replace(a, b, 1) for a, b in row.aliases))
        ]
    return routes


@dataclass
class PerProject(Generic[T]):
    """A family's records, generated per project on first use and kept for the app's life."""

    world: World
    generate: Callable[[World, Record], T]
    _projects: dict[str, T] = field(default_factory=dict)

    def project(self, project: Record) -> T:
        pid = project["id"]
        if pid not in self._projects:
            self._projects[pid] = self.generate(self.world, project)
        return self._projects[pid]


def by_id(items: Sequence[Record], wanted: str, noun: str, where: str = "") -> Record:
    """The record with this id, or ACC's 404 ("<noun> <id> not found[ in <where>].")."""
    found = next((i for i in items if i["id"] == wanted), None)
    if found is None:
        raise ApiError(404, f"{noun} {wanted} not found{' in ' + where if where else ''}.")
    return found
