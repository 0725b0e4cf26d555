"""Data Connector request bodies, checked the way the reference describes each field (a 400 names the first
field that breaks a rule) and normalized into the request record's attributes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .data_connector_data import SERVICE_GROUPS
from .http import ApiError, parse_datetime
from .world import World, iso

INTERVALS = ("ONE_TIME", "DAY", "WEEK", "MONTH", "YEAR")
DATE_RANGES = ("TODAY", "YESTERDAY", "PAST_7_DAYS", "MONTH_TO_DATE", "LAST_MONTH")
PROJECT_STATUSES = ("all", "archived", "active")
MAX_PROJECTS = 50


def _bool(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ApiError(400, f"{name} must be true or false, got {value!r}.")
    return value


def _when(body: dict[str, Any], name: str) -> datetime | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be an ISO 8601 date-time string.")
    return parse_datetime(value, name=name)


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = body.get(name)
    if value is None:
        return default
    if value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return str(value)


def _project_ids(body: dict[str, Any], world: World) -> tuple[str | None, list[str]]:
    legacy, ids = body.get("projectId"), body.get("projectIdList")
    if isinstance(ids, str):  # the reference's own example sends the list JSON-encoded in a string
        try:
            ids = json.loads(ids)
        except ValueError:
            raise ApiError(400, "projectIdList must be an array of project IDs.") from None
    if ids is None:
        ids = [] if legacy is None else [legacy]
    if legacy is not None and not isinstance(legacy, str):
        raise ApiError(400, "projectId must be a string.")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, "projectIdList must be an array of project IDs.")
    if len(ids) > MAX_PROJECTS:
        raise ApiError(400, f"projectIdList may hold at most {MAX_PROJECTS} project IDs; got {len(ids)}.")
    clean = list(dict.fromkeys(i.removeprefix("b.") for i in ids))
    for pid in clean:
        if world.project(pid) is None:
            raise ApiError(400, f"projectIdList: project {pid} does not exist in this account.")
    return (legacy.removeprefix("b.") if legacy else None), clean


def validate(body: dict[str, Any], world: World) -> dict[str, Any]:
    """The normalized request attributes `body` describes; a 400 naming the first field that breaks a rule."""
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        raise ApiError(400, "description must be a string.")
    interval = _choice(body, "scheduleInterval", INTERVALS, None)
    if interval is None:
        raise ApiError(400, f"scheduleInterval is required: one of {', '.join(INTERVALS)}.")
    every = body.get("reoccuringInterval")
    if interval == "ONE_TIME":
        every = None  # the reference: ignored for ONE_TIME
    elif isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ApiError(400, f"reoccuringInterval is required for scheduleInterval {interval}: a positive integer.")
    start, end = _when(body, "effectiveFrom"), _when(body, "effectiveTo")
    if start is None:
        raise ApiError(400, "effectiveFrom is required (ISO 8601 date-time).")
    if interval == "ONE_TIME" and end is not None:
        raise ApiError(400, "effectiveTo must not be supplied when scheduleInterval is ONE_TIME.")
    if interval != "ONE_TIME" and end is None:
        raise ApiError(400, f"effectiveTo is required when scheduleInterval is {interval}.")
    if end is not None and end <= start:
        raise ApiError(400, "effectiveTo must be later than effectiveFrom.")
    groups = body.get("serviceGroups")
    if isinstance(groups, str):
        groups = [g.strip() for g in groups.split(",") if g.strip()]
    if not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups):
        raise ApiError(400, "serviceGroups is required: an array of at least one service group.")
    if bad := [g for g in groups if g not in SERVICE_GROUPS]:
        raise ApiError(400, f"serviceGroups: unknown service group {bad[0]!r}. Use: {', '.join(SERVICE_GROUPS)}.")
    callback = body.get("callbackUrl")
    if callback is not None and (not isinstance(callback, str) or not callback.startswith(("https://", "http://"))):
        raise ApiError(400, "callbackUrl must be an http(s) URL.")
    legacy, ids = _project_ids(body, world)
    first, last = _when(body, "startDate"), _when(body, "endDate")
    first, last = first or last, last or first  # the reference: one alone serves as both
    if first and last and last < first:
        raise ApiError(400, "endDate must not be earlier than startDate.")
    return {
        "description": description,
        "isActive": _bool(body, "isActive", True),
        "projectId": legacy,
        "projectIdList": ids,
        "scheduleInterval": interval,
        "reoccuringInterval": every,
        "effectiveFrom": iso(start),
        "effectiveTo": iso(end) if end else None,
        "serviceGroups": list(dict.fromkeys(groups)),
        "callbackUrl": callback,
        "sendEmail": _bool(body, "sendEmail", True),
        "startDate": iso(first) if first else None,
        "endDate": iso(last) if last else None,
        "dateRange": _choice(body, "dateRange", DATE_RANGES, None),
        "projectStatus": _choice(body, "projectStatus", PROJECT_STATUSES, "all"),
    }
