"""End to end over stdio: `python -m acc_mcp demo` as a subprocess, driven by the SDK's client."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[1]


def demo_params(**env: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "acc_mcp", "demo"], env={**os.environ, "ACC_TOOLSETS": "all", **env}
    )


async def test_demo_over_stdio_end_to_end() -> None:
    async with Client(demo_params()) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert {
            "search_rfis",
            "list_issues",
            "get_review_progress",
            "create_data_connector_request",
            "get_photo",
        } <= names

        issues = await client.call_tool("list_issues", {"project": "hospital", "limit": 5})
        assert not issues.is_error and "issues in all" in issues.content[0].text  # type: ignore[union-attr]

        rfis = await client.call_tool("search_rfis", {"project": "hospital", "limit": 3})
        assert not rfis.is_error, rfis.content[0].text  # type: ignore[union-attr]

        progress = await client.call_tool(
            "get_review_progress", {"project": "hospital", "review": "Level 3 Structural"}
        )
        assert not progress.is_error and "Steps:" in progress.content[0].text  # type: ignore[union-attr]

        photos = await client.call_tool("search_photos", {"project": "hospital", "limit": 1})
        prefix = photos.content[0].text.splitlines()[1].split()[0]  # type: ignore[union-attr]
        photo = await client.call_tool("get_photo", {"project": "hospital", "photo": prefix})
        image = next(b for b in photo.content if b.type == "image")
        assert base64.b64decode(image.data)[:2] == b"\xff\xd8"

        created = await client.call_tool(
            "create_data_connector_request", {"description": "stdio test extract", "service_groups": ["admin"]}
        )
        assert not created.is_error, created.content[0].text  # type: ignore[union-attr]
        listed = await client.call_tool("list_data_connector_requests", {})
        assert "stdio test extract" in listed.content[0].text  # type: ignore[union-attr]

        bad = await client.call_tool("list_issues", {"project": "hospital", "created": "yesterday.."})
        assert bad.is_error
        still = await client.call_tool("list_projects", {})
        assert not still.is_error


def test_bad_config_fails_fast_with_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "acc_mcp", "demo"],
        env={**os.environ, "ACC_TOOLSETS": "nonsense"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip().splitlines()[0]] and "ACC_TOOLSETS" in proc.stderr


def test_example_client_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo_client.py")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "tools:" in proc.stdout and "St. Mary's Hospital Expansion" in proc.stdout and "Steps:" in proc.stdout


def test_a_client_that_goes_away_leaves_no_traceback() -> None:
    """The reader of stdout closes first (a client that died): the server exits without a traceback."""
    initialize = (
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
        '"capabilities":{},"clientInfo":{"name":"t","version":"0"}}}\n'
    )
    call = '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_projects","arguments":{}}}\n'
    proc = subprocess.Popen(
        [sys.executable, "-m", "acc_mcp", "demo"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(initialize.encode())
    proc.stdin.flush()
    assert proc.stdout.readline().startswith(b'{"jsonrpc"')
    proc.stdout.close()  # the client is gone
    proc.stdin.write(('{"jsonrpc":"2.0","method":"notifications/initialized"}\n' + call).encode())
    proc.stdin.flush()
    proc.stdin.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=30) == 0, err
    assert "Traceback" not in err, err
