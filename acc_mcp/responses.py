"""How the client reads ACC's answers and writes its requests: parameters, body shapes, Retry-After, errors.

Kept apart from `client.py` (the request loop) so each stays small: these are pure functions of a response or
a value, easy to test on their own.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
from pydantic_core import from_json

from . import deadline
from .endpoints import ENDPOINTS
from .errors import (
    ApiError,
    AuthError,
    BadRequest,
    DeadlineExceeded,
    Forbidden,
    NotFound,
    UpstreamError,
    scrub,
)

PART = ".part"
MIN_REQUEST_SECONDS = 0.05
"""Less time than this left in the call: do not start another request."""
MAX_URL_CHARS = 8000
"""Servers refuse longer request lines (and httpx2 refuses to build some)."""


def clean_download_tree(folder: Path) -> int:
    """`clean_stale_downloads` in `folder` and each folder directly below it (downloads go to `<dir>/<job id>/`)."""
    try:
        folders = [folder, *(p for p in folder.iterdir() if p.is_dir())]
    except OSError:
        return 0
    return sum(clean_stale_downloads(f) for f in folders)


def clean_stale_downloads(folder: Path) -> int:
    """Remove temporaries (`.name.<pid>.xxxx.part`) of downloads whose process is gone; returns how many."""
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(PART)):
            continue
        pid_text = entry.name[: -len(PART)].rsplit(".", 2)[-2] if entry.name.count(".") >= 3 else ""
        if pid_text.isdigit() and alive(int(pid_text)) and int(pid_text) != os.getpid():
            continue  # another live process is writing it
        if pid_text.isdigit() and int(pid_text) == os.getpid():
            continue  # ours, in progress
        try:
            entry.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def as_int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class Exploded(tuple[str, ...]):
    """Values ACC reads as an exploded array, the key repeated (`?filter[statusId]=a&filter[statusId]=b`: Assets,
    Forms); any other list is sent comma-separated."""


def query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Exploded):
        return [str(v) for v in value]
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


# --- the documented shape of an answer ------------------------------------------------------------


@functools.cache
def _shapes() -> dict[str, tuple[re.Pattern[str], list[type | tuple[type, ...]]]]:
    """Per method, one pattern of every endpoint path of that method (each its own group, in registry order)
    and what each one's 2xx body is: one match finds the first endpoint the path is, as a loop over the
    registry's patterns did, in one pass of the regex engine."""
    paths: dict[str, list[str]] = {}
    shapes: dict[str, list[type | tuple[type, ...]]] = {}
    for e in ENDPOINTS:
        paths.setdefault(e.method, []).append("(" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(e.path)) + "$)")
        shape = list if e.paging == "array" else dict if e.paging != "none" else (dict, list)
        shapes.setdefault(e.method, []).append(shape)
    return {m: (re.compile("^(?:" + "|".join(p) + ")"), shapes[m]) for m, p in paths.items()}


@functools.lru_cache(maxsize=1024)  # a session asks for the same few paths again and again
def expected_shape(method: str, path: str) -> type | tuple[type, ...]:
    """What a 2xx body of this endpoint is: a JSON array (hq v1 lists), an object (paged lists), or either."""
    path = path.replace("/hq/v1/regions/eu/", "/hq/v1/")
    known = _shapes().get(method)
    if known is not None and (found := known[0].match(path)) is not None:
        return known[1][found.lastindex - 1]  # type: ignore[operator]
    return (dict, list)


def parse_body(
    response: httpx2.Response, method: str, expected: type | tuple[type, ...], *, write: bool
) -> tuple[Any, str | None]:
    """(body, None), or (None, what is wrong with it) when a 2xx is not of the documented shape."""
    if not response.content or not response.content.strip():
        if method == "DELETE" or (response.status_code == 204 and not write and method != "GET"):
            return None, None
        return None, "an empty body"
    try:
        body = loads(response.content)
    except ValueError:
        return None, "a body that is not JSON"
    if not isinstance(body, expected):
        return None, f"a JSON {kind_of(body)}"
    if write and method == "POST" and not (isinstance(body, dict) and body.get("id")):
        return None, "no id for what it created"
    return body, None


def loads(content: bytes) -> Any:
    """`json.loads(content)`, by pydantic-core's parser (the JSON of a page is read in two thirds of the time).

    It gives the same values for what it reads, and refuses what it would not read the same way (lone
    surrogate escapes, a byte-order mark, UTF-16): `json.loads` then reads that, or raises, as it always did.
    """
    try:
        return from_json(content)
    except ValueError:
        return json.loads(content)


def kind_of(body: Any) -> str:
    if body is None:
        return "null"
    if isinstance(body, list):
        return "array" if body else "empty array"
    return {str: "string", bool: "boolean", int: "number", float: "number", dict: "object"}.get(type(body), "value")


def retry_after(response: httpx2.Response) -> float | None:
    """Seconds ACC asks to wait: a number (`inf` and huge ones included), or an HTTP date; None if absent."""
    raw = (response.headers.get("retry-after") or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        value = when.timestamp() - time.time()
    if math.isnan(value):
        return None
    return max(0.0, value)


def when_text(wait: float | None) -> str:
    if wait is None:
        return "a minute"
    if not math.isfinite(wait) or wait > 86400:
        return "a while (ACC did not say when; try again later)"
    return f"{max(1, math.ceil(wait))} s"


def out_of_time(attempts: int) -> DeadlineExceeded:
    budget = deadline.current()
    limit = f" of {budget.seconds:g} s" if budget else ""
    return DeadlineExceeded(
        f"ACC did not answer within this call's time limit{limit} (ACC_CALL_TIMEOUT) after {attempts} attempt(s). "
        "Try again in a minute, or ask for less (a smaller limit, a narrower filter)."
    )


def loggable(url: str) -> str:
    """Scheme, host and path only: query strings of signed URLs carry credentials."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def reason_of(response: httpx2.Response, token: str | None = None) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        errors = body.get("errors")
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else body
        for key in ("developerMessage", "detail", "message", "title", "error_description"):
            value = first.get(key)
            if isinstance(value, str) and value.strip():
                return scrub(value, secrets=[token])
    return None


def error_for(response: httpx2.Response, attempts: int, token: str | None = None) -> ApiError:
    status = response.status_code
    reason = reason_of(response, token)
    if status == 401:
        return AuthError(
            "ACC rejected the access token (401): it is missing, expired or revoked. Sign in again "
            "(`acc-mcp login`, or set a fresh APS_ACCESS_TOKEN) and retry."
        )
    if status == 403:
        return Forbidden(
            "Not permitted (403): the signed-in user lacks access to this project or feature in ACC, or the "
            "token lacks a required scope. Ask a project admin for access." + (f" ACC said: {reason}" if reason else "")
        )
    if status == 404:
        return NotFound("Not found (404): no such item, or the signed-in user cannot see it.", reason=reason)
    if status >= 500:
        return UpstreamError(
            f"The ACC API had a server error ({status}) after {attempts} attempt(s). Try again shortly.", status=status
        )
    return BadRequest(f"ACC rejected the request ({status})" + (f": {reason}" if reason else "."), status=status)
