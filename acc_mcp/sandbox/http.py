"""Request parsing and response helpers shared by the sandbox's family modules.

Family modules raise `ApiError` for any 4xx they want to return; `app.py` turns it into the APS error
body. Paging lives in `pages.py`, sorting in `sorting.py`, filters in `filters.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

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


def s3_error(status: int, code: str, message: str) -> Response:
    """The XML error body S3 answers a signed URL with (signed downloads live outside the APS gateway)."""
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return Response(xml, status_code=status, media_type="application/xml")


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
    """ACC date-range filters: `start..end`, `start..`, `..end`, or one date (that whole day).

    A date-only end bound covers its whole day: `2023-06-01..2023-06-30` is all of June, as the reference's
    example means it.
    """
    if ".." not in value:
        day = parse_datetime(value, name=name)
        return day, _end_of_day(day)
    start, _, end = value.partition("..")
    high = parse_datetime(end, name=name) if end else None
    if high is not None and len(end) == 10:
        high = _end_of_day(high)
    return (parse_datetime(start, name=name) if start else None, high)


def _end_of_day(day: datetime) -> datetime:
    return day.replace(hour=23, minute=59, second=59, microsecond=999000)


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
