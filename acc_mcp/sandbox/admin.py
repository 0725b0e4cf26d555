"""Account Admin: projects, project users, companies (construction/admin v1) and account users (hq v1).

admin v1 pages with `limit`/`offset` and a `pagination` object; hq v1 returns bare arrays with snake_case
fields, ignores invalid `sort` and `field` names (as its reference says), and is also served under
`/hq/v1/regions/eu/` for EMEA accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from .admin_data import (
    HQ_COMPANY_FIELDS,
    HQ_USER_FIELDS,
    business_units,
    hq_company,
    hq_user,
    hub,
    user_products,
    user_projects,
    user_roles,
)
from .engine import Ctx, Fields, Get, Handle, List, Row, Sort, by_id, in_account, mount
from .filters import Dated, Filter, OneOf, Record, Test, Text, Where
from .http import ApiError, ok, query_list, world_of
from .world import World

EU = ("/hq/v1/", "/hq/v1/regions/eu/")
PROJECT_SORTS = ("name", "startDate", "endDate", "type", "status", "jobNumber", "createdAt", "updatedAt")


def seed(world: World) -> None:
    return None


def _types(request: Request, _raw: str) -> Test:
    """`filter[type]=A,-B`: include A, exclude B."""
    types = query_list(request, "filter[type]")
    include = [t for t in types if not t.startswith("-")]
    exclude = [t[1:] for t in types if t.startswith("-")]
    return lambda p: (not include or p["type"] in include) and p["type"] not in exclude


def _products(request: Request, _raw: str) -> Test:
    keys = query_list(request, "filter[products]")
    return lambda p: any(pr["key"] in keys for pr in p["products"])


def in_hq(request: Request, state: Any) -> Ctx:
    """hq v1 answers 404 for an account on the other region's host, as the real API does."""
    world = world_of(request)
    account_id = str(request.path_params["account_id"]).removeprefix("b.")
    if account_id != world.account_id or ("/regions/eu/" in request.url.path) != (world.region == "EMEA"):
        raise ApiError(404, f"Account {account_id} not found in this region.")
    return Ctx(request, world, state)


class HqSearch:
    """hq v1 search: a case-insensitive partial match per given field, joined by `operator` (AND/OR)."""

    def __init__(self, *fields: str) -> None:
        self.fields = fields

    def apply(self, request: Request, items: list[Record]) -> list[Record]:
        q = request.query_params
        tests = [(k, q[k].lower()) for k in self.fields if q.get(k)]
        match = any if q.get("operator", "AND").upper() == "OR" else all
        return [i for i in items if match(v in str(i[k]).lower() for k, v in tests)] if tests else items


def _project_companies(c: Ctx) -> list[Record]:
    project = c.world.project(c.param("project_id"))
    if project is None:
        raise ApiError(404, f"Project {c.param('project_id')} not found.")
    on_project = {m["companyId"] for m in c.world.project_members(project["id"])}
    companies = [co for co in c.world.companies if co["id"] in on_project]
    return [hq_company(co, c.world.account_id) | {"project_id": project["id"]} for co in companies]


def _member(c: Ctx) -> Record:
    user_id = c.param("userId")
    found = [u for u in c.world.project_members(c.pid) if user_id in (u["id"], u["autodeskId"])]
    if not found:
        raise ApiError(404, f"User {user_id} is not a member of project {c.pid}.")
    return found[0]


def _hq_one(c: Ctx, kind: str) -> Record:
    if kind == "user":
        user = c.world.user(c.param("user_id"))
        if user is None:
            raise ApiError(404, f"User {c.param('user_id')} not found.")
        return hq_user(user, c.world.account_id)
    company = by_id(c.world.companies, c.param("company_id"), "Company")
    return hq_company(company, c.world.account_id)


def _hq_users(c: Ctx) -> list[Record]:
    return [hq_user(u, c.world.account_id) for u in c.world.users]


def _hq_companies(c: Ctx) -> list[Record]:
    return [hq_company(co, c.world.account_id) for co in c.world.companies]


def _hq(key: str, source: Callable[[Ctx], list[Record]], sortable: tuple[str, ...], *filters: Filter) -> List:
    """An hq v1 list: a bare array, `sort` and `field` ignoring names they do not know, on both hosts."""
    sort, fields = Sort(sortable, lenient=True), Fields(param="field")
    return List(key, source, filters=filters, sort=sort, fields=fields, open=in_hq, aliases=[EU])


def _account_user(c: Ctx) -> Record:
    user = c.world.user(c.param("userId"))
    if user is None:
        raise ApiError(404, f"User {c.param('userId')} not found in this account.")
    return user


def _user_list(key: str, source: Callable[[Ctx], list[Record]], *filters: Filter, sort: str = "name") -> List:
    """An admin v1 list about one account user (their projects, products or roles)."""
    sorts = Sort(("name", "status", "key", "createdAt", "updatedAt"), default=sort, lenient=True)
    return List(key, source, filters=filters, sort=sorts, fields=Fields(), open=in_account)


async def hubs(request: Request) -> Response:
    """Data Management's hub list: where a client without ACC_ACCOUNT_ID finds its account (b.<id>)."""
    return ok(hub(world_of(request)))


ROWS: list[Row] = [
    Handle("dm.hubs.list", hubs),
    List(
        "admin.projects.list",
        lambda c: c.world.projects,
        filters=[
            Text("name", modes=True),
            Text("jobNumber", modes=True),
            *(OneOf(k) for k in ("status", "platform", "classification")),
            Where("filter[type]", _types),
            Where("filter[products]", _products),
            Dated("updatedAt"),
        ],
        sort=Sort(PROJECT_SORTS, default="name"),
        fields=Fields(),
        open=in_account,
    ),
    Get("admin.projects.get", lambda c: c.project or {}, fields=Fields()),
    List(
        "admin.project_users.list",
        lambda c: c.world.project_members(c.pid),
        filters=[
            *(Text(k, modes=True) for k in ("name", "email", "companyName")),
            OneOf("companyId"),
            OneOf("id"),
        ],
        sort=Sort(("name", "email", "companyName", "addedOn", "updatedAt"), default="name"),
        fields=Fields(),
    ),
    Get("admin.project_users.get", _member, fields=Fields()),
    List(
        "admin.companies.list",
        lambda c: c.world.companies,
        filters=[Text("name", modes=True), Text("trade", modes=True)],
        sort=Sort(("name", "trade", "createdAt", "updatedAt"), default="name"),
        fields=Fields(),
        open=in_account,
    ),
    _hq("hq.users.list", _hq_users, HQ_USER_FIELDS),
    _hq("hq.users.search", _hq_users, HQ_USER_FIELDS, HqSearch("name", "email", "company_name")),
    Get("hq.users.get", lambda c: _hq_one(c, "user"), open=in_hq, aliases=[EU]),
    _hq("hq.companies.search", _hq_companies, HQ_COMPANY_FIELDS, HqSearch("name", "trade")),
    Get("hq.companies.get", lambda c: _hq_one(c, "company"), open=in_hq, aliases=[EU]),
    _hq("hq.project_companies.list", _project_companies, HQ_COMPANY_FIELDS),
    Get("hq.business_units.get", lambda c: {"business_units": business_units(c.world)}, open=in_hq, aliases=[EU]),
    _user_list(
        "admin.user_projects.list",
        lambda c: user_projects(c.world, _account_user(c)["id"]),
        OneOf("id"),
        OneOf("status"),
        Text("name", modes=True),
        Text("jobNumber", modes=True),
    ),
    _user_list(
        "admin.user_products.list",
        lambda c: user_products(c.world, _account_user(c)["id"]),
        OneOf("key"),
        sort="key",
    ),
    _user_list(
        "admin.user_roles.list",
        lambda c: user_roles(c.world, _account_user(c)),
        OneOf("status"),
        Text("name", modes=True),
    ),
]


def routes() -> list[BaseRoute]:
    return mount("admin", ROWS)
