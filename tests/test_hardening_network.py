"""The hardening issue (#12), network and files: logs, cookies, hosts, downloads. Each test fails without its fix."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from acc_mcp.config import Settings
from acc_mcp.errors import ConfigError, InvalidInput, UpstreamError
from acc_mcp.safety import check_bind, redact, safe_child
from acc_mcp.sandbox import build_app

from .harness import FaultTransport, faulty_server, sample_values
from .test_hardening import HOST, make

pytestmark = pytest.mark.anyio


# --- network and files ----------------------------------------------------------------------------------


def test_child_loggers_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpcore2.http11").debug(
        "receive_response_headers.complete return_value=%r",
        (b"HTTP/1.1", 200, [(b"Set-Cookie", b"session=COOKIE123"), (b"Location", b"/f?X-Amz-Signature=SIG123")]),
    )
    logging.getLogger("httpx2").info("GET https://s3.amazonaws.com/b/f?X-Amz-Signature=SIG456 200")
    text = caplog.text
    assert "COOKIE123" not in text and "SIG123" not in text and "SIG456" not in text
    assert "[redacted]" in text


def test_redact_known_and_bearer_tokens() -> None:
    assert "tok" not in redact("Authorization: Bearer tok")


async def test_no_cookie_is_kept_between_requests() -> None:
    sent: list[str | None] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request.headers.get("cookie"))
        return httpx2.Response(200, json={}, headers={"Set-Cookie": "session=abc; Domain=developer.api.autodesk.com"})

    client, _ = make(handler)
    async with client:
        await client.get(f"{HOST}/x")
        await client.get(f"{HOST}/y")
    assert sent == [None, None]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/sandbox-files/x.jpg",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.5/x.jpg",
        "https://localhost/x.jpg",
        "https://evil.example.com/x.jpg",
        "http://bucket.s3.amazonaws.com/x.jpg",
        "https://s3.amazonaws.com.evil.com/x.jpg",
    ],
)
async def test_file_bytes_only_from_acc_hosts(url: str) -> None:
    fetched: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        fetched.append(str(request.url))
        return httpx2.Response(200, content=b"\xff\xd8\xff")

    client, _ = make(answer)
    async with client:
        with pytest.raises(UpstreamError, match="does not fetch"):
            await client.fetch_bytes(url, max_bytes=1000)
        assert await client.fetch_bytes("https://bucket.s3.amazonaws.com/x.jpg?sig=1", max_bytes=1000)
    assert fetched == ["https://bucket.s3.amazonaws.com/x.jpg?sig=1"]


async def test_only_a_real_image_is_attached() -> None:
    client, _ = make(
        lambda r: httpx2.Response(200, content=b"<html>login</html>", headers={"content-type": "image/jpeg"})
    )
    async with client:
        with pytest.raises(UpstreamError, match="not return an image"):
            await client.fetch_image("https://cdn.autodesk.com/t.jpg", max_bytes=1000)
    app = build_app()
    transport = FaultTransport(app)
    async with Client(faulty_server(app, transport)) as mcp:
        samples = sample_values(app)
        transport.inject("string", path="/sandbox-files/")
        result = await mcp.call_tool("get_photo", {"project": samples["project"], "photo": samples["photo"]})
    # The photo's facts still come back; the note says why there is no picture.
    assert not result.is_error and not [b for b in result.content if b.type == "image"]
    assert "No picture attached" in result.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://developer.api.autodesk.com", False),
        ("http://10.1.2.3:8080", False),
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("http://[::1]:8765", True),
        ("https://developer.api.autodesk.com", True),
    ],
)
def test_plain_http_base_url_only_for_loopback(url: str, ok: bool) -> None:
    if ok:
        assert Settings.load(env={"ACC_BASE_URL": url}).base_url == url
    else:
        with pytest.raises(ConfigError, match="ACC_BASE_URL"):
            Settings.load(env={"ACC_BASE_URL": url})


def test_non_loopback_host_needs_auth_or_explicit_allowance() -> None:
    assert check_bind("127.0.0.1", Settings()) is None
    with pytest.raises(ConfigError, match="ACC_ALLOW_REMOTE"):
        check_bind("0.0.0.0", Settings())
    assert "WITHOUT authentication" in (check_bind("0.0.0.0", Settings(allow_remote=True)) or "")
    assert check_bind("192.168.1.5", Settings(auth_passthrough=True))
    proc = subprocess.run(
        [sys.executable, "-m", "acc_mcp", "demo", "--transport", "http", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "ACC_ALLOW_REMOTE"},
    )
    assert proc.returncode == 2 and "--host 0.0.0.0" in proc.stderr


@pytest.mark.parametrize("name", ["../escape.csv", "ABSOLUTE", "a\x00b.csv", "", " ", "sub/../../x", "C:\\x.csv"])
async def test_download_names_that_escape_are_refused(tmp_path: Path, name: str) -> None:
    # The absolute name points inside tmp_path: a regression must never write over a real file.
    name = str(tmp_path / "absolute.csv") if name == "ABSOLUTE" else name
    folder = tmp_path / "downloads"
    with pytest.raises(InvalidInput):
        safe_child(folder, name)
    client, _ = make(lambda r: httpx2.Response(200, content=b"data"))
    async with client:
        with pytest.raises(InvalidInput):
            await client.download("https://bucket.s3.amazonaws.com/f?sig=1", folder, name)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


async def test_download_never_saves_a_redirect_or_html_and_cleans_stale_temporaries(tmp_path: Path) -> None:
    stale = tmp_path / ".old.csv.999999999.x1.part"  # left by a process killed mid-write
    stale.write_bytes(b"half")
    answers = iter(
        [
            httpx2.Response(302, headers={"Location": "https://login.autodesk.com/"}),
            httpx2.Response(200, content=b"<!DOCTYPE html><html>sign in</html>"),
            httpx2.Response(200, content=b"id,title\n1,x\n", headers={"content-type": "text/csv"}),
        ]
    )
    client, _ = make(lambda r: next(answers))
    url = "https://bucket.s3.amazonaws.com/f.csv?X-Amz-Signature=1"
    async with client:
        for _ in range(2):
            with pytest.raises(UpstreamError):
                await client.download(url, tmp_path, "f.csv")
            assert not (tmp_path / "f.csv").exists()
        assert await client.download(url, tmp_path, "f.csv") == 13
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv"]
