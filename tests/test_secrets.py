"""Secrets suite: at DEBUG, across every listed tool and every fault, no token, signed-URL query or cookie
appears in the logs, the results (text and structured) or the errors — and no cookie is ever sent back."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from mcp import Client

from acc_mcp.sandbox import SANDBOX_TOKEN, build_app

from .harness import FAULT_KINDS, SLOW_KINDS, FakeClock, FaultTransport, faulty_server, sample_values, valid_arguments
from .harness import fake_clock as fake_clock

pytestmark = pytest.mark.anyio
COOKIE = "sessionid=COOKIE-VALUE-7f3a"
SIGNED = re.compile(r"(X-Amz-(Signature|Credential|Security-Token)=|Signature=|[?&]sig=)", re.IGNORECASE)


def leaks(text: str) -> list[str]:
    """Which secrets `text` contains."""
    found = []
    if SANDBOX_TOKEN in text:
        found.append("token")
    if "COOKIE-VALUE" in text:
        found.append("cookie")
    if SIGNED.search(text):
        found.append("signed-url query")
    return found


def result_text(result: Any) -> str:
    parts = [b.text for b in result.content if b.type == "text"]
    if result.structured_content is not None:
        parts.append(json.dumps(result.structured_content))
    return "\n".join(parts)


async def test_no_secret_in_logs_results_or_errors(caplog: pytest.LogCaptureFixture, fake_clock: FakeClock) -> None:
    caplog.set_level(logging.DEBUG)
    app = build_app()
    transport = FaultTransport(app, set_cookie=f"{COOKIE}; Path=/; Domain=developer.api.autodesk.com")
    found: list[tuple[str, str, list[str]]] = []
    calls = 0
    async with Client(faulty_server(app, transport)) as client:
        samples = sample_values(app)
        tools = (await client.list_tools()).tools
        for kind in ("none", *(k for k in FAULT_KINDS if k not in SLOW_KINDS)):
            for tool in tools:
                calls += 1
                args = valid_arguments(tool.input_schema, samples)
                if "description" in args:
                    args["description"] = f"secrets {kind}"
                if kind != "none":
                    transport.inject(kind)
                result = await client.call_tool(tool.name, args)
                transport.plan.clear()
                if hits := leaks(result_text(result)):
                    found.append((tool.name, kind, hits))
    assert calls >= 14 * 10
    log_hits = leaks(caplog.text)
    assert not found, found[:5]
    assert not log_hits, [line for line in caplog.text.splitlines() if leaks(line)][:5]
    assert transport.cookies_sent == 0
    assert "HTTP Request" in caplog.text or "->" in caplog.text  # the requests were logged, redacted
