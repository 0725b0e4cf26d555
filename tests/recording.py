"""A recording seam for contract tests: the demo server over an ASGI transport that remembers every upstream
request (method, path, query as (key, value) pairs, parsed JSON body) on its way to the sandbox.

Tests talk to the server only through the MCP protocol (`mcp.Client`, in memory) and look only at what
reached the sandbox, so they pin *behaviour* — what each tool asks ACC for — whatever the tool layer's
internals become. `template()` names a request's endpoint the way ACC's reference does
(`GET /construction/issues/v1/projects/{projectId}/issues`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx2
from mcp import Client
from mcp.types import CallToolResult
from starlette.applications import Starlette

from acc_mcp.config import Settings
from acc_mcp.endpoints import ENDPOINTS, EXTRA
from acc_mcp.sandbox import SANDBOX_TOKEN, World
from acc_mcp.sandbox.world import SANDBOX_TODAY
from acc_mcp.server import build_server

BASE_URL = "https://developer.api.autodesk.com"
Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Upstream:
    """One request as the sandbox received it."""

    method: str
    path: str
    query: Query = ()
    """(key, value) pairs, sorted: a multi-dict whose order does not matter."""
    body: Any = None
    """The parsed JSON body, or None."""

    @property
    def template(self) -> str:
        return template(self.method, self.path)

    def params(self) -> dict[str, str]:
        """The query as a dict (for requests whose keys are unique)."""
        return dict(self.query)

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        body = f" {json.dumps(self.body, sort_keys=True, default=repr)}" if self.body is not None else ""
        return f"{self.method} {self.path}{'?' + query if query else ''}{body}"


def upstream(
    method: str, path: str, query: Mapping[str, Any] | Iterable[tuple[str, Any]] = (), body: Any = None
) -> Upstream:
    """An expected request; query values are compared as the strings ACC receives."""
    pairs = query.items() if isinstance(query, Mapping) else query
    return Upstream(method, path, tuple(sorted((k, str(v)) for k, v in pairs)), body)


class RecordingTransport(httpx2.ASGITransport):
    """An ASGITransport that records every request the server sends upstream."""

    def __init__(self, app: Starlette) -> None:
        super().__init__(app=app)
        self.log: list[Upstream] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        content = await request.aread()
        body = json.loads(content) if content else None
        query = tuple(sorted(request.url.params.multi_items()))
        self.log.append(Upstream(request.method, request.url.path, query, body))
        return await super().handle_async_request(request)

    def templates(self) -> set[str]:
        return {r.template for r in self.log}

    def to(self, *templates: str) -> list[Upstream]:
        """The requests to these endpoints, in a stable order (pages fetched concurrently arrive in any order)."""
        return sorted((r for r in self.log if r.template in templates), key=str)


# --- endpoint templates ---------------------------------------------------------------------------


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], int]]:
    out = []
    for e in (*ENDPOINTS, *EXTRA):
        literal = re.sub(r"{\w+}", "", e.path)
        regex = re.escape(e.path)
        regex = re.sub(r"\\{\w+\\}", "[^/]+", regex)
        out.append((str(e), re.compile(f"{e.method} {regex}"), len(literal)))
    return out


def template(method: str, path: str) -> str:
    """`METHOD /path/{placeholder}` of the reference endpoint a request hits (the most specific match), or the
    request itself when none matches, so a wrong path shows up in a failing comparison."""
    if path.startswith("/sandbox-files/"):
        return f"{method} <signed download URL>"  # where the sandbox serves what a signed (S3) URL points to
    hits = [(size, name) for name, regex, size in _patterns() if regex.fullmatch(f"{method} {path}")]
    return max(hits)[1] if hits else f"{method} {path} (no such endpoint)"


# --- the server under test ------------------------------------------------------------------------


@dataclass
class Outcome:
    """A tool result as the model sees it."""

    result: CallToolResult

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.result.content if b.type == "text")

    @property
    def data(self) -> dict[str, Any]:
        return self.result.structured_content or {}

    @property
    def items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.data.get("items", [])
        return items

    @property
    def images(self) -> list[bytes]:
        return [base64.b64decode(b.data) for b in self.result.content if b.type == "image"]

    @property
    def lines(self) -> list[str]:
        """The text's lines after the header."""
        return self.text.splitlines()[1:]


@dataclass
class Harness:
    client: Client
    transport: RecordingTransport
    app: Starlette
    ids: Mapping[str, Any] = field(default_factory=dict)

    @property
    def log(self) -> list[Upstream]:
        return self.transport.log

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Outcome:
        return Outcome(await self.client.call_tool(tool, dict(arguments)))

    async def replay(self, request: Upstream) -> Any:
        """Send a recorded request to the sandbox again, unrecorded, and return its JSON body."""
        async with _sandbox_http(self.app) as http:
            response = await http.request(request.method, request.path, params=list(request.query), json=request.body)
            return response.json()


@asynccontextmanager
async def recorded_server(app: Starlette, **overrides: Any) -> AsyncIterator[Harness]:
    """The demo server (every toolset, the sandbox's fixed today, 2026-11-02) over a recording transport."""
    world: World = app.state.world
    values = {
        "access_token": SANDBOX_TOKEN,
        "account_id": world.account_id,
        "demo": True,
        "auth_mode": "token",
        "auth_passthrough": False,
        "toolsets": "all",
        **overrides,
    }
    transport = RecordingTransport(app)
    server = build_server(Settings.load(env={}, **values), transport=transport, today=lambda: SANDBOX_TODAY.date())
    async with Client(server) as client:
        yield Harness(client, transport, app, await sandbox_ids(app))


# --- real ids from the sandbox world ---------------------------------------------------------------

_IDS: dict[tuple[int, bool, str], dict[str, Any]] = {}


async def sandbox_ids(app: Starlette) -> dict[str, Any]:
    """Ids the expected requests name, read from the sandbox itself (cached: the dataset is deterministic).

    `account`; projects by short name (`hospital`, `riverside`, …); on the hospital project: `user[name]` →
    Autodesk id, `type[title]` → issue type or subtype id ("Quality / Defect"), `issue[number]`, `rfi[number]`,
    `review[number]`, `photos` (newest first), and `request[description]` for Data Connector requests (with
    `job[description]`, `newest_job`, `failed_job`).
    """
    world: World = app.state.world
    key = (world.seed, world.large, world.region)
    if key in _IDS:
        return _IDS[key]
    short = {"St. Mary": "hospital", "Riverside": "riverside", "Oakridge": "oakridge", "Eastgate": "eastgate"}
    ids: dict[str, Any] = {"account": world.account_id}
    for p in world.projects:
        ids.update({key: p["id"] for prefix, key in short.items() if p["name"].startswith(prefix)})
        if p["name"].startswith("Pier 9"):
            ids["pier9"] = p["id"]
    hospital = ids["hospital"]
    ids["user"] = {m["name"]: m["autodeskId"] for m in world.project_members(hospital)}
    async with _sandbox_http(app) as http:
        issues = f"/construction/issues/v1/projects/{hospital}"
        types = (await http.get(f"{issues}/issue-types", params={"include": "subtypes"})).json()["results"]
        ids["type"] = {t["title"]: t["id"] for t in types} | {
            f"{t['title']} / {s['title']}": s["id"] for t in types for s in t.get("subtypes") or []
        }
        found = (await http.get(f"{issues}/issues", params={"limit": 100, "fields": "displayId"})).json()["results"]
        ids["issue"] = _numbered({str(i["displayId"]): i["id"] for i in found})
        rfis = f"/construction/rfis/v3/projects/{hospital}/search:rfis"
        found = (await http.post(rfis, json={"limit": 200, "fields": ["id", "customIdentifier"]})).json()["results"]
        ids["rfi"] = _numbered({r["customIdentifier"]: r["id"] for r in found})
        reviews = f"/construction/reviews/v1/projects/{hospital}/reviews"
        found = (await http.get(reviews, params={"limit": 50})).json()["results"]
        ids["review"] = _numbered({str(r["sequenceId"]): r["id"] for r in found})
        photos = f"/construction/photos/v1/projects/{hospital}/photos:filter"
        found = (await http.post(photos, json={"limit": 50, "sort": ["takenAt", "desc"]})).json()["results"]
        ids["photos"] = [p["id"] for p in found]
        ids["photo8"] = [p["id"][:8] for p in found]
        requests = f"/data-connector/v1/accounts/{world.account_id}/requests"
        found = (await http.get(requests, params={"limit": 100})).json()["results"]
        ids["request"] = {r["description"]: r["id"] for r in found}
        by_id = {r["id"]: r["description"] for r in found}
        jobs = (await http.get(f"{requests[:-9]}/jobs", params={"limit": 100, "sort": "desc"})).json()["results"]
        # `job[description]`: the newest job of that request with an extract; `failed_job`: one without.
        done = [j for j in jobs if j["completionStatus"] == "success"]
        ids["job"] = {by_id[j["requestId"]]: j["id"] for j in reversed(done)}
        ids["newest_job"] = jobs[0]["id"]
        ids["failed_job"] = next(j["id"] for j in jobs if j["completionStatus"] == "failed")
    _IDS[key] = ids
    return ids


def _numbered(by_number: dict[str, str]) -> dict[Any, str]:
    """Also keyed by int: `str.format` reads `{issue[42]}` (and `{rfi[012]}`) as an int index."""
    return {**by_number, **{int(k): v for k, v in by_number.items() if k.isdigit()}}


def _sandbox_http(app: Starlette) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )


def fill(value: Any, ids: Mapping[str, Any]) -> Any:
    """`value` with `{hospital}`, `{user[Wei Chen]}`, … replaced by real ids, in strings, lists and dicts."""
    if isinstance(value, str):
        return value.format_map(ids) if "{" in value else value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, tuple):
        return tuple(fill(v, ids) for v in value)
    if isinstance(value, dict):
        return {fill(k, ids): fill(v, ids) for k, v in value.items()}
    return value
