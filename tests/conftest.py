"""Shared fixtures: a fresh sandbox per test, and an HTTP client bound to it in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from tests.recording import Harness, recorded_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def world() -> World:
    return World.build()


@pytest.fixture
def sandbox_app(world: World) -> Starlette:
    return build_app(world)


@pytest.fixture
async def sandbox_http(sandbox_app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    """A raw HTTP client on the sandbox, signed in with the demo token."""
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sandbox_app),
        base_url="https://developer.api.autodesk.com",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    ) as client:
        yield client


@pytest.fixture
async def recorded(sandbox_app: Starlette) -> AsyncIterator[Harness]:
    """An in-memory MCP client on the demo server (all toolsets, today 2026-11-02) whose upstream requests are
    recorded: `recorded.call(tool, args)`, then `recorded.log` / `recorded.transport.to(template)`."""
    async with recorded_server(sandbox_app) as harness:
        yield harness


@pytest.fixture(autouse=True)
def _downloads_in_a_temp_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A server built from the environment saves downloads under a temp folder, never the user's cache."""
    monkeypatch.setenv("ACC_DOWNLOAD_DIR", str(tmp_path_factory.mktemp("downloads")))
