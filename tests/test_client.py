"""AccClient against httpx2.MockTransport: auth, routing, retries, errors, downloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from acc_mcp.client import AccClient, Exploded, RetryPolicy, StaticToken
from acc_mcp.config import Settings
from acc_mcp.errors import (
    AmbiguousWrite,
    AuthError,
    BadRequest,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    UpstreamError,
)

pytestmark = pytest.mark.anyio
TOKEN = "tok-SECRET-123"
HOST = "https://developer.api.autodesk.com"


def make(handler: Callable[[httpx2.Request], httpx2.Response], **settings: Any) -> tuple[AccClient, list[float]]:
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    client = AccClient(
        Settings(**settings),
        StaticToken(TOKEN),
        transport=httpx2.MockTransport(handler),
        retry=RetryPolicy(attempts=4),
        sleep=sleep,
    )
    return client, slept


async def test_bearer_region_and_b_prefix() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=[] if "/hq/" in request.url.path else {"ok": True})

    client, _ = make(handler, region="EMEA")
    async with client:
        assert await client.get(client.url("/construction/issues/v1/projects/{p}/issues", p="b.abc-1")) == {"ok": True}
        await client.get(client.url("/hq/v1/accounts/{a}/users", a="b.acc"))
    assert seen[0].url.path == "/construction/issues/v1/projects/abc-1/issues"
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].headers["x-ads-region"] == "EMEA" and seen[0].headers["region"] == "EMEA"
    assert seen[1].url.path == "/hq/v1/regions/eu/accounts/acc/users"


async def test_exploded_arrays_repeat_the_key_other_lists_are_comma_separated() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={"results": []})

    client, _ = make(handler)
    async with client:
        params = {"statuses": Exploded(["draft", "submitted"]), "filter[status]": ["open", "closed"], "a": True}
        await client.get(client.url("/construction/forms/v1/projects/{p}/forms", p="p1"), params=params)
    assert seen[0].url.params.multi_items() == [
        ("statuses", "draft"),
        ("statuses", "submitted"),
        ("filter[status]", "open,closed"),
        ("a", "true"),
    ]


async def test_bad_id_is_refused_before_sending() -> None:
    client, _ = make(lambda r: httpx2.Response(200))
    with pytest.raises(InvalidInput):
        client.url("/construction/admin/v1/projects/{p}", p="../../etc")


async def test_429_honours_retry_after_then_succeeds() -> None:
    responses = iter([httpx2.Response(429, headers={"Retry-After": "2"}), httpx2.Response(200, json=[1])])
    client, slept = make(lambda r: next(responses))
    async with client:
        assert await client.get(f"{HOST}/x") == [1]
    assert 2 <= slept[0] <= 2.2


async def test_429_storm_gives_rate_limited_with_wait() -> None:
    client, slept = make(lambda r: httpx2.Response(429, headers={"Retry-After": "1"}))
    async with client:
        with pytest.raises(RateLimited, match="try again in 1 s") as info:
            await client.get(f"{HOST}/x")
    assert len(slept) == 3 and info.value.retry_after == 1


async def test_long_retry_after_is_not_waited_out() -> None:
    client, slept = make(lambda r: httpx2.Response(429, headers={"Retry-After": "3600"}))
    async with client:
        with pytest.raises(RateLimited, match="3600 s"):
            await client.get(f"{HOST}/x")
    assert slept == []


async def test_5xx_retried_for_get_not_for_create() -> None:
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request.method)
        return httpx2.Response(503, json={"developerMessage": "down"})

    client, slept = make(handler)
    async with client:
        with pytest.raises(UpstreamError, match="503"):
            await client.get(f"{HOST}/x")
        assert calls.count("GET") == 4 and all(s <= 8 for s in slept)
        with pytest.raises(UpstreamError):
            await client.request("POST", f"{HOST}/requests", json={}, idempotent=False)
    assert calls.count("POST") == 1


async def test_create_retried_on_429_and_connect_error_only() -> None:
    outcomes: list[object] = [
        httpx2.ConnectError("refused"),
        httpx2.Response(429),
        httpx2.Response(201, json={"id": 1}),
    ]

    def handler(request: httpx2.Request) -> httpx2.Response:
        out = outcomes.pop(0)
        if isinstance(out, Exception):
            raise out
        assert isinstance(out, httpx2.Response)
        return out

    client, _ = make(handler)
    async with client:
        assert await client.request("POST", f"{HOST}/requests", json={}, idempotent=False) == {"id": 1}


async def test_read_timeout_on_create_is_not_repeated() -> None:
    calls = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        raise httpx2.ReadTimeout("slow")

    client, _ = make(handler)
    async with client:
        with pytest.raises(AmbiguousWrite, match="may have been applied"):
            await client.request("POST", f"{HOST}/requests", json={}, idempotent=False)
    assert calls == 1


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [(401, AuthError, "acc-mcp login"), (403, Forbidden, "403"), (404, NotFound, "404"), (400, BadRequest, "bad sort")],
)
async def test_status_to_error(status: int, error: type[Exception], text: str) -> None:
    body = {"developerMessage": f"bad sort; token Bearer {TOKEN}"}
    client, _ = make(lambda r: httpx2.Response(status, json=body))
    async with client:
        with pytest.raises(error, match=text) as info:
            await client.get(f"{HOST}/x")
    assert TOKEN not in str(info.value)


async def test_never_sends_token_to_another_host() -> None:
    client, _ = make(lambda r: httpx2.Response(200))
    async with client:
        with pytest.raises(InvalidInput):
            await client.get("https://evil.example.com/x")


async def test_missing_token_says_how_to_sign_in() -> None:
    client = AccClient(Settings(), StaticToken(None), transport=httpx2.MockTransport(lambda r: httpx2.Response(200)))
    with pytest.raises(AuthError, match="APS_ACCESS_TOKEN"):
        await client.get(f"{HOST}/x")


async def test_download_complete_or_absent(tmp_path: Path) -> None:
    data = b"a,b\n" * 10000

    def ok(request: httpx2.Request) -> httpx2.Response:
        assert "authorization" not in request.headers  # signed URLs carry their own credentials
        return httpx2.Response(200, content=data)

    client, _ = make(ok)
    async with client:
        assert await client.download("https://s3.amazonaws.com/f?sig=1", tmp_path, "f.csv") == len(data)
    assert (tmp_path / "f.csv").read_bytes() == data

    def short(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=data[:100], headers={"content-length": "100"})

    client, _ = make(short)
    async with client:
        with pytest.raises(UpstreamError, match="incomplete"):
            await client.download("https://s3.amazonaws.com/g", tmp_path, "g.csv", expected_size=len(data))
    assert not (tmp_path / "g.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]
