"""AccClient: one pooled HTTP client per server, speaking ACC's conventions.

It adds the bearer token, routes by region (`Region`/`x-ads-region` headers, `/hq/v1/regions/eu/` for
EMEA account calls), strips `b.` prefixes from ids, retries what is safe to retry, and turns error
statuses into the typed errors of `errors.py`. It knows nothing about MCP.

Retry rules: an idempotent request (GET, or a read-only POST such as `search:rfis`) is retried on 429
(waiting what `Retry-After` says, within a cap), on 5xx, on transport errors and on a 2xx body that is not
of the documented shape, with capped exponential backoff and full jitter. A POST that creates something
is retried only when the request certainly did not take effect: a 429, or a connection that never
opened. When a write's outcome is unknown (a 5xx, a timeout or reset after sending, an empty or malformed
2xx) it raises `AmbiguousWrite`: it may have been applied, and must be checked, not repeated.

Time: every wait and every request fits in the tool call's deadline (`deadline.py`, ACC_CALL_TIMEOUT): a
`Retry-After` that does not fit is reported instead of waited, and a request (a drip-fed body included)
gets only the time that is left. A 3xx is an upstream error, never a success.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

import httpx2

from . import deadline
from .config import Settings
from .errors import (
    AmbiguousWrite,
    AuthError,
    InvalidInput,
    RateLimited,
    UpstreamError,
)
from .responses import (
    MAX_URL_CHARS,
    MIN_REQUEST_SECONDS,
    Exploded,
    clean_stale_downloads,
    error_for,
    expected_shape,
    loggable,
    out_of_time,
    parse_body,
    query_value,
    retry_after,
    when_text,
)
from .safety import (
    check_id,
    check_path,
    echo,
    install_log_redaction,
    remember_secret,
)
from .transfers import Transfers

__all__ = ["AccClient", "Exploded", "RetryPolicy", "StaticToken", "TokenProvider", "clean_id", "clean_stale_downloads"]

log = logging.getLogger("acc_mcp.client")

# Every log record, httpx2's and httpcore2's children included, loses signed-URL queries, cookies and tokens.
install_log_redaction()

_ID = re.compile(r"^[A-Za-z0-9._:~?=-]{1,200}$")
"""Ids are quoted into the path, so a file version URN (`urn:…:vf.X?version=2`) is one."""
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


def _with_query(url: str, query: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """(URL, params) to hand httpx2 for `url` with `query`: the query written into the URL as httpx2 writes
    merged params (`str(QueryParams)`), so the URL is parsed once rather than twice, params merged in between.
    A URL that has a query or fragment of its own keeps httpx2's merge."""
    if not query or "?" in url or "#" in url:
        return url, query
    # What `str(httpx2.QueryParams(query))` writes, without building one; keys with no values still give a "?",
    # as httpx2's do.
    return f"{url}?{urlencode(query, doseq=True)}", None


def clean_id(value: str, what: str = "id") -> str:
    """An id safe to put in a path: `b.` stripped, no slashes or spaces."""
    value = value.strip().removeprefix("b.")
    if not _ID.match(value):
        raise InvalidInput(f"{what} {echo(value)} is not a valid ACC id.")
    return check_id(value, what)


class AccClient(Transfers):
    def __init__(
        self,
        settings: Settings,
        tokens: TokenProvider,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._transport = transport
        self._pool: httpx2.AsyncClient | None = None
        self._closed = False
        self._host = urlsplit(settings.base_url).netloc
        self._cleaned: set[Path] = set()
        self._headers: tuple[str, httpx2.Headers] | None = None
        """The last token's request headers, built once (many calls share a token)."""

    @property
    def _http(self) -> httpx2.AsyncClient:
        """The pooled HTTP client, made at the first request: making one loads the CA certificates (tens of
        ms), which the server would otherwise pay at start-up, before it answers its first message."""
        if self._pool is None:
            if self._closed:
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            self._pool = httpx2.AsyncClient(
                transport=self._transport,
                timeout=httpx2.Timeout(self.settings.timeout, connect=min(10.0, self.settings.timeout)),
                limits=httpx2.Limits(max_connections=20, max_keepalive_connections=10),
                headers={"User-Agent": "acc-mcp/0.1", "Accept": "application/json"},
                # No cookie jar: a Set-Cookie from one answer must never ride along on another request (or
                # another passthrough user's). ACC's APIs authenticate by bearer token alone.
                cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            )
        return self._pool

    async def __aenter__(self) -> AccClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closed = True
        if self._pool is not None:
            await self._pool.__aexit__(exc_type, exc, tb)

    async def aclose(self) -> None:
        self._closed = True
        if self._pool is not None:
            await self._pool.aclose()

    # --- paths ---------------------------------------------------------------------------------

    def url(self, template: str, **ids: str) -> str:
        """`template` with `{name}` ids substituted (cleaned, quoted) and region routing applied."""
        path = template.format(**{k: quote(clean_id(v, k), safe="") for k, v in ids.items()})
        if self.settings.region == "EMEA" and path.startswith("/hq/v1/") and not path.startswith("/hq/v1/regions/"):
            path = "/hq/v1/regions/eu/" + path.removeprefix("/hq/v1/")
        return self.settings.base_url + path

    # --- requests ------------------------------------------------------------------------------

    async def _pause(self, seconds: float, why: str) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            await deadline.pause(seconds, why)

    def _fits(self, seconds: float) -> bool:
        """Whether waiting `seconds` still leaves time for another request within the call's deadline."""
        return seconds + MIN_REQUEST_SECONDS <= deadline.remaining()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one API request (with retries) and return its parsed JSON body (None for an empty DELETE)."""
        method = method.upper()
        target = urlsplit(url)
        if target.netloc != self._host:
            # Only ever send the bearer token to the configured API host.
            raise InvalidInput("Refusing to send credentials to a host other than the configured ACC API host.")
        check_path(target.path)
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        query = {k: v if type(v) is str else query_value(v) for k, v in (params or {}).items() if v is not None}
        if len(url) + sum(len(str(k)) + len(str(v)) + 2 for k, v in query.items()) > MAX_URL_CHARS:
            raise InvalidInput("The request is too long for ACC (a filter or name of thousands of characters?).")
        expected = expected_shape(method, target.path)
        refreshed = False
        attempt = 0
        sent: tuple[str, dict[str, Any] | None] | None = None
        while True:
            attempt += 1
            left = deadline.remaining()
            if left < MIN_REQUEST_SECONDS:
                raise out_of_time(attempt - 1)  # nothing sent: certainly not applied
            token = await self.tokens.token()
            remember_secret(token)
            headers = self._headers_for(token)
            started = time.perf_counter()
            try:
                if sent is None:
                    sent = _with_query(url, query)
                # The whole exchange, body included, within what is left: a body dripped a byte a second
                # defeats a per-read timeout, not this.
                with deadline.fail_after(min(left, self.settings.timeout * 2)):
                    response = await self._http.request(
                        method,
                        sent[0],
                        params=sent[1],
                        json=json,
                        headers=headers,
                        timeout=min(self.settings.timeout, left),
                    )
            except (httpx2.TransportError, TimeoutError) as exc:
                never_sent = isinstance(exc, httpx2.ConnectError | httpx2.ConnectTimeout | httpx2.PoolTimeout)
                kind = "no answer in time" if isinstance(exc, TimeoutError) else type(exc).__name__
                log.warning("%s %s failed: %s (attempt %d)", method, loggable(url), kind, attempt)
                wait = self._backoff(attempt)
                if (safe or never_sent) and attempt < self.retry.attempts and self._fits(wait):
                    await self._pause(wait, "ACC did not answer")
                    continue
                if not (safe or never_sent):
                    raise AmbiguousWrite(
                        f"The write was sent to ACC but its answer was lost ({kind}): it may have been applied."
                    ) from None
                if isinstance(exc, TimeoutError | httpx2.TimeoutException) and not self._fits(wait):
                    raise out_of_time(attempt) from None
                raise UpstreamError(
                    f"Could not reach the ACC API ({kind}) after {attempt} attempt(s). Check the network and try again."
                ) from None
            except (httpx2.InvalidURL, httpx2.UnsupportedProtocol, UnicodeError) as exc:
                raise InvalidInput(
                    f"The request could not be built ({type(exc).__name__}): check the ids and filters."
                ) from None
            status = response.status_code
            if log.isEnabledFor(logging.INFO):
                ms = (time.perf_counter() - started) * 1000
                log.info("%s %s -> %d in %.0f ms", method, loggable(url), status, ms)
            if 300 <= status < 400:
                # httpx2 does not follow redirects, and ACC's APIs do not send them: not a success.
                raise UpstreamError(
                    f"ACC answered {status} (a redirect) instead of data; nothing was read or changed from it. "
                    "This is an upstream problem: try again later." + ("" if safe else " ACC did not accept the write.")
                )
            if 200 <= status < 300:
                body, problem = parse_body(response, method, expected, write=not safe)
                if problem is None:
                    return body
                wait = self._backoff(attempt)
                if safe and attempt < self.retry.attempts and self._fits(wait):
                    log.warning("%s %s: %s (attempt %d)", method, loggable(url), problem, attempt)
                    await self._pause(wait, "ACC sent a malformed answer")
                    continue
                if not safe:
                    raise AmbiguousWrite(f"ACC answered the write {status} with {problem}: it may have been applied.")
                raise UpstreamError(
                    f"ACC answered {status} with {problem} instead of the documented data, after {attempt} attempt(s). "
                    "This is an upstream problem: try again later."
                )
            if status == 401 and not refreshed and await self.tokens.rejected(token):
                refreshed = True
                attempt -= 1
                continue
            if status == 429 or (status >= 500 and safe):
                wait_for = retry_after(response)
                delay = self._backoff(attempt) if wait_for is None else wait_for + random.uniform(0, 0.1 * wait_for)
                capped = wait_for is None or wait_for <= self.retry.max_retry_after
                if attempt < self.retry.attempts and capped and self._fits(delay):
                    why = "ACC rate limit (429)" if status == 429 else f"ACC server error ({status})"
                    await self._pause(delay, why)
                    continue
                if status == 429:
                    raise RateLimited(
                        f"ACC rate limit reached (429) after {attempt} attempt(s); try again in {when_text(wait_for)}.",
                        retry_after=wait_for if wait_for is not None and math.isfinite(wait_for) else None,
                    )
            if status >= 500 and not safe:
                raise AmbiguousWrite(
                    f"ACC answered the write with a server error ({status}): it may have been applied."
                )
            raise error_for(response, attempt, token)

    def _headers_for(self, token: str) -> httpx2.Headers:
        """The bearer token (and region) headers of a request; the same object for the same token (read-only)."""
        held = self._headers
        if held is not None and held[0] == token:
            return held[1]
        headers = {"Authorization": f"Bearer {token}"}
        if self.settings.region:
            headers["Region"] = headers["x-ads-region"] = self.settings.region
        built = httpx2.Headers(headers)
        self._headers = (token, built)
        return built

    async def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return await self.request("GET", url, params=params)

    def _backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.retry.cap, self.retry.backoff * 2 ** (attempt - 1)))
