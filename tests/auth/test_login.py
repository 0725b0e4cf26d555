"""Sign-in end to end against the sandbox: PKCE login driven over HTTP, tools on the stored token, refresh
exactly once under load, revocation, logout, 2-legged and SSA, and no token in any log or message."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.auth import FileStore, entry_key, make_provider, status
from acc_mcp.auth.login import login, logout
from acc_mcp.config import Settings
from acc_mcp.errors import AuthError
from acc_mcp.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_PUBLIC_CLIENT_ID, World, build_app
from acc_mcp.server import build_server

from ..procs import free_port
from .browser import browser

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(world: World) -> Starlette:
    return build_app(world)


@pytest.fixture
def transport(app: Starlette) -> httpx2.ASGITransport:
    return httpx2.ASGITransport(app=app)


def make_settings(world: World, tmp_path: Path, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "client_id": SANDBOX_PUBLIC_CLIENT_ID,
        "callback_url": f"http://127.0.0.1:{free_port()}/callback",
        "token_store_dir": str(tmp_path),
        "account_id": world.account_id,
        **kw,
    }
    return Settings.load(env={}, **values)


def text(result: Any) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


def auth_stats(app: Starlette) -> dict[str, Any]:
    stats: dict[str, Any] = app.state.families["auth"].stats()
    return stats


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_pkce_login_then_tools_use_the_stored_token(
    app: Starlette, transport: httpx2.ASGITransport, world: World, tmp_path: Path
) -> None:
    settings = make_settings(world, tmp_path)
    store = FileStore(tmp_path)
    seen: list[str] = []
    tokens = await login(settings, store, open_url=browser(transport, seen=seen), transport=transport, timeout=30)
    assert "code_challenge_method=S256" in seen[0] and "code_challenge=" in seen[0] and "state=" in seen[0]
    assert tokens.refresh_token and tokens.user and "@" in tokens.user
    assert store.load(entry_key(SANDBOX_PUBLIC_CLIENT_ID, settings.base_url)) == tokens

    async with Client(build_server(settings, transport=transport)) as client:
        result = await client.call_tool("list_projects", {})
    assert not result.is_error and "St. Mary's Hospital Expansion" in text(result)
    assert auth_stats(app)["grants"]["authorization_code"] == 1
    info = status(settings, store)
    assert info["mode"] == "3lo" and info["user"] == tokens.user and info["refreshable"] is True


async def test_confidential_app_signs_in_with_its_secret(
    transport: httpx2.ASGITransport, world: World, tmp_path: Path
) -> None:
    settings = make_settings(world, tmp_path, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET)
    tokens = await login(settings, FileStore(tmp_path), open_url=browser(transport), transport=transport, timeout=30)
    assert tokens.refresh_token


async def test_login_that_does_not_complete_stores_nothing(
    transport: httpx2.ASGITransport, world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path)
    settings = make_settings(world, tmp_path)
    with pytest.raises(AuthError, match="access_denied"):
        await login(settings, store, open_url=browser(transport, decision="deny"), transport=transport, timeout=30)

    async def forged(url: str) -> None:  # a redirect that is not the answer to our request
        async with httpx2.AsyncClient() as web:
            await web.get(f"{settings.callback_url}?code=stolen&state=not-ours")

    with pytest.raises(AuthError, match="wrong `state`"):
        await login(settings, store, open_url=forged, transport=transport, timeout=30)

    with pytest.raises(AuthError, match="within 0 s"):
        await login(settings, store, open_url=lambda url: None, transport=transport, timeout=0.2)

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = make_settings(world, tmp_path, callback_url=f"http://127.0.0.1:{busy.getsockname()[1]}/callback")
        with pytest.raises(AuthError, match="APS_CALLBACK_URL"):
            await login(taken, store, open_url=browser(transport), transport=transport, timeout=30)
    assert not (tmp_path / "tokens.json").exists()


async def test_hundred_calls_at_expiry_refresh_once(
    app: Starlette, transport: httpx2.ASGITransport, world: World, tmp_path: Path
) -> None:
    settings = make_settings(world, tmp_path)
    store = FileStore(tmp_path)
    await login(settings, store, open_url=browser(transport), transport=transport, timeout=30)
    clock = Clock()
    provider = make_provider(settings, transport=transport, store=store, clock=clock)
    project = next(p["id"] for p in world.projects if "Hospital" in p["name"])
    async with Client(build_server(settings, tokens=provider, transport=transport)) as client:
        assert not (await client.call_tool("list_issues", {"project": project, "limit": 1})).is_error
        clock.now += 3600
        app.state.controls.advance_clock(3600)  # expired on both sides
        results: list[Any] = []

        async def call() -> None:
            results.append(await client.call_tool("list_issues", {"project": project, "limit": 1}))

        async with anyio.create_task_group() as tg:
            for _ in range(100):
                tg.start_soon(call)
    assert len(results) == 100 and not [text(r) for r in results if r.is_error]
    assert auth_stats(app)["requests"]["refresh_token"] == 1


async def test_revoked_sign_in_tells_the_model_to_log_in(
    transport: httpx2.ASGITransport, world: World, tmp_path: Path
) -> None:
    settings = make_settings(world, tmp_path)
    store = FileStore(tmp_path)
    tokens = await login(settings, store, open_url=browser(transport), transport=transport, timeout=30)
    async with httpx2.AsyncClient(transport=transport) as web:  # revoked elsewhere (another device, an admin)
        await web.post(
            f"{settings.base_url}/authentication/v2/revoke",
            data={"token": tokens.refresh_token, "token_type_hint": "refresh_token", "client_id": settings.client_id},
        )
    async with Client(build_server(settings, transport=transport)) as client:
        result = await client.call_tool("list_projects", {})
    assert result.is_error and "acc-mcp login" in text(result)
    assert store.load(entry_key(SANDBOX_PUBLIC_CLIENT_ID, settings.base_url)) is None


async def test_logout_revokes_at_aps_and_forgets(transport: httpx2.ASGITransport, world: World, tmp_path: Path) -> None:
    settings = make_settings(world, tmp_path)
    store = FileStore(tmp_path)
    tokens = await login(settings, store, open_url=browser(transport), transport=transport, timeout=30)
    message = await logout(settings, store, transport=transport)
    assert message.startswith("Signed out") and "revoked" in message
    assert store.load(entry_key(SANDBOX_PUBLIC_CLIENT_ID, settings.base_url)) is None
    async with httpx2.AsyncClient(transport=transport) as web:
        gone = await web.get(
            f"{settings.base_url}/userinfo", headers={"Authorization": f"Bearer {tokens.access_token}"}
        )
    assert gone.status_code == 401
    assert (await logout(settings, store, transport=transport)).startswith("Not signed in")


async def test_two_legged(transport: httpx2.ASGITransport, world: World, tmp_path: Path) -> None:
    settings = make_settings(world, tmp_path, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET)
    assert status(settings, FileStore(tmp_path))["mode"] == "2lo"
    async with Client(build_server(settings, transport=transport)) as client:
        result = await client.call_tool("list_projects", {})
    assert not result.is_error, text(result)


def rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


async def test_secure_service_account(
    app: Starlette, transport: httpx2.ASGITransport, world: World, tmp_path: Path
) -> None:
    private, public = rsa_pem()
    account = "SVCROBOT123"
    async with httpx2.AsyncClient(transport=transport) as web:
        key = {"serviceAccountId": account, "clientId": SANDBOX_CLIENT_ID, "kid": "key-1", "publicKeyPem": public}
        assert (await web.post("http://sandbox/_sandbox/configure", json={"serviceAccountKeys": [key]})).is_success
    ssa = {
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
        "ssa_id": account,
        "ssa_key_id": "key-1",
    }
    good = make_settings(world, tmp_path, **ssa, ssa_private_key=private)
    assert status(good, FileStore(tmp_path))["mode"] == "ssa"
    async with Client(build_server(good, transport=transport)) as client:
        result = await client.call_tool("list_projects", {})
    assert not result.is_error, text(result)

    wrong = make_settings(world, tmp_path, **ssa, ssa_private_key=rsa_pem()[0])
    async with Client(build_server(wrong, transport=transport)) as client:
        result = await client.call_tool("list_projects", {})
    assert result.is_error and "invalid_grant" in text(result) and "signature" in text(result).lower()

    stale = make_provider(good, transport=transport, clock=lambda: time.time() - 600)
    async with Client(build_server(good, tokens=stale, transport=transport)) as client:
        result = await client.call_tool("list_projects", {})
    assert result.is_error and "invalid_grant" in text(result) and "expired" in text(result).lower()


async def test_no_token_in_logs_errors_or_status(
    app: Starlette,
    transport: httpx2.ASGITransport,
    world: World,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(world, tmp_path)
    store = FileStore(tmp_path)
    await login(settings, store, open_url=browser(transport), transport=transport, timeout=30)
    clock = Clock()
    provider = make_provider(settings, transport=transport, store=store, clock=clock)
    shown: list[str] = []
    async with Client(build_server(settings, tokens=provider, transport=transport)) as client:
        shown.append(text(await client.call_tool("list_projects", {})))
        clock.now += 3600
        app.state.controls.advance_clock(3600)
        shown.append(text(await client.call_tool("list_issues", {"project": "hospital", "limit": 2})))
        shown.append(text(await client.call_tool("list_issues", {"project": "nowhere"})))
    shown.append(str(status(settings, store)))
    shown.append(await logout(settings, store, transport=transport))
    issued = set(app.state.controls.issued)
    refresh_tokens = set(app.state.families["auth"].refresh_tokens)
    assert len(issued) >= 2 and refresh_tokens
    everything = caplog.text + "\n".join(shown)
    assert not [t for t in issued | refresh_tokens if t in everything]
