"""The sandbox's large Data Connector file: generated to exactly its promised size, and served as a stream (the
1 GiB extract the benchmarks download) without ever being held whole."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from acc_mcp.sandbox.data_connector_data import LARGE_FILE_SIZE, Scope, large_issues_file
from acc_mcp.sandbox.world import SANDBOX_TODAY
from tests.sandbox.test_data_connector import base

pytestmark = pytest.mark.anyio


def test_large_stream_is_exactly_the_promised_size(world: World) -> None:
    scope = Scope("job", ["issues"], world.projects[:1], SANDBOX_TODAY)
    for size in (3_000_017, 2_000_000):
        big = large_issues_file(world, scope, size=size)[0]
        assert big.stream is not None and big.size == size
        data = b"".join(big.stream())
        assert len(data) == size
        rows = list(csv.reader(io.StringIO(data.decode())))
        assert len({len(row) for row in rows}) == 1 and rows[0][0] == "issue_id"


# The 1 GiB file: httpx's ASGITransport buffers a whole body, so stream through a transport that doesn't.


class _Chunks(httpx2.AsyncByteStream):
    def __init__(self, queue: asyncio.Queue[dict[str, Any]], task: asyncio.Task[None]) -> None:
        self.queue, self.task = queue, task

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            message = await self.queue.get()
            if message.get("body"):
                yield message["body"]
            if not message.get("more_body"):
                return

    async def aclose(self) -> None:
        self.task.cancel()


class StreamingASGITransport(httpx2.AsyncBaseTransport):
    """Runs the app in a task and hands body chunks over as they are sent, with backpressure (queue of 2)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.sent = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=2)
        body = await request.aread()
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw], "scheme": request.url.scheme,
            "path": request.url.path, "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query, "server": (request.url.host, 443), "client": ("127.0.0.1", 1),
            "root_path": "",
        }  # fmt: skip
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if body is not None and not done.is_set():
                done.set()
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the client never disconnects on its own; aclose cancels the app
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            self.sent += len(message.get("body", b""))
            await queue.put(message)

        task = asyncio.create_task(self.app(scope, receive, send))
        start = await queue.get()
        return httpx2.Response(start["status"], headers=start["headers"], stream=_Chunks(queue, task))


async def test_large_file_streams_with_exact_length() -> None:
    world = World.build(large=True)
    app = build_app(world)
    transport = StreamingASGITransport(app)
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    async with httpx2.AsyncClient(
        transport=transport, base_url="https://developer.api.autodesk.com", headers=headers
    ) as client:
        reqs = (await client.get(f"{base(world)}/requests", params={"sort": "desc", "limit": 1})).json()["results"]
        assert reqs[0]["description"] == "All projects issues history (benchmark)"
        job = (await client.get(f"{base(world)}/requests/{reqs[0]['id']}/jobs")).json()["results"][0]
        listing = (await client.get(f"{base(world)}/jobs/{job['id']}/data-listing")).json()
        big = next(f for f in listing if f["name"] == "issues_issues.csv")
        assert big["size"] == LARGE_FILE_SIZE
        signed = (await client.get(f"{base(world)}/jobs/{job['id']}/data/issues_issues.csv")).json()
        transport.sent = 0
        async with client.stream("GET", signed["signedUrl"]) as response:
            assert response.status_code == 200
            assert int(response.headers["content-length"]) == LARGE_FILE_SIZE
            first = b""
            async for chunk in response.aiter_raw():
                first += chunk
                if len(first) >= 4096:
                    break
        assert first.startswith(b"issue_id,bim360_account_id,bim360_project_id,display_id,title,")
        assert world.projects[-1]["id"].encode() in first
        assert transport.sent < 16 * 1024 * 1024  # a few chunks were produced, not the whole gigabyte
