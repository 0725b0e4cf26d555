"""A token set as the store keeps it: what APS returned, plus when it expires and whose it is."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from typing import Any

SKEW = 60.0
"""Refresh this many seconds before expiry, so a token never expires in flight."""


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_at: float
    """Unix time, from the response's `expires_in` at the moment it arrived."""
    refresh_token: str | None = None
    scope: str = ""
    mode: str = "3lo"
    user: str | None = None
    """Who signed in ("Name <email>"), for `acc-mcp status`; None for app tokens."""

    def fresh(self, now: float, skew: float = SKEW) -> bool:
        return now < self.expires_at - skew

    def with_user(self, user: str | None) -> TokenSet:
        return replace(self, user=user)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> TokenSet:
        """Raises ValueError on anything but a well-formed entry (a store may be damaged by hand)."""
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ValueError("entry without an access token")
        refresh = data.get("refresh_token")
        return cls(
            access_token=data["access_token"],
            expires_at=float(data.get("expires_at", 0)),
            refresh_token=refresh if isinstance(refresh, str) else None,
            scope=str(data.get("scope", "")),
            mode=str(data.get("mode", "3lo")),
            user=data.get("user") if isinstance(data.get("user"), str) else None,
        )

    @classmethod
    def from_response(cls, body: Any, *, mode: str, scope: str, now: float | None = None) -> TokenSet:
        """From a token endpoint's JSON; `scope` is what was asked for when the answer does not say."""
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ValueError("the token endpoint answered without an access token")
        now = time.time() if now is None else now
        expires_in = float(body.get("expires_in") or 3600)
        return cls(
            access_token=str(body["access_token"]),
            expires_at=now + expires_in,
            refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
            scope=str(body.get("scope") or scope),
            mode=mode,
        )

    def __repr__(self) -> str:  # never print a token, even in a debugger or a log line
        return f"TokenSet(mode={self.mode!r}, user={self.user!r}, expires_at={self.expires_at:.0f})"
