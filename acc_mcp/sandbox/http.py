"""Request parsing and response helpers shared by the sandbox's family modules.

Family modules raise `ApiError` for any 4xx they want to return; `app.py` turns it into the APS error
body. Pagination helpers build the `pagination` object the way the reference shows it (limit, offset,
totalResults, nextUrl, previousUrl).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .world import World


class ApiError(Exception):
    """An APS-style error response: status, a developer message, and an error code."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or {400: "BAD_REQUEST", 401: "AUTH-001", 403: "FORBIDDEN", 404: "NOT_FOUND"}.get(
            status, "ERROR"
        )
        self.headers = headers or {}

    def response(self) -> Response:
        body = {"developerMessage": self.message, "errorCode": self.code, "moreInfo": "https://aps.autodesk.com/"}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def ok(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status)


def world_of(request: Request) -> World:
    world: World = request.app.state.world
    return world


def state_of(request: Request, family: str) -> Any:
    """The mutable state object a family module registered under `app.state.families[family]`."""
    return request.app.state.families[family]


def require_project(request: Request, param: str = "projectId") -> dict[str, Any]:
    """The project named in the path (with or without `b.`), or a 404 like ACC's."""
    project_id = request.path_params[param]
    project = world_of(request).project(project_id)
    if project is None:
        raise ApiError(404, f"Project {project_id} not found or you do not have access to it.")
    return project


def require_account(request: Request, param: str = "accountId") -> str:
    account_id = str(request.path_params[param]).removeprefix("b.")
    if account_id != world_of(request).account_id:
        raise ApiError(404, f"Account {account_id} not found or you do not have access to it.")
    return account_id


def query_int(request: Request, name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Query parameter {name} must be an integer, got {raw!r}.") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ApiError(400, f"Query parameter {name} must be between {minimum}{upper}, got {value}.")
    return value


def query_list(request: Request, name: str) -> list[str]:
    """A filter that accepts comma-separated values and/or repeated parameters."""
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return values


def parse_datetime(value: str, *, name: str = "date") -> datetime:
    """ISO 8601 date or date-time; a bare date means midnight UTC."""
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            400, f"Invalid {name}: {value!r}. Use ISO 8601, e.g. 2024-05-01 or 2024-05-01T00:00:00Z."
        ) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def parse_range(value: str, *, name: str) -> tuple[datetime | None, datetime | None]:
    """ACC date-range filters: `start..end`, `start..`, `..end`, or one date (that whole day)."""
    if ".." in value:
        start, _, end = value.partition("..")
        return (parse_datetime(start, name=name) if start else None, parse_datetime(end, name=name) if end else None)
    day = parse_datetime(value, name=name)
    return day, day.replace(hour=23, minute=59, second=59, microsecond=999000)


def in_range(stamp: str | None, bounds: tuple[datetime | None, datetime | None]) -> bool:
    if stamp is None:
        return False
    at = parse_datetime(stamp)
    start, end = bounds
    if start is not None and at < start:
        return False
    if end is not None and len(stamp) == 10:
        # A date-only field (dueDate) compared with a bound: compare by day.
        return at.date() <= end.date()
    return end is None or at <= end


def page_url(request: Request, **overrides: int) -> str:
    params = dict(request.query_params.multi_items())
    params.update({k: str(v) for k, v in overrides.items()})
    return str(request.url.replace(query=urlencode(params)))


def offset_page(
    request: Request, items: Sequence[Any], *, default_limit: int = 20, max_limit: int = 200
) -> dict[str, Any]:
    """Slice by `limit`/`offset` query parameters into `{"pagination": …, "results": …}`."""
    limit = query_int(request, "limit", default_limit, minimum=1, maximum=max_limit)
    offset = query_int(request, "offset", 0)
    return paginate(request, items, limit=limit, offset=offset)


def paginate(request: Request, items: Sequence[Any], *, limit: int, offset: int) -> dict[str, Any]:
    total = len(items)
    pagination: dict[str, Any] = {"limit": limit, "offset": offset, "totalResults": total}
    if offset + limit < total:
        pagination["nextUrl"] = page_url(request, limit=limit, offset=offset + limit)
    if offset > 0:
        pagination["previousUrl"] = page_url(request, limit=limit, offset=max(0, offset - limit))
    return {"pagination": pagination, "results": list(items[offset : offset + limit])}


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(400, "Request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Request body must be a JSON object.")
    return body


def sort_items(items: list[dict[str, Any]], spec: str | None, allowed: Sequence[str]) -> list[dict[str, Any]]:
    """`sort=field` / `sort=-field` / `sort=field desc`, comma-separated; unknown fields are a 400."""
    if not spec:
        return items
    keys: list[tuple[str, bool]] = []
    for part in spec.split(","):
        part = part.strip()
        desc = part.startswith("-") or part.lower().endswith(" desc")
        name = part.lstrip("-+").split(" ")[0]
        if name not in allowed:
            raise ApiError(400, f"Cannot sort by {name!r}. Sortable fields: {', '.join(allowed)}.")
        keys.append((name, desc))
    out = list(items)
    for name, desc in reversed(keys):
        out.sort(key=lambda it: (it.get(name) is None, _sort_key(it.get(name))), reverse=desc)
    return out


def _sort_key(value: Any) -> Any:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("value") or "")
    return "" if value is None else value
