"""AccClient: one pooled HTTP client per server, speaking ACC's conventions.

It adds the bearer token, routes by region (`Region`/`x-ads-region` headers, `/hq/v1/regions/eu/` for
EMEA account calls), strips `b.` prefixes from ids, retries what is safe to retry, and turns error
statuses into the typed errors of `errors.py`. It knows nothing about MCP.

Retry rules: an idempotent request (GET, or a read-only POST such as `search:rfis`) is retried on 429
(waiting what `Retry-After` says, within a cap), on 5xx and on transport errors, with capped exponential
backoff and full jitter. A POST that creates something is retried only when the request certainly did
not take effect: a 429, or a connection that never opened. Anything else surfaces, so a write is never
silently repeated.
"""

from __future__ import annotations

import logging
import math
import os
import random
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import anyio
import httpx2

from .config import Settings
from .errors import (
    ApiError,
    AuthError,
    BadRequest,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    UpstreamError,
    scrub,
)

log = logging.getLogger("acc_mcp.client")


class _RedactQueries(logging.Filter):
    """httpx2 logs every request's full URL at INFO; a signed URL's query string is a credential."""

    _query = re.compile(r"\?[^\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._query.sub("?[redacted]", record.getMessage())
        record.args = None
        return True


for _name in ("httpx2", "httpcore2", "httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_RedactQueries())

_ID = re.compile(r"^[A-Za-z0-9._:~-]{1,200}$")
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class TokenProvider(Protocol):
    async def token(self) -> str:
        """A valid access token, or raise `AuthError` saying how to sign in."""
        ...

    async def rejected(self, token: str) -> bool:
        """The API refused `token` (401). Return True if a fresh one is now available to retry with."""
        ...


class StaticToken:
    """A token given by configuration (APS_ACCESS_TOKEN, or the sandbox's in demo mode)."""

    def __init__(self, token: str | None) -> None:
        self._token = token

    async def token(self) -> str:
        if not self._token:
            raise AuthError(
                "acc-mcp is not signed in to Autodesk. Ask the user to set APS_CLIENT_ID in the server's "
                "configuration and run `acc-mcp login` (or set APS_ACCESS_TOKEN); `acc-mcp demo` needs no account."
            )
        return self._token

    async def rejected(self, token: str) -> bool:
        return False


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    """Total tries, the first included."""
    backoff: float = 0.5
    cap: float = 8.0
    max_retry_after: float = 30.0
    """A Retry-After longer than this is not waited out: the caller is told when to come back."""


def clean_id(value: str, what: str = "id") -> str:
    """An id safe to put in a path: `b.` stripped, no slashes or spaces."""
    value = value.strip().removeprefix("b.")
    if not _ID.match(value):
        raise InvalidInput(f"{what} {value[:60]!r} is not a valid ACC id.")
    return value


class AccClient:
    def __init__(
        self,
        settings: Settings,
        tokens: TokenProvider,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx2.AsyncClient(
            transport=transport,
            timeout=httpx2.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            limits=httpx2.Limits(max_connections=20, max_keepalive_connections=10),
            headers={"User-Agent": "acc-mcp/0.1", "Accept": "application/json"},
        )
        self._host = urlsplit(settings.base_url).netloc

    async def __aenter__(self) -> AccClient:
        await self._http.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._http.__aexit__(exc_type, exc, tb)

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- paths ---------------------------------------------------------------------------------

    def url(self, template: str, **ids: str) -> str:
        """`template` with `{name}` ids substituted (cleaned, quoted) and region routing applied."""
        path = template.format(**{k: quote(clean_id(v, k), safe="") for k, v in ids.items()})
        if self.settings.region == "EMEA" and path.startswith("/hq/v1/") and not path.startswith("/hq/v1/regions/"):
            path = "/hq/v1/regions/eu/" + path.removeprefix("/hq/v1/")
        return self.settings.base_url + path

    # --- requests ------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one API request (with retries) and return its parsed JSON body (None when empty)."""
        method = method.upper()
        if urlsplit(url).netloc != self._host:
            # Only ever send the bearer token to the configured API host.
            raise InvalidInput("Refusing to send credentials to a host other than the configured ACC API host.")
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = await self.tokens.token()
            headers = {"Authorization": f"Bearer {token}"}
            if self.settings.region:
                headers["Region"] = headers["x-ads-region"] = self.settings.region
            started = time.perf_counter()
            try:
                response = await self._http.request(method, url, params=query, json=json, headers=headers)
            except httpx2.TransportError as exc:
                never_sent = isinstance(exc, httpx2.ConnectError | httpx2.ConnectTimeout | httpx2.PoolTimeout)
                log.warning("%s %s failed: %s (attempt %d)", method, _loggable(url), type(exc).__name__, attempt)
                if (safe or never_sent) and attempt < self.retry.attempts:
                    await self._sleep(self._backoff(attempt))
                    continue
                raise UpstreamError(
                    f"Could not reach the ACC API ({type(exc).__name__}) after {attempt} attempt(s). "
                    "Check the network and try again."
                    + (
                        ""
                        if safe or never_sent
                        else " The request may or may not have been applied: check before retrying."
                    )
                ) from None
            status = response.status_code
            log.info("%s %s -> %d in %.0f ms", method, _loggable(url), status, (time.perf_counter() - started) * 1000)
            if status < 400:
                return _json(response)
            if status == 401 and not refreshed and await self.tokens.rejected(token):
                refreshed = True
                attempt -= 1
                continue
            if status == 429 or (status >= 500 and safe):
                wait = _retry_after(response)
                if attempt < self.retry.attempts and (wait is None or wait <= self.retry.max_retry_after):
                    await self._sleep(self._backoff(attempt) if wait is None else wait + random.uniform(0, 0.1 * wait))
                    continue
                if status == 429:
                    after = f"{math.ceil(wait)} s" if wait is not None else "a minute"
                    raise RateLimited(
                        f"ACC rate limit reached (429) after {attempt} attempt(s); try again in {after}.",
                        retry_after=wait,
                    )
            raise _error(response, attempt)

    async def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return await self.request("GET", url, params=params)

    async def fetch_bytes(self, url: str, *, max_bytes: int) -> tuple[bytes, str]:
        """GET a signed URL (no bearer token: it carries its own signature) up to `max_bytes`."""
        try:
            async with self._http.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise UpstreamError(
                        f"Downloading the file failed ({response.status_code}); the link may have expired."
                    )
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise InvalidInput(f"The file is {declared:,} bytes, over the {max_bytes:,}-byte limit.")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise InvalidInput(f"The file is over the {max_bytes:,}-byte limit.")
                    chunks.append(chunk)
                return b"".join(chunks), response.headers.get("content-type", "application/octet-stream")
        except httpx2.TransportError as exc:
            raise UpstreamError(f"Downloading the file failed ({type(exc).__name__}).") from None

    async def download(self, url: str, dest: Path, *, expected_size: int | None = None) -> int:
        """Stream a signed URL to `dest`: written to a temporary name, renamed only when complete.

        A download is either the whole file at `dest` or nothing: a short read, a size mismatch or a
        crash leaves no file under the final name.
        """
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                async with self._http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        raise UpstreamError(f"Download failed ({response.status_code}); the link may have expired.")
                    declared = response.headers.get("content-length")
                    size = 0
                    async for chunk in response.aiter_bytes(1 << 20):
                        out.write(chunk)
                        size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            for wanted in (declared, expected_size):
                if wanted is not None and int(wanted) != size:
                    raise UpstreamError(f"Download incomplete: got {size:,} of {int(wanted):,} bytes.")
            os.replace(tmp, dest)
            return size
        except httpx2.TransportError as exc:
            raise UpstreamError(f"Download failed ({type(exc).__name__}).") from None
        finally:
            tmp.unlink(missing_ok=True)

    def _backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.retry.cap, self.retry.backoff * 2 ** (attempt - 1)))


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


def _json(response: httpx2.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise UpstreamError(f"The ACC API answered {response.status_code} with a body that is not JSON.") from None


def _retry_after(response: httpx2.Response) -> float | None:
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None  # an HTTP-date: rare from APS; fall back to backoff


def _loggable(url: str) -> str:
    """Scheme, host and path only: query strings of signed URLs carry credentials."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _reason(response: httpx2.Response) -> str | None:
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
                return scrub(value)
    return None


def _error(response: httpx2.Response, attempts: int) -> ApiError:
    status = response.status_code
    reason = _reason(response)
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
