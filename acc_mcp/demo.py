"""The demo wiring: a server talking to an in-process sandbox, signed in with the sandbox's token."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx2
from starlette.applications import Starlette

from .config import Settings
from .sandbox import SANDBOX_TOKEN, World, build_app
from .sandbox.world import SANDBOX_TODAY
from .server import AccServer, build_server


def demo_server(
    overrides: dict[str, Any] | None = None,
    *,
    app: Starlette | None = None,
    large: bool = False,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> AccServer:
    """A server on a fresh sandbox (or on `app`, so a test can steer and inspect the sandbox).

    The sandbox's dataset is dated around a fixed day, so "overdue" is judged against that day.
    `transport` replaces the in-process one (a test's fault-injecting wrapper around `app`).
    """
    app = app or build_app(World.build(large=large))
    world: World = app.state.world
    values = {
        "access_token": SANDBOX_TOKEN,
        "account_id": world.account_id,
        "demo": True,
        "auth_mode": "token",
        "auth_passthrough": False,
        **(overrides or {}),
    }
    # A real token or API host in the environment must never be sent to, or replaced by, the sandbox.
    env = {k: v for k, v in os.environ.items() if k not in ("APS_ACCESS_TOKEN", "ACC_BASE_URL", "ACC_ACCOUNT_ID")}
    settings = Settings.load(env=env, **values)
    # One clock for the demo: the tools' "now" is the sandbox's (its Data Connector jobs run on it).
    family = app.state.families.get("data_connector")
    clock: Callable[[], datetime] = family.now if family is not None else lambda: SANDBOX_TODAY
    return build_server(
        settings,
        transport=transport or httpx2.ASGITransport(app=app),
        today=lambda: clock().date(),
        now=clock,
    )
