"""Teams over HTTP: stateless workers behind a load balancer, /health, and the passthrough 401 handshake.

Two `acc-mcp --transport http` worker processes serve one sandbox on loopback; one MCP client's requests
go to them in turn (a round-robin transport plays the load balancer), a cursor from one worker is followed
on the other, and a request without a token gets RFC 9728's challenge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from acc_mcp.config import APS_HOST, Settings
from acc_mcp.demo import demo_server
from acc_mcp.http_app import build_http_app, protected_resource_metadata, public_url
from acc_mcp.sandbox import SANDBOX_TOKEN, World
from acc_mcp.server import build_server

from .procs import free_port, running

PUBLIC = "https://acc-mcp.example.test"


class RoundRobin(httpx2.AsyncBaseTransport):
    """A load balancer in miniature: each request goes to the next worker's port."""

    def __init__(self, ports: list[int]) -> None:
        self.inner = httpx2.AsyncHTTPTransport()
        self.ports = ports
        self.sent: list[tuple[int, str]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        port = self.ports[len(self.sent) % len(self.ports)]
        self.sent.append((port, request.method))
        request.url = request.url.copy_with(port=port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def workers() -> Iterator[tuple[str, list[int]]]:
    sandbox_port = free_port()
    base = f"http://127.0.0.1:{sandbox_port}"
    env = {
        "ACC_BASE_URL": base,
        "ACC_ACCOUNT_ID": World.build().account_id,
        "ACC_AUTH_PASSTHROUGH": "true",
        "ACC_PUBLIC_URL": PUBLIC,
        "APS_ACCESS_TOKEN": "",
    }
    ports = [free_port(), free_port()]
    with (
        running(["sandbox", "--port", str(sandbox_port)], f"{base}/_sandbox/stats"),
        running(["--transport", "http", "--port", str(ports[0])], f"http://127.0.0.1:{ports[0]}/health", env),
        running(["--transport", "http", "--port", str(ports[1])], f"http://127.0.0.1:{ports[1]}/health", env),
    ):
        yield base, ports


def test_two_workers_serve_one_client_alternately(workers: tuple[str, list[int]]) -> None:
    _, ports = workers
    pids = {httpx2.get(f"http://127.0.0.1:{p}/health").json()["pid"] for p in ports}
    assert len(pids) == 2
    balancer = RoundRobin(ports)

    async def session() -> list[str]:
        http = httpx2.AsyncClient(transport=balancer, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
        async with http, Client(streamable_http_client(f"http://127.0.0.1:{ports[0]}/mcp", http_client=http)) as c:
            texts = []
            for _ in range(2):
                result = await c.call_tool("list_projects", {})
                assert not result.is_error
                texts.append(result.content[0].text)  # type: ignore[union-attr]
            first = await c.call_tool("list_issues", {"project": "hospital", "limit": 5})
            text = first.content[0].text  # type: ignore[union-attr]
            cursor = re.search(r'cursor="([^"]+)"', text)
            assert cursor, text
            # The next page is served by the other worker: the cursor carries all the state.
            second = await c.call_tool("list_issues", {"project": "hospital", "limit": 5, "cursor": cursor[1]})
            assert not second.is_error and "Showing 6-10" in second.content[0].text  # type: ignore[union-attr]
            prompt = await c.get_prompt("weekly_status", {"project": "hospital"})
            assert prompt.messages
            return texts

    texts = anyio.run(session)
    assert all("St. Mary's Hospital Expansion" in t for t in texts)
    posts = [port for port, method in balancer.sent if method == "POST"]
    assert len(posts) >= 6 and all(posts.count(p) >= 3 for p in ports)


def test_unauthenticated_request_gets_the_protected_resource_challenge(workers: tuple[str, list[int]]) -> None:
    base, ports = workers
    url = f"http://127.0.0.1:{ports[1]}/mcp"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    accept = {"Accept": "application/json, text/event-stream"}
    response = httpx2.post(url, json=body, headers=accept)
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge == f'Bearer resource_metadata="{PUBLIC}/.well-known/oauth-protected-resource/mcp"'
    assert httpx2.post(url, json=body, headers={**accept, "Authorization": "Basic dXNlcjpwdw=="}).status_code == 401
    # The metadata is served by the worker itself (the public URL fronts it).
    metadata = httpx2.get(f"http://127.0.0.1:{ports[1]}/.well-known/oauth-protected-resource/mcp").json()
    assert metadata["resource"] == f"{PUBLIC}/mcp"
    assert metadata["authorization_servers"] == [base]
    assert "data:read" in metadata["scopes_supported"] and metadata["bearer_methods_supported"] == ["header"]
    # Health needs no token.
    assert httpx2.get(f"http://127.0.0.1:{ports[1]}/health").json()["status"] == "ok"


def test_metadata_names_autodesk_by_default() -> None:
    real = build_server(Settings.load(env={}, access_token="t", auth_mode="token"))
    metadata = protected_resource_metadata(real, "https://x.test/mcp")
    assert metadata["resource"] == "https://x.test/mcp"
    assert metadata["authorization_servers"] == [APS_HOST] == ["https://developer.api.autodesk.com"]


def test_without_passthrough_there_is_no_challenge() -> None:
    """A single-user HTTP server (its own sign-in) serves /mcp without a bearer token, and has /health."""
    from starlette.testclient import TestClient

    app = build_http_app(demo_server(), port=8000)
    with TestClient(app, base_url="http://127.0.0.1:8000") as http:
        assert http.get("/health").json()["stateless"] is True
        assert http.get("/.well-known/oauth-protected-resource/mcp").status_code == 404
        listed = http.post(
            "/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
            headers={"Accept": "application/json, text/event-stream"},
        )
        assert listed.status_code == 200 and "list_projects" in listed.text


def test_public_url() -> None:
    assert public_url("0.0.0.0", 8000, {}) == "http://127.0.0.1:8000"
    assert public_url("::1", 9000, {}) == "http://[::1]:9000"
    assert public_url("127.0.0.1", 8000, {"ACC_PUBLIC_URL": "https://acc.example.com/"}) == "https://acc.example.com"


def test_dockerfile_runs_the_http_server_with_a_health_check() -> None:
    """No container engine in CI: check the Dockerfile's command against the real parser and paths."""
    import json
    from pathlib import Path

    from acc_mcp.cli import _parser
    from acc_mcp.http_app import HEALTH_PATH

    text = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text()
    cmd = json.loads(next(line for line in text.splitlines() if line.startswith("CMD "))[4:])
    args = _parser().parse_args(cmd[1:])
    assert cmd[0] == "acc-mcp" and args.command == "serve" and args.transport == "http" and args.port == 8000
    assert f"http://127.0.0.1:{args.port}{HEALTH_PATH}" in text and "ACC_AUTH_PASSTHROUGH=true" in text
