"""Sign-in across processes: two stdio servers sharing one store refresh once; one HTTP server serving
several users with their own tokens (passthrough). The sandbox runs on loopback in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from acc_mcp.auth import FileStore, entry_key
from acc_mcp.auth.login import login
from acc_mcp.config import Settings
from acc_mcp.sandbox import SANDBOX_PUBLIC_CLIENT_ID, SANDBOX_TOKEN, World

from ..procs import free_port, running
from .browser import browser


def clean_env(**extra: str) -> dict[str, str]:
    """This machine's environment without any real APS or ACC settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APS_", "ACC_"))}
    return {**env, **extra}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(["sandbox", "--port", str(port)], f"{base}/_sandbox/stats"):
        yield base


@pytest.fixture(scope="module")
def world() -> World:
    return World.build()


def text(result: Any) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


def test_two_server_processes_sharing_a_store_refresh_once(sandbox: str, world: World, tmp_path: Path) -> None:
    settings = Settings.load(
        env={},
        base_url=sandbox,
        client_id=SANDBOX_PUBLIC_CLIENT_ID,
        callback_url=f"http://127.0.0.1:{free_port()}/callback",
    )
    store = FileStore(tmp_path)
    anyio.run(lambda: login(settings, store, open_url=browser(), timeout=30))
    # An hour passes: the access token has expired for the servers and for the sandbox.
    key = entry_key(SANDBOX_PUBLIC_CLIENT_ID, sandbox)
    stored = store.load(key)
    assert stored is not None
    store.save(key, replace(stored, expires_at=time.time() - 10))
    httpx2.post(f"{sandbox}/_sandbox/configure", json={"advanceClock": 3600})
    before = httpx2.get(f"{sandbox}/_sandbox/stats").json()["auth"]["requests"].get("refresh_token", 0)

    env = clean_env(
        ACC_BASE_URL=sandbox,
        APS_CLIENT_ID=SANDBOX_PUBLIC_CLIENT_ID,
        ACC_TOKEN_STORE_DIR=str(tmp_path),
        ACC_ACCOUNT_ID=world.account_id,
    )
    params = StdioServerParameters(command=sys.executable, args=["-m", "acc_mcp", "serve"], env=env)
    failures: list[str] = []
    done: list[int] = []
    ready: list[int] = []
    go = anyio.Event()

    async def server_process() -> None:
        async with Client(params) as client:
            # Both processes are up before either calls, so their refreshes race for real.
            await client.list_tools()
            ready.append(1)
            if len(ready) == 2:
                go.set()
            await go.wait()

            async def call() -> None:
                result = await client.call_tool("list_projects", {"limit": 1})
                done.append(1)
                if result.is_error:
                    failures.append(text(result))

            async with anyio.create_task_group() as tg:
                for _ in range(50):
                    tg.start_soon(call)

    async def both() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(server_process)
            tg.start_soon(server_process)

    anyio.run(both)
    assert len(done) == 100 and failures == []
    after = httpx2.get(f"{sandbox}/_sandbox/stats").json()["auth"]["requests"]["refresh_token"]
    assert after - before == 1
    saved = store.load(key)
    assert (
        saved is not None and saved.refresh_token != stored.refresh_token and saved.access_token != stored.access_token
    )


def test_http_passthrough_keeps_each_users_token(sandbox: str, world: World) -> None:
    port = free_port()
    env = clean_env(ACC_BASE_URL=sandbox, ACC_ACCOUNT_ID=world.account_id, ACC_AUTH_PASSTHROUGH="true")
    url = f"http://127.0.0.1:{port}/mcp"
    with running(["serve", "--transport", "http", "--port", str(port)], f"http://127.0.0.1:{port}/", env):

        async def as_user(token: str | None, n: int) -> list[tuple[bool, str]]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with (
                httpx2.AsyncClient(headers=headers, timeout=30) as http,
                Client(streamable_http_client(url, http_client=http)) as client,
            ):
                out: list[tuple[bool, str]] = []

                async def call() -> None:
                    result = await client.call_tool("list_projects", {})
                    out.append((result.is_error, text(result)))

                async with anyio.create_task_group() as tg:
                    for _ in range(n):
                        tg.start_soon(call)
                return out

        async def scenario() -> dict[str, list[tuple[bool, str]]]:
            results: dict[str, list[tuple[bool, str]]] = {}
            results["warm"] = await as_user(SANDBOX_TOKEN, 1)  # fills the project cache for the good user

            async def run(name: str, token: str | None) -> None:
                results[name] = await as_user(token, 10)

            async def unauthenticated() -> None:
                # No token at all: HTTP 401 with the RFC 9728 challenge, before any tool runs (http_app.py).
                body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
                accept = {"Accept": "application/json, text/event-stream"}
                async with httpx2.AsyncClient(timeout=30) as http:
                    response = await http.post(url, json=body, headers=accept)
                results["none"] = [(response.status_code == 401, response.headers.get("WWW-Authenticate", ""))]

            async with anyio.create_task_group() as tg:
                tg.start_soon(run, "good", SANDBOX_TOKEN)
                tg.start_soon(run, "revoked", "a-token-the-sandbox-never-issued")
                tg.start_soon(unauthenticated)
            return results

        results = anyio.run(scenario)
    assert all(not err and "St. Mary's Hospital Expansion" in t for err, t in results["good"] + results["warm"])
    # Neither the other user's token nor the data cached for them is used.
    assert all(err and "401" in t for err, t in results["revoked"]), results["revoked"][0]
    assert all(err and "resource_metadata=" in t for err, t in results["none"]), results["none"][0]


def test_login_status_logout_commands(sandbox: str, tmp_path: Path) -> None:
    """The commands a person runs, as subprocesses: login prints the URL, waits, and stores the tokens."""
    env = clean_env(
        ACC_BASE_URL=sandbox,
        APS_CLIENT_ID=SANDBOX_PUBLIC_CLIENT_ID,
        ACC_TOKEN_STORE_DIR=str(tmp_path),
        APS_CALLBACK_URL=f"http://127.0.0.1:{free_port()}/callback",
    )
    cmd = [sys.executable, "-m", "acc_mcp"]
    proc = subprocess.Popen([*cmd, "login", "--no-browser"], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    url = ""
    while not url:
        line = proc.stderr.readline()
        assert line, "login exited before printing the URL"
        url = line.strip() if "/authentication/v2/authorize?" in line else ""
    anyio.run(browser(), url)
    rest = proc.stderr.read()
    assert proc.wait(30) == 0 and "Signed in as" in rest and str(tmp_path) in rest
    stored = FileStore(tmp_path).load(entry_key(SANDBOX_PUBLIC_CLIENT_ID, sandbox))
    assert stored is not None and stored.refresh_token

    shown = subprocess.run([*cmd, "status", "--json"], env=env, capture_output=True, text=True, check=True)
    info = json.loads(shown.stdout)
    assert info["mode"] == "3lo" and info["user"] == stored.user and info["expires_in"] > 3000
    out = subprocess.run([*cmd, "logout"], env=env, capture_output=True, text=True, check=True)
    assert "Signed out" in out.stderr
    everything = rest + shown.stdout + shown.stderr + out.stdout + out.stderr
    assert stored.access_token not in everything and stored.refresh_token not in everything
    assert FileStore(tmp_path).load(entry_key(SANDBOX_PUBLIC_CLIENT_ID, sandbox)) is None


def test_status_and_login_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acc_mcp.cli import main

    for var in [k for k in os.environ if k.startswith(("APS_", "ACC_"))]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("ACC_TOKEN_STORE_DIR", str(tmp_path))
    assert main(["login", "--no-browser"]) == 2
    assert "APS_CLIENT_ID" in capsys.readouterr().err
    assert main(["status", "--client-id", "my-app"]) == 1
    out = capsys.readouterr().out
    assert "3lo" in out and "Not signed in" in out and str(tmp_path) in out
    assert main(["status"]) == 1
    assert "No sign-in configured" in capsys.readouterr().out
    monkeypatch.setenv("ACC_AUTH_PASSTHROUGH", "true")
    assert main(["serve"]) == 2
    assert "--transport http" in capsys.readouterr().err
