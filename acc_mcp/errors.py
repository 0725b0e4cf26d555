"""The exception hierarchy, and what each error tells the model to do next.

    AccError
    ├── ConfigError          bad settings; raised at start-up
    ├── InvalidInput         an argument the API would reject (bad id, date, schedule); never sent
    └── ApiError             the ACC API answered with an error status
        ├── AuthError        401: no token, or it expired or was revoked
        ├── Forbidden        403: the user lacks a permission or the token a scope
        ├── NotFound         404: an id that does not exist or that the user cannot see
        ├── BadRequest       400/409/422: the API rejected the request
        ├── RateLimited      429 after retries; carries `retry_after`
        └── UpstreamError    5xx after retries, a 3xx, a body not of the documented shape, or the network failed
            ├── AmbiguousWrite    a write sent whose outcome is unknown (5xx, timeout, reset, bad 2xx):
            │                     it may have been applied, so it must be checked, never blindly repeated
            └── DeadlineExceeded  the tool call's overall time limit (ACC_CALL_TIMEOUT) ran out

Messages never contain response bodies, tokens or signed URLs: upstream bodies can echo both, so we keep
only the status and, for 4xx, a short sanitised reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class AccError(Exception):
    """Base class: `str(exc)` is a sentence a model can act on."""


class ConfigError(AccError):
    """A setting is missing or invalid (one line, names the variable)."""


class InvalidInput(AccError):
    """An argument was refused before any request was made."""


class ApiError(AccError):
    status: int = 0

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.reason = reason


class AuthError(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class BadRequest(ApiError):
    status = 400


class RateLimited(ApiError):
    status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamError(ApiError):
    status = 502


class AmbiguousWrite(UpstreamError):
    """A write reached (or may have reached) ACC, but its outcome is unknown.

    The message says so; whoever called may add how to check (which list shows the created record).
    """


class DeadlineExceeded(UpstreamError):
    """The tool call's overall time limit ran out before ACC answered."""

    status = 504


_SECRETISH = re.compile(
    r"(bearer\s+\S+|eyJ[\w-]+\.[\w-]+\.[\w-]*|https?://\S*(signature|sig=|token|X-Amz-)\S*|[A-Za-z0-9+/_-]{40,})",
    re.IGNORECASE,
)


def scrub(text: str, limit: int = 200, *, secrets: Iterable[str | None] = ()) -> str:
    """A short, single-line version of upstream text with anything token- or URL-like removed.

    `secrets` (the caller's own token, say) are removed whatever their length or shape: an upstream that
    echoes a short opaque token would otherwise slip past the patterns.
    """
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    cleaned = _SECRETISH.sub("[redacted]", " ".join(text.split()))
    cleaned = "".join(c if c.isprintable() else "?" for c in cleaned)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
