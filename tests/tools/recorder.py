"""A demo server whose upstream requests are recorded: what a tool really sends to ACC."""

from __future__ import annotations

from typing import Any

import httpx2
from starlette.applications import Starlette

from acc_mcp.config import Settings
from acc_mcp.sandbox import SANDBOX_TOKEN
from acc_mcp.sandbox.world import SANDBOX_TODAY
from acc_mcp.server import AccServer, build_server


class Recorder(httpx2.ASGITransport):
    """An ASGI transport onto the sandbox that keeps every request it carries."""

    def __init__(self, app: Starlette) -> None:
        super().__init__(app=app)
        self.log: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        self.log.append(request)
        return await super().handle_async_request(request)


def recording_server(app: Starlette, **overrides: Any) -> tuple[AccServer, list[httpx2.Request]]:
    """What `acc_mcp.demo.demo_server` builds on `app`, with its upstream requests recorded in the list returned."""
    values = {
        "access_token": SANDBOX_TOKEN,
        "account_id": app.state.world.account_id,
        "demo": True,
        "auth_mode": "token",
        "auth_passthrough": False,
        **overrides,
    }
    transport = Recorder(app)
    server = build_server(Settings.load(env={}, **values), transport=transport, today=lambda: SANDBOX_TODAY.date())
    return server, transport.log
