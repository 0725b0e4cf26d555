"""The command line: tools, call, and the two network modes (sandbox on loopback, MCP over HTTP)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
import pytest
from mcp import Client

from acc_mcp.cli import main
from acc_mcp.sandbox import SANDBOX_TOKEN, World


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(args: list[str], ready_url: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "acc_mcp", *args],
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx2.get(ready_url, timeout=1)
                break
            except httpx2.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "did not start") from None
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_tools_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "--json", "--toolsets", "all"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_name = {r["name"]: r for r in rows}
    assert by_name["create_data_connector_request"]["kind"] == "write"
    assert by_name["list_issues"]["endpoints"][0].startswith("GET /construction/issues/v1/")
    assert all(r["tokens"] > 0 for r in rows)


def test_call_prints_what_the_model_sees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "list_reviews", "project=hospital", "status=OPEN", "limit=3", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "reviews in all" in out and "cursor=" in out
    assert main(["call", "list_reviews", "project=nowhere", "--demo"]) == 1
    assert main(["call", "list_reviews", "oops", "--demo"]) == 2


def test_sandbox_on_loopback_served_over_http() -> None:
    """`acc-mcp sandbox` on one port, `acc-mcp --transport http` on another, pointed at it."""
    sandbox_port, mcp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{sandbox_port}"
    account = World.build().account_id
    with running(["sandbox", "--port", str(sandbox_port)], f"{base}/_sandbox/stats"):
        env = {"ACC_BASE_URL": base, "APS_ACCESS_TOKEN": SANDBOX_TOKEN, "ACC_ACCOUNT_ID": account}
        url = f"http://127.0.0.1:{mcp_port}/mcp"
        with running(["--transport", "http", "--port", str(mcp_port)], f"http://127.0.0.1:{mcp_port}/", env):

            async def session() -> str:
                async with Client(url) as client:
                    result = await client.call_tool("list_projects", {})
                    return "\n".join(b.text for b in result.content if b.type == "text")

            import anyio

            assert "St. Mary's Hospital Expansion" in anyio.run(session)
        stats = httpx2.get(f"{base}/_sandbox/stats").json()
        assert stats["requests"] >= 1
