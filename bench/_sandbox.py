"""Sandbox helpers for the benchmarks: an in-process server wired to a recording transport, and a
sandbox served on loopback by uvicorn in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

from acc_mcp.config import Settings
from acc_mcp.sandbox import SANDBOX_TOKEN
from acc_mcp.sandbox.world import SANDBOX_TODAY
from acc_mcp.server import AccServer, build_server

BENCH = Path(__file__).resolve().parent


class RecordingTransport(httpx2.ASGITransport):
    """An ASGITransport that remembers every upstream request the server made, with the response body."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.log: list[tuple[httpx2.Request, bytes]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await super().handle_async_request(request)
        body = await response.aread()
        self.log.append((request, body))
        return httpx2.Response(response.status_code, headers=response.headers, content=body)


def server_on(app: Any, transport: httpx2.AsyncBaseTransport, **overrides: Any) -> AccServer:
    """What `acc_mcp.demo.demo_server` builds, but over the given transport."""
    world = app.state.world
    values = {"access_token": SANDBOX_TOKEN, "account_id": world.account_id, "demo": True, **overrides}
    settings = Settings.load(env={}, **values)
    return build_server(settings, transport=transport, today=lambda: SANDBOX_TODAY.date())


class LoopbackSandbox:
    """`build_app(World.build(large=...))` served by uvicorn in a child process on 127.0.0.1:port."""

    def __init__(self, port: int, *, large: bool = False) -> None:
        self.port = port
        self.large = large
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.account_id = ""

    def __enter__(self) -> LoopbackSandbox:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "_serve_sandbox.py"), str(self.port), "1" if self.large else "0"],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        self.account_id = json.loads(line)["account"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx2.get(self.url + "/_sandbox/stats", timeout=1)
                return self
            except httpx2.TransportError:
                time.sleep(0.05)
        raise RuntimeError("sandbox did not start")

    def configure(self, **body: Any) -> dict[str, Any]:
        return dict(httpx2.post(self.url + "/_sandbox/configure", json=body, timeout=10).json())

    def stats(self) -> dict[str, Any]:
        return dict(httpx2.get(self.url + "/_sandbox/stats", timeout=10).json())

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
