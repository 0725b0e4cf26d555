"""Reliability: a big schema-fuzz run, the full fault matrix and a secrets scan; writes docs/reliability.md.

python bench/reliability.py                  # 150 valid + 150 invalid calls per tool (~4,200 calls)
FUZZ_PER_TOOL=500 python bench/reliability.py

The same checks as the test suite (tests/fuzzing.py, tests/harness.py), at a larger scale: exit 0 when no
problem and no leak was found (PASS), 1 otherwise (MISS).
"""

from __future__ import annotations

import io
import logging
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mcp import Client  # noqa: E402

from acc_mcp import __version__, deadline  # noqa: E402
from acc_mcp.sandbox import build_app  # noqa: E402
from tests.fuzzing import fuzz  # noqa: E402
from tests.harness import (  # noqa: E402
    AFTER_SENDING,
    FAULT_KINDS,
    SLOW_KINDS,
    FakeClock,
    FaultTransport,
    error_problem,
    fault_matrix,
    faulty_server,
    sample_values,
    texts,
    valid_arguments,
)
from tests.test_secrets import COOKIE, leaks  # noqa: E402

PER_TOOL = int(os.environ.get("FUZZ_PER_TOOL", "150"))
SLOW_LIMIT = 0.6
"""ACC_CALL_TIMEOUT for the blackhole and drip-fed rows (real time)."""


async def fuzz_run() -> tuple[Any, float]:
    app = build_app()
    started = time.perf_counter()
    async with Client(faulty_server(app, FaultTransport(app))) as client:
        stats = await fuzz(client, sample_values(app), PER_TOOL)
    return stats, time.perf_counter() - started


async def fault_run(clock: FakeClock) -> tuple[Any, float, int]:
    app = build_app()
    transport = FaultTransport(app, set_cookie=f"{COOKIE}; Path=/")
    started = time.perf_counter()
    async with Client(faulty_server(app, transport)) as client:
        matrix = await fault_matrix(client, app, transport, clock)
    matrix.texts_leaking = sum(bool(leaks(t)) for t in matrix.texts)
    return matrix, time.perf_counter() - started, transport.cookies_sent


async def slow_run() -> tuple[int, list[str], float]:
    """Blackhole and drip-fed upstreams, every tool at once: each call must end within the deadline."""
    problems: list[str] = []
    cells = 0
    worst = 0.0
    for kind in SLOW_KINDS:
        app = build_app()
        transport = FaultTransport(app)
        async with Client(faulty_server(app, transport, call_timeout=SLOW_LIMIT)) as client:
            samples = sample_values(app)
            tools = (await client.list_tools()).tools
            transport.inject(kind, times=1_000_000)

            async def one(tool: Any, kind: str = kind, client: Any = client, samples: Any = samples) -> None:
                nonlocal cells, worst
                started = time.monotonic()
                result = await client.call_tool(tool.name, valid_arguments(tool.input_schema, samples))
                took = time.monotonic() - started
                worst = max(worst, took)
                cells += 1
                if not result.is_error or took > SLOW_LIMIT + 2.5:
                    problems.append(f"{tool.name} × {kind}: {took:.1f} s, error={result.is_error}")
                elif found := error_problem(tool.name, texts(result)):
                    problems.append(f"{tool.name} × {kind}: {found}")

            async with anyio.create_task_group() as tg:
                for tool in tools:
                    tg.start_soon(one, tool)
    return cells, problems, worst


def main() -> int:
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)

    fuzz_stats, fuzz_s = anyio.run(fuzz_run)
    clock = FakeClock()
    deadline.clock, deadline.sleep = clock.clock, clock.sleep
    matrix, fault_s, cookies_sent = anyio.run(fault_run, clock)
    deadline.clock, deadline.sleep = time.monotonic, anyio.sleep  # type: ignore[assignment]
    slow_cells, slow_problems, worst = anyio.run(slow_run)
    logging.getLogger().removeHandler(handler)
    log_leaks = sum(bool(leaks(line)) for line in log.getvalue().splitlines())
    leaks_total = log_leaks + matrix.texts_leaking + cookies_sent
    tools = len(matrix.tools)
    fast_kinds = len(FAULT_KINDS) - len(SLOW_KINDS)
    problems = fuzz_stats.problems + matrix.problems + slow_problems
    ok = not problems and leaks_total == 0

    rows = [
        ("calls fuzzed (valid + invalid, from each tool's schema)", f"{fuzz_stats.calls:,}", "-"),
        ("  of which answered with an error", f"{fuzz_stats.errors:,}", "-"),
        ("  crashes, protocol failures, bare / long / control-character errors", len(fuzz_stats.problems), "0"),
        ("faults × tools (instant faults, fake clock)", f"{fast_kinds} × {tools} = {matrix.cells}", "-"),
        ("faults × tools (blackhole, drip-fed body; real time)", f"{len(SLOW_KINDS)} × {tools} = {slow_cells}", "-"),
        ("reads that recovered from one transient fault", matrix.recovered, "all that work without faults"),
        (
            "ambiguous writes reported as 'may have been applied'",
            matrix.ambiguous_reported,
            f"{len(AFTER_SENDING)} (one per such fault)",
        ),
        ("writes repeated", matrix.writes_repeated, "0"),
        (f"slowest call under blackhole / drip (ACC_CALL_TIMEOUT={SLOW_LIMIT:g} s)", f"{worst:.2f} s", "≤ limit + 2 s"),
        ("fault-matrix problems", len(matrix.problems) + len(slow_problems), "0"),
        ("leaks: token / signed-URL query / cookie in DEBUG logs", log_leaks, "0"),
        ("leaks: in results and errors", matrix.texts_leaking, "0"),
        ("cookies sent back upstream", cookies_sent, "0"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n== reliability ({'PASS' if ok else 'MISS'}) ==")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value!s:>16}  target {target}")
    for p in problems[:20]:
        print("problem:", p)

    doc = [
        "# Reliability",
        "",
        f"Written by `python bench/reliability.py` on {date.today().isoformat()} (acc-mcp {__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU(s)); do not edit by hand. "
        f"Result: **{'PASS' if ok else 'MISS'}**.",
        "",
        "The same checks run, smaller, in the test suite: `tests/test_fuzz.py` (schema fuzzing), "
        "`tests/test_faults.py` (every tool × every fault), `tests/test_secrets.py` (DEBUG logs, results, errors), "
        "`tests/test_hardening.py` (one test per defect of issue 12). The suites drive the server through the MCP "
        "client and take the tools from `tools/list`; the upstream is the sandbox behind a fault-injecting "
        "transport (`tests/harness.py`).",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
        *(f"| {label.strip()} | {value} | {target} |" for label, value, target in rows),
        "",
        f"Faults: {', '.join(FAULT_KINDS)}. `429-inf` / `429-huge` answer `Retry-After: inf` / `1e308`; "
        "`reset-after`, `timeout-after`, 5xx and the malformed / empty / off-shape 2xx reach the sandbox first, so "
        "a write under them really was applied. Times: fuzz run "
        f"{fuzz_s:.1f} s, fault matrix {fault_s:.1f} s.",
        "",
        "What each check means:",
        "",
        "- *fuzzed*: valid arguments from hypothesis-jsonschema over each published input schema (half with the "
        "ids of real sandbox records), invalid ones of hostile JSON (wrong types, unknown names, control and bidi "
        "characters, 64 KB strings, `.`/`..` ids). Every answer must be a result; every error a sentence of at "
        "most 1,000 characters with no control characters, never a bare `Error executing tool X`.",
        "- *recovered*: a read tool hit by one 429, 5xx, reset, read time-out or malformed / empty / off-shape "
        "answer still returns its result (the client retries within ACC_CALL_TIMEOUT).",
        "- *ambiguous writes*: `create_data_connector_request` hit after sending says the request may have been "
        "applied, names the list tool to check, and refuses an identical retry unless `allow_duplicate=true`.",
        "- *leaks*: the sandbox token, any `Signature=` / `X-Amz-*` query and the cookie the fake upstream sets "
        "on every answer, searched in every DEBUG log line, result text, structured result and error.",
        "",
    ]
    (ROOT / "docs" / "reliability.md").write_text("\n".join(doc))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
