"""Token providers against a fake APS token endpoint (MockTransport): refresh exactly once, rotation,
invalid_grant, app tokens, per-request tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import httpx2
import pytest

from acc_mcp.auth import FileStore, TokenSet, choose_mode, entry_key, make_provider, principal, request_token, status
from acc_mcp.auth.oauth import OAuthClient
from acc_mcp.auth.providers import AppToken, RequestToken, StoredLogin
from acc_mcp.config import Settings
from acc_mcp.errors import AuthError, ConfigError

pytestmark = pytest.mark.anyio
BASE = "https://developer.api.autodesk.com"


@dataclass
class FakeAps:
    """A token endpoint with single-use refresh tokens: reuse is refused, like APS."""

    valid_refresh: set[str] = field(default_factory=lambda: {"refresh-0"})
    grants: list[str] = field(default_factory=list)
    n: int = 0
    latency: float = 0.0

    async def handler(self, request: httpx2.Request) -> httpx2.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.grants.append(form["grant_type"])
        if self.latency:
            await anyio.sleep(self.latency)
        if form["grant_type"] == "refresh_token":
            if form.get("refresh_token") not in self.valid_refresh:
                return httpx2.Response(400, json={"error": "invalid_grant", "error_description": "token was used"})
            self.valid_refresh.discard(form["refresh_token"])
        self.n += 1
        body: dict[str, Any] = {"access_token": f"access-{self.n}", "token_type": "Bearer", "expires_in": 3600}
        if form["grant_type"] == "refresh_token":
            body["refresh_token"] = f"refresh-{self.n}"
            self.valid_refresh.add(body["refresh_token"])
        return httpx2.Response(200, json=body)

    @property
    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handler)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def settings(**kw: object) -> Settings:
    return Settings.load(env={}, client_id="app", **kw)


def stored_login(tmp_path: Path, aps: FakeAps, clock: Clock) -> tuple[StoredLogin, FileStore]:
    store = FileStore(tmp_path)
    key = entry_key("app", BASE)
    if store.load(key) is None:
        store.save(key, TokenSet("access-0", clock.now + 3600, "refresh-0", user="Wei Chen <wei@example.com>"))
    oauth = OAuthClient(settings(), transport=aps.transport, clock=clock)
    return StoredLogin(store, key, oauth, clock=clock), store


async def test_fresh_token_is_used_without_asking_aps(tmp_path: Path) -> None:
    aps, clock = FakeAps(), Clock()
    provider, _ = stored_login(tmp_path, aps, clock)
    assert await provider.token() == "access-0"
    assert aps.grants == []


async def test_hundred_calls_at_expiry_refresh_once(tmp_path: Path) -> None:
    aps, clock = FakeAps(latency=0.05), Clock()
    provider, store = stored_login(tmp_path, aps, clock)
    assert await provider.token() == "access-0"
    clock.now += 3600  # the moment it expires
    got: list[str] = []

    async def call() -> None:
        got.append(await provider.token())

    async with anyio.create_task_group() as tg:
        for _ in range(100):
            tg.start_soon(call)
    assert aps.grants == ["refresh_token"]
    assert set(got) == {"access-1"}
    saved = store.load(entry_key("app", BASE))
    assert saved is not None and saved.refresh_token == "refresh-1" and saved.user == "Wei Chen <wei@example.com>"


async def test_two_providers_on_one_store_refresh_once(tmp_path: Path) -> None:
    """Two processes in miniature: separate providers (own memory, own locks) sharing the store."""
    aps, clock = FakeAps(latency=0.05), Clock()
    one, _ = stored_login(tmp_path, aps, clock)
    two, _ = stored_login(tmp_path, aps, clock)
    clock.now += 4000
    results: list[str] = []

    async def call(p: StoredLogin) -> None:
        results.append(await p.token())

    async with anyio.create_task_group() as tg:
        for i in range(40):
            tg.start_soon(call, one if i % 2 else two)
    assert aps.grants == ["refresh_token"]
    assert set(results) == {"access-1"}


async def test_a_401_takes_newer_tokens_or_refreshes(tmp_path: Path) -> None:
    aps, clock = FakeAps(), Clock()
    provider, _ = stored_login(tmp_path, aps, clock)
    token = await provider.token()
    assert await provider.rejected(token) is True  # revoked early: refresh though not expired
    assert await provider.token() == "access-1"
    assert aps.grants == ["refresh_token"]


async def test_invalid_grant_clears_the_store_and_says_login(tmp_path: Path) -> None:
    aps, clock = FakeAps(valid_refresh=set()), Clock()
    provider, store = stored_login(tmp_path, aps, clock)
    clock.now += 4000
    with pytest.raises(AuthError, match="acc-mcp login") as info:
        await provider.token()
    assert "refresh-0" not in str(info.value) and "access-0" not in str(info.value)
    assert store.load(entry_key("app", BASE)) is None
    with pytest.raises(AuthError, match="Not signed in"):
        await provider.token()
    assert aps.grants == ["refresh_token"]  # nothing retried the dead refresh token


async def test_not_signed_in(tmp_path: Path) -> None:
    provider = StoredLogin(FileStore(tmp_path), "app@x", OAuthClient(settings(), transport=FakeAps().transport))
    with pytest.raises(AuthError, match="acc-mcp login"):
        await provider.token()


async def test_app_token_is_fetched_once_and_again_near_expiry() -> None:
    aps, clock = FakeAps(latency=0.02), Clock()
    oauth = OAuthClient(settings(client_secret="s"), transport=aps.transport, mode="2lo", clock=clock)
    provider = AppToken(oauth.client_credentials, clock=clock)
    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(provider.token)
    assert aps.grants == ["client_credentials"]
    clock.now += 3590
    assert await provider.token() == "access-2"
    assert await provider.rejected("access-2") is True
    assert aps.grants == ["client_credentials"] * 3


async def test_request_tokens_never_cross_between_concurrent_calls() -> None:
    provider = RequestToken()
    seen: dict[str, tuple[str, str]] = {}

    async def call(user: str) -> None:
        with request_token(f"Bearer token-{user}"):
            await anyio.sleep(0.01)
            seen[user] = (await provider.token(), principal())

    async with anyio.create_task_group() as tg:
        for user in ("a", "b", "c"):
            tg.start_soon(call, user)
    assert {u: t for u, (t, _) in seen.items()} == {"a": "token-a", "b": "token-b", "c": "token-c"}
    assert len({p for _, p in seen.values()}) == 3
    with pytest.raises(AuthError, match="Authorization: Bearer"), request_token(None):
        await provider.token()
    assert principal() == ""


def test_mode_is_chosen_from_configuration(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    assert choose_mode(Settings.load(env={}), store) == "none"
    assert choose_mode(Settings.load(env={}, access_token="t", client_id="app"), store) == "token"
    assert choose_mode(settings(), store) == "3lo"
    assert choose_mode(settings(client_secret="s"), store) == "2lo"  # a confidential app not signed in
    store.save(entry_key("app", BASE), TokenSet("a", 1e10, "r"))
    assert choose_mode(settings(client_secret="s"), store) == "3lo"
    assert choose_mode(settings(ssa_id="SVC"), store) == "ssa"
    assert choose_mode(settings(auth_mode="2LO", client_secret="s"), store) == "2lo"
    assert choose_mode(settings(auth_passthrough="true"), store) == "passthrough"


def test_provider_needs_what_its_mode_needs(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    with pytest.raises(ConfigError, match="APS_CLIENT_SECRET"):
        make_provider(settings(auth_mode="2lo"), store=store)
    with pytest.raises(ConfigError, match="APS_SSA_PRIVATE_KEY"):
        make_provider(settings(ssa_id="SVC", client_secret="s"), store=store)
    with pytest.raises(ConfigError, match="not an RSA private key"):
        make_provider(settings(ssa_id="SVC", ssa_key_id="k", ssa_private_key="nope", client_secret="s"), store=store)
    with pytest.raises(ConfigError, match="APS_AUTH_MODE"):
        Settings.load(env={"APS_AUTH_MODE": "magic"})


def test_status_shows_everything_but_tokens(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    assert "Not signed in" in status(settings(), store)["problem"]
    store.save(entry_key("app", BASE), TokenSet("secret-access", 1_000_600.0, "secret-refresh", "data:read", user="W"))
    info = status(settings(), store, now=1_000_000.0)
    assert info["mode"] == "3lo" and info["user"] == "W" and info["expires_in"] == 600
    assert info["store"] == str(tmp_path / "tokens.json") and info["scopes"] == "data:read"
    assert "secret" not in json.dumps(info)
    store.path.write_text("{")
    assert "damaged" in status(settings(), store)["problem"]
