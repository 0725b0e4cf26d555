"""The per-call fast paths give the answers of the plain code they replace.

Each of these was made faster for bench/overhead.py (a list tool over stdio against a one-tool server making
the same request) without changing a byte of what a tool returns: the checks here compare each fast path
with the straightforward version, on edge cases and on random data.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from datetime import date
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp import deadline
from acc_mcp import server as server_module
from acc_mcp.client import AccClient, StaticToken, _with_query
from acc_mcp.config import Settings
from acc_mcp.demo import demo_server
from acc_mcp.endpoints import ENDPOINTS
from acc_mcp.paging import fingerprint
from acc_mcp.render import Day, ShortId, fmt_value, plain, structured_size
from acc_mcp.responses import expected_shape, loads
from acc_mcp.safety import check_path
from acc_mcp.server import build_server
from acc_mcp.tools import ALL_TOOLS, lookups
from acc_mcp.tools.runtime import Runtime, one_call
from acc_mcp.views import F, View, ViewContext, name_of

pytestmark = pytest.mark.anyio


# --- reading an answer ----------------------------------------------------------------------------------------


def _outcome(read: Any, raw: bytes) -> tuple[str, Any]:
    try:
        return "ok", read(raw)
    except RecursionError:
        return "deep", None
    except ValueError:
        return "error", None


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.random()
    if depth > 3 or pick < 0.4:
        kind = rng.randrange(6)
        if kind == 0:
            return rng.uniform(-1e10, 1e10) * 10 ** rng.randrange(-300, 300)
        if kind == 1:
            return rng.randrange(-(10**30), 10**30)
        if kind == 2:
            return rng.choice([True, False, None, 0.1, -0.0, 1e16, 1e-7, 5e-324])
        if kind == 3:
            return rng.choice([float("nan"), float("inf"), -float("inf")])
        chars = [0x41, 0x22, 0x5C, 0x0A, 0x01, 0x7F, 0xE9, 0x2013, 0x1F600, 0x2028]
        return "".join(chr(rng.choice(chars)) for _ in range(rng.randrange(8)))
    if pick < 0.7:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(_random_json(rng, 9)): _random_json(rng, depth + 1) for _ in range(rng.randrange(4))}


EDGE_CASES = [
    b'{"a":1,"a":2}',
    b'"\\ud800"',
    b'"\\udc00x"',
    b'"\\ud83d\\ude00"',
    b"\xef\xbb\xbf{}",
    '{"a": 1}'.encode("utf-16"),
    b'"\xed\xa0\x80"',
    b'"\xff"',
    b'{"a":"\x01"}',
    b"[1,]",
    b"{} x",
    b"01",
    b"-0",
    b"1E2",
    b"1e400",
    b"NaN",
    b"-Infinity",
    b"infinity",
    b"1" * 4300,
    b"1" * 4301,
    b"1" * 5000 + b".0",
    b"[" * 3000 + b"]" * 3000,
    b" \n\t\r[1]\r\n",
    b"",
    b"   ",
]


def test_an_answer_is_read_as_json_loads_reads_it() -> None:
    rng = random.Random(5)
    corpus = [*EDGE_CASES]
    for _ in range(1500):
        value = _random_json(rng)
        corpus += [json.dumps(value).encode(), json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")]
    for raw in corpus:
        (kind, got), (want_kind, want) = _outcome(loads, raw), _outcome(json.loads, raw)
        assert kind == want_kind, raw[:80]
        assert kind != "ok" or _same(got, want), raw[:80]


def test_an_answers_expected_shape_is_the_first_registry_endpoint_the_path_is() -> None:
    patterns = [
        (e.method, re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(e.path)) + "$"), e.paging)
        for e in ENDPOINTS
    ]

    def first(method: str, path: str) -> type | tuple[type, ...]:
        path = path.replace("/hq/v1/regions/eu/", "/hq/v1/")
        for m, pattern, paging in patterns:
            if m == method and pattern.match(path):
                return list if paging == "array" else dict if paging != "none" else (dict, list)
        return (dict, list)

    for e in ENDPOINTS:
        for fill in ("b.1234-5", "x", "a/b", ""):
            path = re.sub(r"\{\w+\}", fill, e.path)
            for variant in (path, path + "/x", path + "\n", path.replace("/hq/v1/", "/hq/v1/regions/eu/")):
                for method in ("GET", "POST", "PATCH", "DELETE"):
                    assert expected_shape(method, variant) == first(method, variant), (method, variant)


def test_a_path_without_a_dot_or_percent_is_passed_and_dot_segments_are_refused() -> None:
    check_path("/construction/issues/v1/projects/abc/issues")
    check_path("/data/v1/projects/b.1/items/urn%3Aadsk.wipprod%3Afs.file%3Avf.X%3Fversion%3D2")
    for bad in ("/a/./b", "/a/../b", "/a/%2e%2E/b", "/a/.%2e/b", "/a/%2E/b"):
        with pytest.raises(Exception, match="not a valid ACC id"):
            check_path(bad)


async def test_each_token_is_sent_with_its_own_headers() -> None:
    class Rotating(StaticToken):
        def __init__(self) -> None:
            super().__init__("token-one")
            self.next = ["token-one", "token-two", "token-one"]

        async def token(self) -> str:
            return self.next.pop(0)

    seen: list[tuple[str | None, str | None]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append((request.headers.get("authorization"), request.headers.get("region")))
        return httpx2.Response(200, json={"results": []})

    settings = Settings(region="EMEA")
    async with AccClient(settings, Rotating(), transport=httpx2.MockTransport(handler)) as client:
        for _ in range(3):
            await client.get(client.url("/construction/admin/v1/projects/{projectId}", projectId="p1"))
    assert seen == [("Bearer token-one", "EMEA"), ("Bearer token-two", "EMEA"), ("Bearer token-one", "EMEA")]


def test_a_query_is_written_into_the_url_as_httpx_merges_params() -> None:
    rng = random.Random(13)
    chars = "aZ09 -_.~+%&=?#/[]@!$'()*,;:«»é–😀\u2028"
    base = "https://developer.api.autodesk.com/construction/issues/v1/projects/b.1/issues"
    for _ in range(500):
        query: dict[str, Any] = {}
        for _ in range(rng.randrange(5)):
            key = "".join(rng.choice(chars) for _ in range(rng.randrange(1, 6)))
            text = "".join(rng.choice(chars) for _ in range(rng.randrange(8)))
            query[key] = rng.choice([text, rng.randrange(-9, 99), [text, text[::-1]], []])
        sent, params = _with_query(base, query)
        assert httpx2.Request("GET", sent, params=params).url == httpx2.Request("GET", base, params=query).url
    assert _with_query(base + "?a=1", {"b": 2}) == (base + "?a=1", {"b": 2})  # a query of its own: httpx2 merges
    assert _with_query(base, {}) == (base, {})


# --- the structured copy and the text ------------------------------------------------------------------------


def test_the_structured_copy_is_measured_as_the_sdk_writes_it() -> None:
    """Compact UTF-8 JSON (no \\u escapes), ids by their whole value, at 3 bytes a token rounded up."""
    assert structured_size({"name": "Tomás"}) == -(-len('{"name":"Tomás"}'.encode()) // 3)
    short = ShortId("8735debb-0000-4000-8000-000000000000", "photo")
    assert structured_size(plain([short])) == -(-len(f'["{short.value}"]') // 3)


def _fmt_value(value: Any, *, whole: bool = False) -> str:
    """fmt_value as it was, without its short ways."""
    if isinstance(value, ShortId) and whole:
        return value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_fmt_value(v, whole=whole) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt_value(v, whole=whole)}" for k, v in value.items())
    return str(value)


def test_values_are_written_as_before() -> None:
    class Label(str):
        def __str__(self) -> str:
            return "label"

    day = Day(date(2026, 11, 5), year=True, overdue=True)
    values: list[Any] = [
        "x",
        Label("y"),
        0,
        7,
        True,
        False,
        1.5,
        day,
        ShortId("8735debb-aaaa", "request", "Weekly"),
        ["a", 2, day, Label("b")],
        ("t", 1),
        {"k": day},
        None,
    ]
    for value in values:
        for whole in (False, True):
            assert fmt_value(value, whole=whole) == _fmt_value(value, whole=whole)
    assert str(day) == "Nov 5 2026, overdue" == str(Day(date(2026, 11, 5), year=True, overdue=True))


async def test_view_rows_are_the_view_its_plain_copy_and_whether_it_shows_ids(
    sandbox_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    problems: list[str] = []  # collected, not raised: a tool turns an exception into an error result
    rows_of = View.rows

    def rows(self: View, records: Any, ctx: ViewContext) -> tuple[list[Any], list[Any], bool]:
        records = list(records)
        got, copies, ids = rows_of(self, records, ctx)
        want = [self(r, ctx) for r in records]
        if got != want or [list(r) for r in got] != [list(r) for r in want]:
            problems.append(f"rows differ: {got[:1]} {want[:1]}")
        if copies != [plain(r) for r in want]:
            problems.append(f"copies differ: {copies[:1]}")
        listed = (v for r in want for value in r.values() for v in (value if isinstance(value, list) else [value]))
        if not ids and any(isinstance(v, ShortId) for v in listed):
            problems.append("ids shown but not reported")
        checked.append(len(records))
        return got, copies, ids

    monkeypatch.setattr(View, "rows", rows)
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        for tool in ALL_TOOLS:
            if not tool.write and any(p.name == "cursor" for p in tool.params):
                args = {"project": "hospital"} if any(p.name == "project" for p in tool.params) else {}
                await client.call_tool(tool.name, args)
                await client.call_tool(tool.name, {k: v for k, v in args.items() if k != "project"})
    assert not problems, problems[:3]
    assert sum(checked) > 100


def test_a_view_with_a_repeated_key_keeps_the_last_value_in_the_first_place() -> None:
    view = View(F("a"), F("b"), F("a", lambda r, _: r.get("c")))
    ctx = ViewContext({}, date(2026, 1, 1))
    for record in ({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2}, {"b": 2, "c": 3}):
        row = view(record, ctx)
        rows, copies, _ids = view.rows([record], ctx)
        assert rows == [row] and copies == [plain(row)]
    assert list(view({"a": 1, "b": 2, "c": 3}, ctx).items()) == [("a", 3), ("b", 2)]


def test_a_name_is_looked_up_as_ctx_name_looks_it_up() -> None:
    one, two = name_of("assignedTo"), name_of("owner.id")
    ctx = ViewContext({"U1": "Wei Chen"}, date(2026, 1, 1))
    for record in ({"assignedTo": "U1"}, {"assignedTo": "U2"}, {"assignedTo": 5}, {}, {"owner": {"id": "U1"}}):
        assert one(record, ctx) == ctx.name(record.get("assignedTo"))
        owner = record.get("owner")
        assert two(record, ctx) == ctx.name(owner.get("id") if isinstance(owner, dict) else None)


# --- the server, the deadline, the lookups --------------------------------------------------------------------


def test_hidden_tools_are_found_in_a_text_as_a_pattern_of_their_names_finds_them() -> None:
    server = build_server(Settings.load(env={}, access_token="x", account_id="a"))
    hidden = [t for t in ALL_TOOLS if t.name not in server.specs]
    assert hidden
    pattern = re.compile(rf"\b({'|'.join(re.escape(t.name) for t in hidden)})\b")
    name = hidden[0].name
    texts = [
        "",
        "no underscore here",
        f"call {name} next",
        f"({name}),{name}.",
        f"x{name} {name}x _{name} {name}_ é{name} {name}é",
        f"{name}\n{hidden[-1].name}",
        "ACC_TOOLSETS=default list_projects",
    ]
    for text in texts:
        named = set(pattern.findall(text))
        notes = [
            f"{t.name} is in the {t.toolset!r} toolset, off here (ACC_TOOLSETS=default,{t.toolset})."
            for t in ALL_TOOLS
            if t.name in named
        ]
        assert server._point(text) == (" ".join([text, *notes]) if notes else text), text


async def test_the_call_guard_stops_work_that_never_asks_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadline, "GRACE", 0.05)
    started = anyio.current_time()
    with pytest.raises(TimeoutError), deadline.tool_call(0.05) as call:
        assert deadline.current() is call
        await anyio.sleep(5)
    assert anyio.current_time() - started < 2
    assert deadline.current() is None
    with pytest.raises(KeyError), deadline.tool_call(10):
        raise KeyError("not a time-out")
    assert deadline.current() is None


async def test_fail_after_times_out_its_own_block_only() -> None:
    with pytest.raises(TimeoutError), deadline.fail_after(0.01):
        await anyio.sleep(5)
    with pytest.raises(ValueError), deadline.fail_after(5):
        raise ValueError("passes through")
    with anyio.CancelScope() as outer:
        with deadline.fail_after(5):  # an outer cancellation is not a time-out
            outer.cancel()
            await anyio.sleep(5)
    assert outer.cancelled_caught
    with deadline.fail_after(5) as scope:
        await anyio.sleep(0)
    assert not scope.cancelled_caught


async def test_names_are_worked_out_once_per_load_of_their_lists(
    sandbox_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []
    people = lookups._people_names

    def counted(listed: Any, members: Any) -> dict[str, str]:
        built.append(1)
        return people(listed, members)

    monkeypatch.setattr(lookups, "_people_names", counted)
    made: list[Runtime] = []

    def runtime(*args: Any, **kwargs: Any) -> Runtime:
        made.append(Runtime(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(server_module, "Runtime", runtime)
    args = {"project": "hospital", "limit": 5}
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        first = await client.call_tool("list_issues", args)
        second = await client.call_tool("list_issues", args)
        assert len(built) == 1 and first.content == second.content
        for entry in made[0]._cache.values():
            entry.at -= 10_000  # every cached list expired: loaded again, names worked out again
        third = await client.call_tool("list_issues", args)
    assert len(built) == 2 and third.content == first.content


async def test_a_tool_calls_lists_are_remembered_for_the_call_only() -> None:
    from acc_mcp.tools import runtime

    with one_call():
        assert runtime._CALL_MEMO.get() == {}
        with one_call():
            assert runtime._CALL_MEMO.get() == {}
        assert runtime._CALL_MEMO.get() is not None
    assert runtime._CALL_MEMO.get() is None


def test_the_query_fingerprint_is_sha256() -> None:
    args = {"project": ["b.1"], "status": None, "limit": 5, "cursor": "x"}
    raw = json.dumps(["list_issues", {"project": ["b.1"]}], sort_keys=True, default=str).encode()
    assert fingerprint("list_issues", args) == hashlib.sha256(raw).hexdigest()[:8]
