"""Signing in to APS: which mode the settings ask for, and the token provider that serves it.

Modes: `token` (APS_ACCESS_TOKEN as given), `3lo` (a user's sign-in from `acc-mcp login`, kept in the
token store and refreshed), `2lo` (the app's own client-credentials token), `ssa` (a Secure Service
Account's jwt-bearer token), and `passthrough` (HTTP transport: each request's own bearer token).
"""

from __future__ import annotations

import importlib
import time
from typing import TYPE_CHECKING, Any

import httpx2

from ..client import StaticToken, TokenProvider
from ..config import Settings
from ..errors import ConfigError
from .providers import AppToken, Clock, RequestToken, StoredLogin, principal, request_token

if TYPE_CHECKING:
    from .store import FileStore, KeyringStore, StoreError, TokenStore, entry_key, open_store
    from .tokens import TokenSet

# The token store and the OAuth client are imported by the sign-in modes that use them (and by `from acc_mcp.auth
# import FileStore`): a server started with APS_ACCESS_TOKEN reads neither.
_LAZY = {
    "FileStore": "store",
    "KeyringStore": "store",
    "StoreError": "store",
    "TokenStore": "store",
    "entry_key": "store",
    "open_store": "store",
    "TokenSet": "tokens",
}

__all__ = [
    "FileStore",
    "KeyringStore",
    "StoreError",
    "TokenSet",
    "TokenStore",
    "choose_mode",
    "entry_key",
    "make_provider",
    "open_store",
    "principal",
    "request_token",
    "status",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def choose_mode(settings: Settings, store: TokenStore | None = None) -> str:
    """The sign-in mode: APS_AUTH_MODE if set, else the first that the configuration supports."""
    if settings.auth_passthrough:
        return "passthrough"
    if settings.auth_mode != "auto":
        return settings.auth_mode
    if settings.access_token:
        return "token"
    if settings.ssa_id:
        return "ssa"
    if settings.client_id:
        if settings.client_secret and store is not None:
            from .store import StoreError, entry_key

            try:
                signed_in = store.load(entry_key(settings.client_id, settings.base_url)) is not None
            except StoreError:
                signed_in = True  # let the 3-legged provider report the damage
            return "3lo" if signed_in else "2lo"
        return "3lo"
    return "none"


def make_provider(
    settings: Settings,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    store: TokenStore | None = None,
    clock: Clock = time.time,
) -> TokenProvider:
    """The provider for the configured mode; raises ConfigError when the mode lacks a setting."""
    # A stored sign-in needs the app's client id: without one the file store (its folder from platformdirs) is
    # not opened. The keyring store is, as it says at once when keyring is not installed.
    if store is None and (settings.client_id or settings.token_store == "keyring"):
        store = _open_store(settings)
    mode = choose_mode(settings, store)
    if mode == "passthrough":
        return RequestToken()
    if mode in ("token", "none"):
        return StaticToken(settings.access_token.get_secret_value() if settings.access_token else None)
    if not settings.client_id:
        raise ConfigError(f"APS_CLIENT_ID: sign-in mode {mode} needs the client id of your APS app")
    from .oauth import OAuthClient
    from .store import entry_key

    if mode == "3lo":
        oauth = OAuthClient(settings, transport=transport, clock=clock)
        entry = entry_key(settings.client_id, settings.base_url)
        return StoredLogin(store or _open_store(settings), entry, oauth, clock=clock)
    if not settings.client_secret:
        raise ConfigError(f"APS_CLIENT_SECRET: sign-in mode {mode} needs the app's client secret")
    oauth = OAuthClient(settings, transport=transport, mode=mode, clock=clock)
    if mode == "2lo":
        return AppToken(oauth.client_credentials, clock=clock)
    from .ssa import assertion, load_key

    key = load_key(settings)
    assertion(settings, key, oauth.token_endpoint)  # fail at start-up, not on the first call, if ids are missing

    async def obtain() -> TokenSet:
        return await oauth.jwt_bearer(assertion(settings, key, oauth.token_endpoint, now=clock()))

    return AppToken(obtain, clock=clock)


def _open_store(settings: Settings) -> TokenStore:
    """The token store the settings name (ACC_TOKEN_STORE, ACC_TOKEN_STORE_DIR)."""
    from .store import open_store

    return open_store(settings.token_store, settings.token_store_dir)


def status(settings: Settings, store: TokenStore, *, now: float | None = None) -> dict[str, Any]:
    """What `acc-mcp status` shows: mode, app, user, scopes, expiry, store location. Never a token."""
    from .store import StoreError, entry_key

    now = time.time() if now is None else now
    mode = choose_mode(settings, store)
    out: dict[str, Any] = {"mode": mode, "host": settings.base_url, "store": store.location}
    if settings.client_id:
        out["client_id"] = settings.client_id
    if mode == "3lo" and settings.client_id:
        try:
            stored = store.load(entry_key(settings.client_id, settings.base_url))
        except StoreError as exc:
            out["problem"] = str(exc)
            return out
        if stored is None:
            out["problem"] = "Not signed in. Run `acc-mcp login`."
            return out
        out.update(
            user=stored.user,
            scopes=stored.scope,
            expires_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stored.expires_at)),
            expires_in=int(stored.expires_at - now),
            refreshable=bool(stored.refresh_token),
        )
    elif mode == "ssa":
        out.update(service_account=settings.ssa_id, key_id=settings.ssa_key_id, scopes=settings.scopes)
    elif mode == "2lo":
        out["scopes"] = settings.scopes
    elif mode == "none":
        out["problem"] = "No sign-in configured. Set APS_CLIENT_ID and run `acc-mcp login` (or see the README)."
    return out
