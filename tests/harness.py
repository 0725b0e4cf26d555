"""A controllable upstream for the fault, fuzz and secrets suites, and valid arguments for any tool.

`FaultTransport` sits where the network would: it passes requests to the in-process sandbox and, when a
planned fault matches, answers (or fails) the way a flaky network or a broken upstream would — a 429 storm
with any Retry-After, 5xx, a reset before or after the request reached the sandbox, a read time-out after
it, a blackhole, a body dripped byte by byte, a redirect, malformed / empty / off-shape 2xx answers.
It counts the writes that reached the sandbox, so a test can tell "applied" from "not applied".

The suites talk MCP only (`mcp.Client`), and take the tools from `tools/list`, so they keep working when
the tool layer is rewritten; `valid_arguments` builds a working call from a tool's published schema.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel
import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp import deadline
from acc_mcp.demo import demo_server
from acc_mcp.sandbox.data_connector_data import job_view
from acc_mcp.server import AccServer

FAULT_KINDS = (
    "echo",
    "429",
    "429-inf",
    "429-huge",
    "500",
    "503",
    "reset-before",
    "reset-after",
    "timeout-after",
    "blackhole",
    "drip",
    "redirect",
    "malformed",
    "empty",
    "array",
    "null",
    "string",
)
"""Every kind of fault the suites inject."""
SLOW_KINDS = ("blackhole", "drip")
"""Faults that take real time: the suites run them with a short call deadline."""
AFTER_SENDING = ("reset-after", "timeout-after", "500", "503", "malformed", "empty", "array", "null", "string")
"""Faults after which a write may have been applied (ambiguous for a write)."""


@dataclass
class Fault:
    kind: str
    times: int = 1
    """How many matching requests it answers (a storm: many)."""
    path: str = ""
    method: str | None = None


@dataclass
class FaultTransport(httpx2.AsyncBaseTransport):
    app: Starlette
    plan: list[Fault] = field(default_factory=list)
    writes_applied: int = 0
    requests: int = 0
    injected: int = 0
    set_cookie: str | None = None
    """Added to every answer as `Set-Cookie` (the secrets suite checks it is never sent back or logged)."""
    cookies_sent: int = 0

    def __post_init__(self) -> None:
        self._inner = httpx2.ASGITransport(app=self.app)

    def inject(self, kind: str, times: int = 1, path: str = "", method: str | None = None) -> None:
        self.plan.append(Fault(kind, times, path, method))

    def _take(self, request: httpx2.Request) -> Fault | None:
        if request.url.path.startswith("/sandbox-files/") and not any(f.path == "/sandbox-files/" for f in self.plan):
            return None
        for fault in self.plan:
            if fault.path in request.url.path and (fault.method is None or fault.method == request.method):
                fault.times -= 1
                if fault.times <= 0:
                    self.plan.remove(fault)
                return fault
        return None

    async def _send(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        read_only = "photos:filter" in request.url.path or "search:" in request.url.path
        if request.method == "POST" and response.status_code < 300 and not read_only:
            self.writes_applied += 1
        return response

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._answer(request)
        if self.set_cookie:
            response.headers["Set-Cookie"] = self.set_cookie
        return response

    async def _answer(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        if "cookie" in request.headers:
            self.cookies_sent += 1
        fault = self._take(request)
        if fault is None:
            return await self._send(request)
        self.injected += 1
        kind = fault.kind
        if kind.startswith("429"):
            named = {"429": "1", "429-inf": "inf", "429-huge": "1e308"}
            after = named[kind] if kind in named else kind.partition("=")[2]
            return _json(429, {"message": "Too many requests."}, {"Retry-After": after})
        if kind in ("500", "503"):
            if request.method == "POST":
                await self._send(request)  # the worst case: applied, then the gateway failed
            return _json(int(kind), {"message": f"Injected {kind}."})
        if kind == "echo":  # an upstream that echoes the caller's token and the full URL in its error
            token = request.headers.get("authorization", "")[7:]
            message = f"Token {token} may not read {request.url} (cookie {request.headers.get('cookie')})"
            return _json(400, {"developerMessage": message, "detail": message})
        if kind == "reset-before":
            raise httpx2.ConnectError("connection refused", request=request)
        if kind in ("reset-after", "timeout-after"):
            await self._send(request)
            error = httpx2.ReadError if kind == "reset-after" else httpx2.ReadTimeout
            raise error("lost after sending", request=request)
        if kind == "blackhole":
            await anyio.sleep(math.inf)
        if kind == "drip":
            return httpx2.Response(200, headers={"content-type": "application/json"}, stream=_Drip())
        if kind == "redirect":
            return httpx2.Response(302, headers={"Location": "https://login.example.com/?next=/"})
        await self._send(request)  # the 2xx family: the request did reach ACC
        body = {"malformed": b'{"results": [{"id": ', "empty": b"", "array": b"[]", "null": b"null"}.get(kind, b'"ok"')
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=body)


class _Drip(httpx2.AsyncByteStream):
    """A body that never finishes: one byte every 50 ms."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"results": ['
        while True:
            await anyio.sleep(0.05)
            yield b" "


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(status, json=body, headers=headers)


class FakeClock:
    """Monotonic time that advances only when slept on: Retry-After storms and backoff cost no real time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """The client's deadline clock and sleep replaced by a `FakeClock`."""
    fake = FakeClock()
    monkeypatch.setattr(deadline, "clock", fake.clock)
    monkeypatch.setattr(deadline, "sleep", fake.sleep)
    yield fake


def faulty_server(app: Starlette, transport: FaultTransport, **overrides: Any) -> AccServer:
    """A demo server whose upstream traffic goes through `transport`."""
    return demo_server({"toolsets": "all", **overrides}, app=app, transport=transport)


# --- arguments ---------------------------------------------------------------------------------------


def sample_values(app: Starlette) -> dict[str, Any]:
    """Values that name real things in the sandbox, by parameter name."""
    photos = app.state.families["photos"].data.photos
    project, items = next((p, v) for p, v in photos.items() if v)
    return {
        "project": project,
        "photo": items[0]["id"],
        "issue": "1",
        "rfi": "1",
        "review": "1",
        "description": "suite extract",
        "service_groups": ["issues"],
        "request": "weekly",
        "job": finished_job(app)[:8],
        "file": "README.txt",
        "company": app.state.world.companies[0]["name"],
        "person": app.state.world.users[0]["name"],
        "sql": "SELECT status, count(*) FROM issues_issues GROUP BY 1",
        **document_samples(app, project),
    }


def document_samples(app: Starlette, project_id: str) -> dict[str, Any]:
    """URNs of the sample project: a workflow, a reviewed file, a folder, a Revit host, files to export."""
    docs = app.state.families["documents"].project(next(p for p in app.state.world.projects if p["id"] == project_id))
    reviews = app.state.families["reviews"]
    return {
        "workflow": reviews.workflows[project_id][0]["id"],
        "urn": next(urn for (pid, urn) in reviews.approvals if pid == project_id),
        "folder": next(iter(docs.folders)),
        "model": next(iter(docs.links)),
        "files": [docs.files[0]["urn"]],
    }


def finished_job(app: Starlette) -> str:
    """The newest seeded Data Connector job with an extract."""
    state = app.state.families["data_connector"]
    done = [j.id for j in state.jobs.values() if job_view(j, state.now())["completionStatus"] == "success"]
    return str(done[-1])


def valid_arguments(schema: dict[str, Any], samples: dict[str, Any]) -> dict[str, Any]:
    """A call that should work: the required parameters from `samples` (or a plain value of their type)."""
    args: dict[str, Any] = {}
    for name in schema.get("required", []):
        if name in samples:
            args[name] = samples[name]
            continue
        prop = schema["properties"][name]
        kind = prop.get("type")
        args[name] = prop["enum"][0] if "enum" in prop else {"integer": 1, "boolean": False, "array": []}.get(kind, "1")
    if "limit" in schema.get("properties", {}):
        args["limit"] = 5
    if "files" in schema.get("properties", {}) and "files" in samples:  # export_pdfs: optional, but its subject
        args["files"] = samples["files"]
    return args


TRANSIENT = (
    *("429", "500", "503", "reset-before", "reset-after", "timeout-after"),
    *("malformed", "empty", "null", "string"),
)
"""One such fault is retried away by a read."""


def texts(result: Any) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


def error_problem(tool: str, text: str) -> str | None:
    if not text.strip():
        return f"{tool}: empty error"
    if text.strip() == f"Error executing tool {tool}":
        return f"{tool}: bare error"
    if len(text) > 1000:
        return f"{tool}: error of {len(text)} characters"
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c not in "\n"]
    return f"{tool}: control characters {bad!r} in {text[:100]!r}" if bad else None


def check_error(tool: str, text: str) -> None:
    found = error_problem(tool, text)
    assert found is None, found


WRITE_PATHS = {"export_pdfs": "/exports"}
"""Where each write tool writes (a fault is injected there); Data Connector's create is the default."""


ARGUMENT_WRITES = {"load_data"}
"""Tools that write only with one argument (load_data's `new`, which has no allow_duplicate: its guard and its
refusal are tested in tests/analytics/test_tools.py); the matrix calls them without it, as reads."""


def is_write(tool: Any) -> bool:
    """A write that creates something: a repeat would make a second one (an idempotent write, such as an
    update, a delete or a cancel, is checked like a read: it may be repeated without harm)."""
    a = tool.annotations
    return a is not None and a.read_only_hint is False and not a.idempotent_hint and tool.name not in ARGUMENT_WRITES


TOOL_ARGS: dict[str, dict[str, Any]] = {
    "update_data_connector_request": {"active": True},
    "delete_data_connector_request": {"request": "paused"},  # not the request the other tools read
}
"""Arguments a tool needs beyond its required ones to succeed."""
ONE_SHOT = {"delete_data_connector_request"}
"""Tools whose success removes their own target: after the baseline call only clean errors are checked."""


def unique(args: dict[str, Any], n: int) -> dict[str, Any]:
    """Writes get a fresh description per call, so the duplicate guard only sees true repeats."""
    if "files" in args:  # export_pdfs: the output name makes an export distinct
        return {**args, "name": f"suite export {n}"}
    return {**args, "description": f"{args['description']} {n}"} if "description" in args else args


@dataclass
class Matrix:
    tools: dict[str, Any] = field(default_factory=dict)
    baseline_ok: set[str] = field(default_factory=set)
    cells: int = 0
    recovered: int = 0
    ambiguous_reported: int = 0
    writes_repeated: int = 0
    problems: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    texts_leaking: int = 0


async def fault_matrix(
    client: Any, app: Starlette, transport: FaultTransport, clock: FakeClock, limit: float = 45.0
) -> Matrix:
    """Every listed tool × every fault that takes no real time, with the checks of the fault suite.

    A read must recover from one transient fault (when it works without faults); a write is sent at most
    once, an ambiguous one is reported as possibly applied and its repetition refused; a redirect or an
    off-shape answer is an error, never an empty success; every error is a clean sentence; no call runs
    past `limit` on the (fake) clock.
    """
    samples = sample_values(app)
    out = Matrix()
    for t in (await client.list_tools()).tools:
        out.tools[t.name] = (t, valid_arguments(t.input_schema, samples) | TOOL_ARGS.get(t.name, {}))
    for n, (name, (_tool, args)) in enumerate(out.tools.items()):
        if not (await client.call_tool(name, unique(args, -n - 1))).is_error:
            out.baseline_ok.add(name)

    def fail(message: str) -> None:
        out.problems.append(message)

    for kind in (k for k in FAULT_KINDS if k not in SLOW_KINDS):
        for name, (tool, args) in out.tools.items():
            out.cells += 1
            write = is_write(tool)
            before = transport.writes_applied
            # A write's fault hits the write itself; a read's hits its first request.
            where_written = WRITE_PATHS.get(name, "/requests")
            transport.inject(kind, path=where_written if write else "", method="POST" if write else None)
            started = clock.now
            result = await client.call_tool(name, unique(args, out.cells))
            transport.plan.clear()
            body = texts(result)
            out.texts.append(body)
            where = f"{name} × {kind}"
            if clock.now - started > limit:
                fail(f"{where}: past the call deadline")
            if result.is_error and (found := error_problem(name, body)):
                fail(f"{where}: {found}")
            if write:
                applied = transport.writes_applied - before
                if applied > 1:
                    out.writes_repeated += 1
                    fail(f"{where}: the write was repeated")
                if kind in AFTER_SENDING:
                    if not (result.is_error and "may have been applied" in body):
                        fail(f"{where}: ambiguous write not reported: {body[:200]}")
                    else:
                        out.ambiguous_reported += 1
                    again = await client.call_tool(name, unique(args, out.cells))
                    if not (again.is_error and "allow_duplicate" in texts(again)):
                        fail(f"{where}: a retry after an ambiguous write was not stopped: {texts(again)[:200]}")
                    if transport.writes_applied - before != applied:
                        out.writes_repeated += 1
                        fail(f"{where}: a retry after an ambiguous write went out")
                elif kind in ("429", "reset-before"):
                    if result.is_error or applied != 1:
                        fail(f"{where}: a write that certainly did not land was not retried: {body[:200]}")
                elif not result.is_error or applied != 0:
                    fail(f"{where}: expected a clear error and nothing applied: {body[:200]}")
            elif kind in TRANSIENT and name in out.baseline_ok and name not in ONE_SHOT:
                if result.is_error:
                    fail(f"{where}: a read did not recover: {body[:200]}")
                else:
                    out.recovered += 1
            elif (kind == "redirect" and result.is_error and "redirect" not in body) or (
                kind.startswith("429-") and result.is_error and not ("rate limit" in body and "try again" in body)
            ):
                fail(f"{where}: {body[:200]}")
    return out
