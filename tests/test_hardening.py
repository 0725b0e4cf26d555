"""One test per defect of the hardening issue (#12): each fails without its fix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client

from acc_mcp import deadline, signals
from acc_mcp.client import AccClient, RetryPolicy, StaticToken, clean_id
from acc_mcp.config import Settings
from acc_mcp.errors import AmbiguousWrite, InvalidInput, RateLimited, UpstreamError
from acc_mcp.safety import clean_text, tool_error_text
from acc_mcp.sandbox import build_app

from .harness import FaultTransport, faulty_server, sample_values, texts

pytestmark = pytest.mark.anyio
HOST = "https://developer.api.autodesk.com"
TOKEN = "short-tok"


def make(handler: Callable[[httpx2.Request], httpx2.Response], **settings: Any) -> tuple[AccClient, list[float]]:
    """A client on a fake upstream (`handler`) whose sleeps are recorded, not slept."""
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    client = AccClient(Settings(**settings), StaticToken(TOKEN), transport=httpx2.MockTransport(handler), sleep=sleep)
    return client, slept


# --- writes and outcomes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        lambda r: httpx2.Response(500, json={"message": "boom"}),
        lambda r: httpx2.Response(201),
        lambda r: httpx2.Response(201, content=b"{oops"),
        lambda r: httpx2.Response(201, json={}),
        lambda r: (_ for _ in ()).throw(httpx2.ReadError("reset", request=r)),
    ],
    ids=["5xx", "empty", "malformed", "no-id", "reset-after-send"],
)
async def test_ambiguous_write_says_it_may_have_been_applied_and_is_sent_once(answer: Any) -> None:
    calls = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return answer(request)  # type: ignore[no-any-return]

    client, _ = make(handler)
    async with client:
        with pytest.raises(AmbiguousWrite, match="may have been applied"):
            await client.request("POST", f"{HOST}/data-connector/v1/accounts/a/requests", json={}, idempotent=False)
    assert calls == 1


async def test_ambiguous_create_arms_the_duplicate_guard_and_says_to_list_first() -> None:
    app = build_app()
    transport = FaultTransport(app)
    args = {"description": "nightly", "service_groups": ["issues"]}
    async with Client(faulty_server(app, transport)) as client:
        transport.inject("timeout-after", path="/requests", method="POST")
        first = await client.call_tool("create_data_connector_request", args)
        assert first.is_error and "may have been applied" in texts(first)
        assert "list_data_connector_requests" in texts(first)
        again = await client.call_tool("create_data_connector_request", args)
        assert again.is_error and "list_data_connector_requests" in texts(again)
        assert transport.writes_applied == 1  # the retry was refused, not sent
        forced = await client.call_tool("create_data_connector_request", {**args, "allow_duplicate": True})
        assert not forced.is_error and transport.writes_applied == 2


@pytest.mark.parametrize(
    ("path", "answer", "text"),
    [
        ("/construction/admin/v1/accounts/a/projects", httpx2.Response(302, headers={"Location": "/x"}), "redirect"),
        ("/construction/admin/v1/accounts/a/projects", httpx2.Response(200, json=[]), "empty array"),
        ("/construction/admin/v1/accounts/a/projects", httpx2.Response(200, content=b"null"), "null"),
        ("/construction/admin/v1/accounts/a/projects", httpx2.Response(200, json="ok"), "string"),
        ("/construction/admin/v1/accounts/a/projects", httpx2.Response(200), "empty body"),
        ("/hq/v1/accounts/a/projects/p/companies", httpx2.Response(200, json={"results": []}), "object"),
    ],
)
async def test_redirects_and_off_shape_bodies_are_upstream_errors(path: str, answer: Any, text: str) -> None:
    client, _ = make(lambda r: answer)
    async with client:
        with pytest.raises(UpstreamError, match=text):
            await client.get(HOST + path)


# --- time ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("after", ["inf", "1e308", "Infinity", "nan"])
async def test_retry_after_inf_or_huge_is_an_answer_not_a_crash(after: str) -> None:
    client, slept = make(lambda r: httpx2.Response(429, headers={"Retry-After": after}))
    async with client:
        with pytest.raises(RateLimited, match="try again in"):
            await client.get(f"{HOST}/x")
    assert all(s < 60 for s in slept)


async def test_waits_fit_in_the_call_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(deadline, "clock", lambda: now[0])

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr(deadline, "sleep", fake_sleep)
    client = AccClient(
        Settings(),
        StaticToken(TOKEN),
        transport=httpx2.MockTransport(lambda r: httpx2.Response(429, headers={"Retry-After": "29"})),
        retry=RetryPolicy(attempts=10),
    )
    async with client:
        with deadline.call_deadline(45), pytest.raises(RateLimited):
            await client.get(f"{HOST}/x")
    assert 29 <= now[0] <= 45


async def test_a_drip_fed_body_ends_at_the_deadline() -> None:
    class Drip(httpx2.AsyncByteStream):
        async def __aiter__(self) -> Any:
            while True:
                await anyio.sleep(0.05)
                yield b" "

    client, _ = make(lambda r: httpx2.Response(200, stream=Drip()))
    started = time.monotonic()
    async with client:
        with anyio.fail_after(5), deadline.call_deadline(0.5), pytest.raises(UpstreamError, match="time limit"):
            await client.get(f"{HOST}/x")
    assert time.monotonic() - started < 1.5


def test_call_timeout_default_is_under_a_clients_timeout() -> None:
    assert Settings().call_timeout < 60
    assert Settings.load(env={"ACC_CALL_TIMEOUT": "5"}).call_timeout == 5


def _stdio_child() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "acc_mcp", "demo"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write((json.dumps(hello) + "\n").encode())
    proc.stdin.flush()
    assert b'"result"' in proc.stdout.readline()  # serving, stdin still open (a terminal)
    return proc


def test_one_ctrl_c_stops_stdio_promptly() -> None:
    proc = _stdio_child()
    proc.send_signal(signal.SIGINT)
    try:
        assert proc.wait(timeout=5) == 130
    finally:
        proc.kill()


async def test_sigterm_lets_a_critical_section_finish(tmp_path: Path) -> None:
    written = tmp_path / "store"
    exits: list[tuple[int, bool]] = []

    async def serve() -> None:
        async def refresh() -> None:
            with anyio.CancelScope(shield=True), signals.critical():
                await anyio.sleep(0.3)  # APS answered; the store write is still to come
                written.write_text("fresh tokens")

        async with anyio.create_task_group() as tg:
            tg.start_soon(refresh)
            await anyio.sleep(0.05)
            os.kill(os.getpid(), signal.SIGTERM)
            await anyio.sleep(10)

    await signals.serve_until_signal(serve, exit=lambda code: exits.append((code, written.exists())))
    assert exits == [(128 + signal.SIGTERM, True)]


async def test_stored_login_refresh_is_critical(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from acc_mcp.auth.providers import StoredLogin
    from acc_mcp.auth.store import FileStore
    from acc_mcp.auth.tokens import TokenSet

    seen: list[int] = []

    class OAuth:
        async def refresh(self, token: str) -> TokenSet:
            seen.append(signals.busy())
            return TokenSet(access_token="new", refresh_token="r2", expires_at=time.time() + 3600)

    store = FileStore(tmp_path)
    store.save("k", TokenSet(access_token="old", refresh_token="r1", expires_at=0))
    login = StoredLogin(store, "k", OAuth())  # type: ignore[arg-type]
    assert await login.token() == "new"
    assert seen == [1] and signals.busy() == 0


# --- errors the model sees ------------------------------------------------------------------------------


def test_any_exception_becomes_a_sentence() -> None:
    for exc in (ValueError("invalid literal"), KeyError("x"), TimeoutError(), ExceptionGroup("g", [OSError()])):
        text = tool_error_text("list_issues", exc, call_timeout=45)
        assert text and text != "Error executing tool list_issues" and len(text) < 400


async def test_errors_are_sentences_bounded_and_escaped() -> None:
    app = build_app()
    async with Client(faulty_server(app, FaultTransport(app))) as client:
        project = sample_values(app)["project"]
        cases: list[tuple[str, dict[str, Any], str]] = [
            ("list_issues", {"project": project, "limit": "ten"}, "limit must be a whole number"),
            ("list_issues", {"project": project, "limit": 0}, "limit"),
            ("list_issues", {"project": project, "colour": "red"}, "no parameter 'colour'"),
            ("list_issues", {"project": project, "search": "x" * 65536}, "too long"),
            ("get_photo", {"project": project, "photo": "abcd", "size": "huge"}, "one of thumbnail, full, none"),
            ("get_photo", {"project": project}, "photo is required"),
            ("get_issue", {"project": project, "issue": "."}, "is not a number"),
            ("get_issue", {"project": project, "issue": ".."}, "is not a number"),
            ("list_issues", {"project": "\x1b[2J\u202eevil\x00" + "y" * 1_000_000}, "too long"),
            ("list_issues", {"project": "\x1b[2J\u202eevil\x00"}, "\\x1b[2J\\u202eevil\\x00"),
        ]
        for tool, args, expected in cases:
            result = await client.call_tool(tool, args)
            body = texts(result)
            assert result.is_error and expected in body, (tool, body[:300])
            assert "pydantic" not in body and "http" not in body and len(body) < 700
            assert not any(c in body for c in "\x1b\u202e\x00\n")


async def test_an_edited_cursor_is_not_a_bare_error() -> None:
    app = build_app()
    async with Client(faulty_server(app, FaultTransport(app))) as client:
        project = sample_values(app)["project"]
        first = await client.call_tool("list_issues", {"project": project, "limit": 2})
        assert first.structured_content is not None
        cursor = first.structured_content["cursor"]
        edited = cursor.rsplit(".", 1)[0] + ".tNOT-AN-OFFSET"
        result = await client.call_tool("list_issues", {"project": project, "limit": 2, "cursor": edited})
    assert result.is_error and texts(result) != "Error executing tool list_issues"
    assert texts(result).startswith("Error executing tool list_issues: ")


async def test_dot_ids_never_reach_another_endpoint() -> None:
    for value in (".", "..", "...", " .. "):
        with pytest.raises(InvalidInput):
            clean_id(value, "issue")
    client, _ = make(lambda r: httpx2.Response(200, json={}))
    with pytest.raises(InvalidInput):
        await client.get(f"{HOST}/construction/issues/v1/projects/p/issues/..")


async def test_a_64_kb_filter_is_refused_before_building_a_url() -> None:
    client, _ = make(lambda r: httpx2.Response(200, json={}))
    async with client:
        with pytest.raises(InvalidInput, match="too long"):
            await client.get(f"{HOST}/x", {"filter[title]": "x" * 65536})


@pytest.mark.parametrize("token", ["short-tok", "abc12", "a-much-longer-token-that-is-not-a-jwt-at-all-xyz"])
async def test_upstream_text_is_scrubbed_of_the_callers_token(token: str) -> None:
    body = {"developerMessage": f"token {token} has no access to project p"}
    client = AccClient(
        Settings(), StaticToken(token), transport=httpx2.MockTransport(lambda r: httpx2.Response(400, json=body))
    )
    async with client:
        with pytest.raises(Exception) as info:
            await client.get(f"{HOST}/x")
    assert token not in str(info.value) and "no access" in str(info.value)


def test_clean_text_escapes_and_bounds() -> None:
    assert clean_text("a\x1bb\u202ec\x00d") == "a\\x1bb\\u202ec\\x00d"
    assert len(clean_text("x" * 10_000)) == 600
