"""Account Admin: projects, project users, companies (construction/admin v1) and account users (hq v1).

admin v1 pages with `limit`/`offset` and a `pagination` object; hq v1 returns bare arrays with snake_case
fields, and is also served under `/hq/v1/regions/eu/` for EMEA accounts.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .http import (
    ApiError,
    in_range,
    offset_page,
    ok,
    parse_range,
    query_int,
    query_list,
    require_account,
    require_project,
    sort_items,
    world_of,
)
from .world import ACCOUNT_NAME, World


def seed(world: World) -> None:
    return None


def _text_match(value: str | None, needle: str, mode: str) -> bool:
    if value is None:
        return False
    value, needle = value.lower(), needle.lower()
    if mode == "startsWith":
        return value.startswith(needle)
    if mode == "endsWith":
        return value.endswith(needle)
    if mode == "equals":
        return value == needle
    return needle in value


def _text_mode(request: Request) -> str:
    mode = request.query_params.get("filterTextMatch", "contains")
    if mode not in ("contains", "startsWith", "endsWith", "equals"):
        raise ApiError(400, "filterTextMatch must be one of contains, startsWith, endsWith, equals.")
    return mode


def _only_fields(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    fields = query_list(request, "fields")
    if not fields:
        return items
    keep = {*fields, "id"}
    return [{k: v for k, v in item.items() if k in keep} for item in items]


async def list_projects(request: Request) -> Response:
    require_account(request)
    mode = _text_mode(request)
    items = list(world_of(request).projects)
    q = request.query_params
    if name := q.get("filter[name]"):
        items = [p for p in items if _text_match(p["name"], name, mode)]
    if job := q.get("filter[jobNumber]"):
        items = [p for p in items if _text_match(p["jobNumber"], job, mode)]
    for key in ("status", "platform", "classification"):
        if wanted := query_list(request, f"filter[{key}]"):
            items = [p for p in items if p[key] in wanted]
    if types := query_list(request, "filter[type]"):
        include = [t for t in types if not t.startswith("-")]
        exclude = [t[1:] for t in types if t.startswith("-")]
        items = [p for p in items if (not include or p["type"] in include) and p["type"] not in exclude]
    if products := query_list(request, "filter[products]"):
        items = [p for p in items if any(pr["key"] in products for pr in p["products"])]
    if updated := q.get("filter[updatedAt]"):
        bounds = parse_range(updated, name="filter[updatedAt]")
        items = [p for p in items if in_range(p["updatedAt"], bounds)]
    items = sort_items(
        items,
        q.get("sort") or "name",
        ("name", "startDate", "endDate", "type", "status", "jobNumber", "createdAt", "updatedAt"),
    )
    page = offset_page(request, items, default_limit=20, max_limit=200)
    page["results"] = _only_fields(page["results"], request)
    return ok(page)


async def get_project(request: Request) -> Response:
    project = require_project(request)
    return ok(_only_fields([project], request)[0])


async def list_project_users(request: Request) -> Response:
    project = require_project(request)
    mode = _text_mode(request)
    q = request.query_params
    items = list(world_of(request).project_members(project["id"]))
    if name := q.get("filter[name]"):
        items = [u for u in items if _text_match(u["name"], name, mode)]
    if email := q.get("filter[email]"):
        items = [u for u in items if _text_match(u["email"], email, mode)]
    if company := q.get("filter[companyName]"):
        items = [u for u in items if _text_match(u["companyName"], company, mode)]
    if ids := query_list(request, "filter[companyId]"):
        items = [u for u in items if u["companyId"] in ids]
    if ids := query_list(request, "filter[id]"):
        items = [u for u in items if u["id"] in ids]
    items = sort_items(items, q.get("sort") or "name", ("name", "email", "companyName", "addedOn", "updatedAt"))
    page = offset_page(request, items, default_limit=20, max_limit=200)
    page["results"] = _only_fields(page["results"], request)
    return ok(page)


async def get_project_user(request: Request) -> Response:
    project = require_project(request)
    user_id = request.path_params["userId"]
    for user in world_of(request).project_members(project["id"]):
        if user_id in (user["id"], user["autodeskId"]):
            return ok(user)
    raise ApiError(404, f"User {user_id} is not a member of project {project['id']}.")


async def list_companies(request: Request) -> Response:
    require_account(request)
    mode = _text_mode(request)
    q = request.query_params
    items = list(world_of(request).companies)
    if name := q.get("filter[name]"):
        items = [c for c in items if _text_match(c["name"], name, mode)]
    if trade := q.get("filter[trade]"):
        items = [c for c in items if _text_match(c["trade"], trade, mode)]
    items = sort_items(items, q.get("sort") or "name", ("name", "trade", "createdAt", "updatedAt"))
    return ok(offset_page(request, items, default_limit=20, max_limit=200))


def _hq_user(user: dict[str, Any], account_id: str) -> dict[str, Any]:
    return {
        "id": user["id"],
        "account_id": account_id,
        "status": user["status"],
        "role": "account_admin" if user["accessLevels"].get("accountAdmin") else "account_user",
        "company_id": user["companyId"],
        "company_name": user["companyName"],
        "email": user["email"],
        "name": user["name"],
        "first_name": user["firstName"],
        "last_name": user["lastName"],
        "uid": user["autodeskId"],
        "job_title": user["jobTitle"],
        "default_role": user["roles"][0]["name"],
        "default_role_id": user["roles"][0]["id"],
        "created_at": user["addedOn"],
        "updated_at": user["updatedAt"],
    }


def _hq_account(request: Request) -> str:
    account_id = str(request.path_params["account_id"]).removeprefix("b.")
    world = world_of(request)
    eu = "/regions/eu/" in request.url.path
    if account_id != world.account_id or eu != (world.region == "EMEA"):
        # hq v1 answers 404 for an account in the other region's host, as the real API does.
        raise ApiError(404, f"Account {account_id} not found in this region.")
    return account_id


def _bare_page(request: Request, items: list[dict[str, Any]]) -> Response:
    limit = query_int(request, "limit", 10, minimum=1, maximum=100)
    offset = query_int(request, "offset", 0)
    sort = request.query_params.get("sort")
    if sort:
        for key in reversed([s.strip() for s in sort.split(",") if s.strip()]):
            name = key.lstrip("-")
            if items and name in items[0]:
                items = sorted(items, key=lambda it: str(it.get(name) or ""), reverse=key.startswith("-"))
    return ok(items[offset : offset + limit])


def _hq_company(company: dict[str, Any], account_id: str) -> dict[str, Any]:
    return {
        "id": company["id"],
        "account_id": account_id,
        "name": company["name"],
        "trade": company["trade"],
        "phone": company["phone"],
        "website_url": company["websiteUrl"],
        "description": company["description"],
        "erp_id": company["erpId"],
        "tax_id": company["taxId"],
        "member_group_id": company["oxygenId"],
        "created_at": company["createdAt"],
        "updated_at": company["updatedAt"],
    }


async def hq_company(request: Request) -> Response:
    account_id = _hq_account(request)
    company = world_of(request).company(request.path_params["company_id"])
    if company is None:
        raise ApiError(404, f"Company {request.path_params['company_id']} not found.")
    return ok(_hq_company(company, account_id))


def _search(request: Request, items: list[dict[str, Any]], fields: tuple[str, ...]) -> Response:
    """hq v1 search: a case-insensitive partial match per given field, joined by `operator` (AND/OR)."""
    q = request.query_params
    tests = [(k, q[k].lower()) for k in fields if q.get(k)]
    match = any if q.get("operator", "AND").upper() == "OR" else all
    if tests:
        items = [it for it in items if match(v in str(it[k]).lower() for k, v in tests)]
    return _bare_page(request, items)


async def hq_companies_search(request: Request) -> Response:
    account_id = _hq_account(request)
    return _search(request, [_hq_company(c, account_id) for c in world_of(request).companies], ("name", "trade"))


async def hq_project_companies(request: Request) -> Response:
    account_id = _hq_account(request)
    world = world_of(request)
    project = world.project(request.path_params["project_id"])
    if project is None:
        raise ApiError(404, f"Project {request.path_params['project_id']} not found.")
    on_project = {m["companyId"] for m in world.project_members(project["id"])}
    return _bare_page(request, [_hq_company(c, account_id) for c in world.companies if c["id"] in on_project])


async def hq_users(request: Request) -> Response:
    account_id = _hq_account(request)
    return _bare_page(request, [_hq_user(u, account_id) for u in world_of(request).users])


async def hq_user(request: Request) -> Response:
    account_id = _hq_account(request)
    user = world_of(request).user(request.path_params["user_id"])
    if user is None:
        raise ApiError(404, f"User {request.path_params['user_id']} not found.")
    return ok(_hq_user(user, account_id))


async def hq_users_search(request: Request) -> Response:
    account_id = _hq_account(request)
    users = [_hq_user(u, account_id) for u in world_of(request).users]
    return _search(request, users, ("name", "email", "company_name"))


async def hubs(request: Request) -> Response:
    """Data Management's hub list: where a client without ACC_ACCOUNT_ID finds its account (b.<id>)."""
    world = world_of(request)
    hub = {
        "type": "hubs",
        "id": f"b.{world.account_id}",
        "attributes": {
            "name": ACCOUNT_NAME,
            "region": world.region,
            "extension": {"type": "hubs:autodesk.bim360:Account", "version": "1.0"},
        },
    }
    return ok({"jsonapi": {"version": "1.0"}, "data": [hub]})


def routes() -> list[BaseRoute]:
    admin = "/construction/admin/v1"
    out: list[BaseRoute] = [
        Route("/project/v1/hubs", hubs, methods=["GET"]),
        Route(f"{admin}/accounts/{{accountId}}/projects", list_projects, methods=["GET"]),
        Route(f"{admin}/projects/{{projectId}}", get_project, methods=["GET"]),
        Route(f"{admin}/projects/{{projectId}}/users", list_project_users, methods=["GET"]),
        Route(f"{admin}/projects/{{projectId}}/users/{{userId}}", get_project_user, methods=["GET"]),
        Route(f"{admin}/accounts/{{accountId}}/companies", list_companies, methods=["GET"]),
    ]
    for hq in ("/hq/v1", "/hq/v1/regions/eu"):
        out += [
            Route(f"{hq}/accounts/{{account_id}}/users/search", hq_users_search, methods=["GET"]),
            Route(f"{hq}/accounts/{{account_id}}/users/{{user_id}}", hq_user, methods=["GET"]),
            Route(f"{hq}/accounts/{{account_id}}/users", hq_users, methods=["GET"]),
            Route(f"{hq}/accounts/{{account_id}}/companies/search", hq_companies_search, methods=["GET"]),
            Route(f"{hq}/accounts/{{account_id}}/companies/{{company_id}}", hq_company, methods=["GET"]),
            Route(
                f"{hq}/accounts/{{account_id}}/projects/{{project_id}}/companies", hq_project_companies, methods=["GET"]
            ),
        ]
    return out
