"""Token providers: where the API client gets its bearer token from, in each sign-in mode.

`StoredLogin` (3-legged) is the careful one. APS refresh tokens are single-use: spend one twice and APS
treats it as theft and ends the sign-in. So a refresh happens under two locks, one for this process's
tasks and the store's lock for other processes, and whoever gets them first re-reads the store: if
someone else already refreshed, their tokens are used and nothing is sent to APS.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread

from ..errors import AuthError
from ..signals import critical

if TYPE_CHECKING:  # the OAuth client, the store and token sets are imported by the sign-in modes that use them
    from .oauth import OAuthClient
    from .store import TokenStore
    from .tokens import TokenSet

Clock = Callable[[], float]

LOGIN_AGAIN = "Run `acc-mcp login` to sign in again, then retry."


class _Renewing:
    """Serve a cached token until it nears expiry or is refused; renew it once for all waiting calls."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._current: TokenSet | None = None
        self._lock = anyio.Lock()

    async def token(self) -> str:
        current = self._current
        if current is None or not current.fresh(self.clock()):
            current = await self._renew(current.access_token if current else None, force=False)
        return current.access_token

    async def rejected(self, token: str) -> bool:
        """A 401 for `token` (revoked before expiry?): renew, and say whether there is a different one."""
        return (await self._renew(token, force=True)).access_token != token

    async def _renew(self, stale: str | None, *, force: bool) -> TokenSet:
        async with self._lock:
            current = self._current
            if current is not None and current.access_token != stale and current.fresh(self.clock()):
                return current  # another task renewed while this one waited
            self._current = None  # stale either way: if renewing fails, the next call tries again
            self._current = await self._obtain(stale, force)
            return self._current

    async def _obtain(self, stale: str | None, force: bool) -> TokenSet:
        raise NotImplementedError


class StoredLogin(_Renewing):
    """A 3-legged sign-in from the token store, refreshed exactly once when it runs out."""

    def __init__(self, store: TokenStore, key: str, oauth: OAuthClient, *, clock: Clock = time.time) -> None:
        super().__init__(clock)
        self.store = store
        self.key = key
        self.oauth = oauth

    async def _obtain(self, stale: str | None, force: bool) -> TokenSet:
        # The store lock is a blocking file lock: take it in a worker thread, and hold it across the
        # refresh request so another process waits instead of spending the same refresh token.
        async with _held(self.store):
            stored = await anyio.to_thread.run_sync(self.store.load, self.key)
            if stored is None:
                raise AuthError(f"Not signed in to APS (or signed out). {LOGIN_AGAIN}")
            if stored.fresh(self.clock()) and not (force and stored.access_token == stale):
                return stored  # another process refreshed, or a login replaced the tokens
            if not stored.refresh_token:
                raise AuthError(f"The APS sign-in has expired. {LOGIN_AGAIN}")
            # Shielded: once the refresh token is sent it is spent, so the answer must reach the store
            # even if the tool call that triggered it is cancelled meanwhile.
            # Critical too: on SIGTERM the process waits for it before exiting (`signals.run_stdio`).
            with anyio.CancelScope(shield=True), critical():
                fresh = await self._refresh(stored, stored.refresh_token)
            return fresh

    async def _refresh(self, stored: TokenSet, refresh_token: str) -> TokenSet:
        from .oauth import InvalidGrant

        try:
            fresh = await self.oauth.refresh(refresh_token)
        except InvalidGrant:
            # Used, revoked or expired: the sign-in is over. Forget it so nothing retries it.
            await anyio.to_thread.run_sync(self.store.delete, self.key)
            raise AuthError(f"The APS sign-in has expired or was revoked. {LOGIN_AGAIN}") from None
        fresh = fresh.with_user(stored.user)
        if not fresh.refresh_token:  # APS rotates; keep the old one if a server ever does not
            fresh = replace(fresh, refresh_token=refresh_token)
        await anyio.to_thread.run_sync(self.store.save, self.key, fresh)
        return fresh


class AppToken(_Renewing):
    """A token the app can always get again (2-legged, or SSA): fetched once, reused until near expiry.

    There is no refresh token to protect, so nothing is stored on disk; concurrent calls still share
    one request.
    """

    def __init__(self, obtain: Callable[[], Awaitable[TokenSet]], *, clock: Clock = time.time) -> None:
        super().__init__(clock)
        self._fetch = obtain

    async def _obtain(self, stale: str | None, force: bool) -> TokenSet:
        return await self._fetch()


_request_token: ContextVar[str | None] = ContextVar("acc_mcp_request_token", default=None)


class RequestToken:
    """HTTP mode with passthrough: each MCP request's own `Authorization: Bearer` token, never shared.

    The token lives in a context variable set around one tool call, so concurrent calls of different
    users each see only their own.
    """

    async def token(self) -> str:
        token = _request_token.get()
        if not token:
            raise AuthError(
                "This server uses each request's APS token: send an `Authorization: Bearer <APS access token>` "
                "header with the MCP request."
            )
        return token

    async def rejected(self, token: str) -> bool:
        return False


class request_token:  # used as a function: `with request_token(authorization):`
    """Make the bearer token of `authorization` (an HTTP header value) current for one tool call. A plain
    class, as it is entered on every call (a generator context manager costs several times more)."""

    __slots__ = ("_reset", "_token")

    def __init__(self, authorization: str | None) -> None:
        value = (authorization or "").strip()
        token = value[7:].strip() if value.lower().startswith("bearer ") else None
        self._token = token or None

    def __enter__(self) -> None:
        self._reset = _request_token.set(self._token)

    def __exit__(self, *_exc: object) -> None:
        _request_token.reset(self._reset)


def principal() -> str:
    """Whose call this is, for per-user caches: a hash of the request's token, or "" with one sign-in."""
    token = _request_token.get()
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else ""


class _held:
    """The store's cross-process lock, taken without blocking the event loop."""

    def __init__(self, store: TokenStore) -> None:
        self._cm = store.lock()

    async def __aenter__(self) -> None:
        # Shielded: a cancellation must not land between taking the lock and owning the release.
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._cm.__enter__)

    async def __aexit__(self, *exc: object) -> None:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._cm.__exit__, None, None, None)
