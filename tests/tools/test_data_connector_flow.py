"""The whole Data Connector flow through the SDK client against the sandbox, and its bad inputs.

Waiting runs on the sandbox's clock: `deadline.sleep` is replaced by a step of that clock, so a job goes
queued → running → complete while the test sleeps for nothing, and the progress the client receives is real.
"""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio.lowlevel
import httpx2
import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp import deadline
from acc_mcp.demo import demo_server
from acc_mcp.sandbox.data_connector_data import JOB_LIMIT, JOB_WINDOW, extract_files
from tests.tools.dc_sandbox import dc_state, new_job
from tests.tools.recorder import Recorder, recording_server
from tests.tools.test_data_connector import call

pytestmark = pytest.mark.anyio


@pytest.fixture
def sandbox_sleep(sandbox_app: Starlette, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Sleeping moves the sandbox clock (and the deadline's) instead of waiting."""
    state, slept = dc_state(sandbox_app), []
    state.runs_for = timedelta(seconds=9)  # long enough to be seen running
    now = [1000.0]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        state.offset += timedelta(seconds=seconds)
        now[0] += seconds
        await anyio.lowlevel.checkpoint()

    monkeypatch.setattr(deadline, "sleep", sleep)
    monkeypatch.setattr(deadline, "clock", lambda: now[0])
    return slept


@pytest.fixture
async def client(sandbox_app: Starlette, tmp_path: Path) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "all", "download_dir": str(tmp_path)}, app=sandbox_app)) as c:
        yield c


async def error(client: Client, tool: str, **args: Any) -> str:
    result = await client.call_tool(tool, args)
    text = "\n".join(b.text for b in result.content if b.type == "text")
    assert result.is_error, text
    return text


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


async def test_create_wait_list_and_download(
    client: Client, sandbox_app: Starlette, sandbox_sleep: list[float], tmp_path: Path
) -> None:
    text, created = await call(client, "create_data_connector_request", description="Flow", service_groups=["issues"])
    assert "get_data_connector_job(request=" in text  # a follow-up this server exposes
    assert created["from"] == "2026-11-02"  # the sandbox's day, not the machine's

    messages: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        messages.append(message or "")

    result = await client.call_tool(
        "get_data_connector_job", {"request": created["id"][:8], "wait": 30}, progress_callback=on_progress
    )
    text = result.content[0].text  # type: ignore[union-attr]
    assert not result.is_error, text
    job = result.structured_content or {}
    assert job["status"] == "complete, success" and "Files (" in text
    assert any("queued" in m for m in messages) and any("running" in m for m in messages)

    state = dc_state(sandbox_app)
    sandbox_job = state.jobs[job["id"]]
    served = {f.name: f.body for f in extract_files(state, sandbox_job, state.now())}
    assert {f["name"] for f in job["files"]} == set(served)

    text, saved = await call(
        client, "download_data_connector_file", job=job["id"][:8], file="autodesk_data_extract.zip"
    )
    path = Path(saved["path"])
    assert path.parent == tmp_path / job["id"] and path.read_bytes() == served["autodesk_data_extract.zip"]
    assert saved["members"] == zipfile.ZipFile(path).namelist() and "Contains" in text
    assert "Signature" not in text and "sandbox-files" not in text

    text, saved = await call(client, "download_data_connector_file", job=job["id"][:8], file="issues_issues.csv")
    data = served["issues_issues.csv"]
    assert Path(saved["path"]).read_bytes() == data and saved["size"] == len(data)
    assert ",".join(saved["header"]) == data.decode().splitlines()[0] and len(saved["rows"]) == 5
    assert sorted(p.name for p in leftovers(tmp_path)) == ["autodesk_data_extract.zip", "issues_issues.csv"]


async def test_cancel_a_queued_job(client: Client, sandbox_app: Starlette) -> None:
    job = await new_job(sandbox_app, finished=False)
    text, _ = await call(client, "cancel_data_connector_job", job=job[:8])
    assert "Cancelled" in text
    _, shown = await call(client, "get_data_connector_job", job=job)
    assert shown["status"] == "complete, cancelled"
    text, _ = await call(client, "cancel_data_connector_job", job=job)
    assert "already finished (cancelled): nothing to cancel" in text


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/passwd", "sub/../../x.csv", "C:\\x.csv"])
async def test_a_name_that_escapes_the_folder_is_refused(
    client: Client, sandbox_app: Starlette, tmp_path: Path, name: str
) -> None:
    job = await new_job(sandbox_app, finished=True)
    text = await error(client, "download_data_connector_file", job=job[:8], file=name)
    assert "download folder" in text or "plain" in text
    assert leftovers(tmp_path) == [] and not (tmp_path.parent / "evil.csv").exists()


async def test_unknown_job_or_file(client: Client, sandbox_app: Starlette) -> None:
    assert "list_data_connector_jobs" in await error(client, "get_data_connector_job", job="0badc0de")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert "list_data_connector_jobs" in await error(client, "download_data_connector_file", job=unknown, file="a.csv")
    job = await new_job(sandbox_app, finished=True)
    text = await error(client, "download_data_connector_file", job=job[:8], file="nope.csv")
    assert "has no file 'nope.csv'" in text and "issues_issues.csv" in text


async def test_update_after_delete_is_a_clear_404_sent_once(sandbox_app: Starlette, tmp_path: Path) -> None:
    server, log = recording_server(sandbox_app, toolsets="all", download_dir=str(tmp_path))
    request_id = next(iter(dc_state(sandbox_app).requests))
    async with Client(server) as client:
        await call(client, "delete_data_connector_request", request=request_id)
        text = await error(client, "update_data_connector_request", request=request_id, active=False)
        assert "404" in text and "list_data_connector_requests" in text
        assert "Nothing to change" in await error(client, "update_data_connector_request", request=request_id)
    assert [r.method for r in log if r.method in ("PATCH", "DELETE")] == ["DELETE", "PATCH"]


async def test_the_25th_job_of_a_day_is_refused_once(sandbox_app: Starlette, tmp_path: Path) -> None:
    state = dc_state(sandbox_app)
    while len([j for j in state.jobs.values() if state.now() - JOB_WINDOW < j.created_at]) < JOB_LIMIT:
        await new_job(sandbox_app, finished=True)
    server, log = recording_server(sandbox_app, toolsets="all", download_dir=str(tmp_path))
    async with Client(server) as client:
        text = await error(client, "create_data_connector_request", description="25th", service_groups=["rfis"])
    assert "24 jobs per 24 hours" in text and "25th" in text and "Try again in about" in text, text
    assert len([r for r in log if r.method == "POST"]) == 1  # not repeated


class CutShort(Recorder):
    """Signed-URL downloads end after the first 100 bytes, as a dropped connection would leave them."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await super().handle_async_request(request)
        if not request.url.path.startswith("/sandbox-files/"):
            return response
        body = (await response.aread())[:100]
        return httpx2.Response(200, headers=dict(response.headers), stream=_Broken(body))


class _Broken(httpx2.AsyncByteStream):
    def __init__(self, head: bytes) -> None:
        self.head = head

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        raise httpx2.ReadError("connection reset mid-stream")


async def test_a_download_cut_mid_stream_leaves_nothing(sandbox_app: Starlette, tmp_path: Path) -> None:
    job = await new_job(sandbox_app, finished=True)
    transport = CutShort(sandbox_app)
    server = demo_server({"toolsets": "all", "download_dir": str(tmp_path)}, app=sandbox_app, transport=transport)
    async with Client(server) as client:
        text = await error(client, "download_data_connector_file", job=job[:8], file="issues_issues.csv")
    assert "Download" in text and "Signature" not in text
    assert leftovers(tmp_path) == []
    assert len([r for r in transport.log if r.url.path.startswith("/sandbox-files/")]) == 1


async def test_read_only_hides_and_refuses_the_writes(sandbox_app: Starlette) -> None:
    writes = {
        "create_data_connector_request",
        "update_data_connector_request",
        "delete_data_connector_request",
        "cancel_data_connector_job",
    }
    async with Client(demo_server({"toolsets": "all", "read_only": "true"}, app=sandbox_app)) as client:
        listed = {t.name for t in (await client.list_tools()).tools}
        assert not writes & listed and "download_data_connector_file" in listed
        request_id = next(iter(dc_state(sandbox_app).requests))
        assert "read-only" in await error(client, "delete_data_connector_request", request=request_id)
    assert request_id in dc_state(sandbox_app).requests
