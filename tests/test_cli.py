"""The command line: tools, call, and the two network modes (sandbox on loopback, MCP over HTTP)."""

from __future__ import annotations

import json

import httpx2
import pytest
from mcp import Client

from acc_mcp.cli import _parser, _serve_defaults, main
from acc_mcp.sandbox import SANDBOX_TOKEN, World

from .procs import free_port, running


def test_serve_alone_parses_as_the_full_parser_would() -> None:
    """`acc-mcp` (as MCP clients start it) skips building every command's parser: same arguments."""
    assert _serve_defaults() == _parser().parse_args(["serve"])


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
