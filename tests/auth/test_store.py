"""The token store: permissions, atomic replace under a crash, the cross-process lock, damage handling."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from acc_mcp.auth import FileStore, KeyringStore, StoreError, TokenSet, entry_key, open_store

KEY = "client-1@developer.api.autodesk.com"


def tokens(n: int = 1, **kw: Any) -> TokenSet:
    return TokenSet(access_token=f"access-{n}", refresh_token=f"refresh-{n}", expires_at=1e10, scope="data:read", **kw)


def test_roundtrip_and_one_entry_per_app_and_host(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "acc")
    assert store.load(KEY) is None
    store.save(KEY, tokens(1, user="Wei Chen <wei@example.com>"))
    other = entry_key("client-1", "http://127.0.0.1:8765")
    store.save(other, tokens(2))
    assert store.load(KEY) == tokens(1, user="Wei Chen <wei@example.com>")
    assert store.load(other) == tokens(2)
    assert entry_key("client-1", "https://developer.api.autodesk.com") == KEY
    assert store.delete(KEY) is True
    assert store.delete(KEY) is False
    assert store.load(KEY) is None and store.load(other) == tokens(2)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_is_0600_in_a_0700_folder(tmp_path: Path) -> None:
    folder = tmp_path / "acc"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # a folder someone made too open is tightened
    store = FileStore(folder)
    store.save(KEY, tokens())
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert [p.name for p in folder.iterdir() if p.name.startswith(".tokens-")] == []


def test_default_location_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    store = open_store()
    assert isinstance(store, FileStore)
    if sys.platform.startswith("linux"):
        assert store.path == tmp_path / "acc-mcp" / "tokens.json"
    assert open_store("file", str(tmp_path / "x")).location == str(tmp_path / "x" / "tokens.json")


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"entries": {"' + KEY.encode() + b'": {"x": 1}}}'])
def test_damaged_store_says_to_log_in_and_login_can_overwrite_it(tmp_path: Path, content: bytes) -> None:
    store = FileStore(tmp_path)
    store.path.write_bytes(content)
    with pytest.raises(StoreError, match="acc-mcp login"):
        store.load(KEY)
    store.save(KEY, tokens(3))  # signing in again always works
    assert store.load(KEY) == tokens(3)
    if b"entries" not in content:  # a file that cannot be parsed at all is kept aside for inspection
        assert (tmp_path / "tokens.damaged").read_bytes() == content


def test_unreadable_store_is_a_clear_error(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    store.path.mkdir()  # unreadable as a file, even for root (who ignores permission bits)
    with pytest.raises(StoreError, match="Cannot read the token store"):
        store.load(KEY)


_WRITER = textwrap.dedent(
    """
    import os, sys
    from acc_mcp.auth import FileStore, TokenSet
    store = FileStore(sys.argv[1])
    mode = sys.argv[2]
    if mode == "hang-before-rename":
        real = os.replace
        def stuck(src, dst):
            print("written", flush=True)
            sys.stdin.readline()  # killed here: the new file is complete but not yet in place
            real(src, dst)
        os.replace = stuck
        store.save("k", TokenSet("new-access", 1e10, "new-refresh"))
    else:
        i = 0
        while True:
            i += 1
            store.save("k", TokenSet(f"access-{i}" + "x" * 20000, 1e10, f"refresh-{i}"))
            if i == 1:
                print("running", flush=True)
    """
)


def _writer(tmp_path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(tmp_path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_before_rename_keeps_the_old_tokens(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    store.save("k", TokenSet("old-access", 1e10, "old-refresh"))
    child = _writer(tmp_path, "hang-before-rename")
    assert child.stdout is not None and child.stdout.readline().strip() == "written"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert store.load("k") == TokenSet("old-access", 1e10, "old-refresh")
    assert list(tmp_path.glob(".tokens-*.tmp"))  # the dead writer's temporary file …
    store.save("k", TokenSet("next", 1e10))
    assert not list(tmp_path.glob(".tokens-*.tmp"))  # … is cleared by the next write


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_at_any_moment_of_a_write_leaves_a_readable_store(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    for delay in (0.0, 0.003, 0.011, 0.02, 0.037, 0.05):
        child = _writer(tmp_path, "loop")
        assert child.stdout is not None and child.stdout.readline().strip() == "running"
        time.sleep(delay)  # vary where in the write loop the kill lands
        child.send_signal(signal.SIGKILL)
        child.wait()
        got = store.load("k")
        assert got is not None and got.access_token.startswith("access-")
        assert got.refresh_token == "refresh-" + got.access_token.split("-")[1].rstrip("x")


_HOLDER = textwrap.dedent(
    """
    import sys
    from acc_mcp.auth import FileStore
    with FileStore(sys.argv[1]).lock():
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def test_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "locked"
    with pytest.raises(StoreError, match="lock"), store.lock(timeout=0.1):
        pass
    child.stdin.write("\n")
    child.stdin.flush()
    child.wait(10)
    with store.lock(timeout=5):
        pass


class FakeKeyring:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, key: str) -> str | None:
        return self.items.get((service, key))

    def set_password(self, service: str, key: str, value: str) -> None:
        self.items[(service, key)] = value

    def delete_password(self, service: str, key: str) -> None:
        del self.items[(service, key)]


def test_keyring_backend(tmp_path: Path) -> None:
    ring = FakeKeyring()
    store = KeyringStore(tmp_path, backend=ring)
    store.save(KEY, tokens())
    assert store.load(KEY) == tokens()
    assert json.loads(ring.items[("acc-mcp", KEY)])["access_token"] == "access-1"
    assert not (tmp_path / "tokens.json").exists()
    with store.lock(timeout=1):
        pass
    ring.items[("acc-mcp", KEY)] = "garbage"
    with pytest.raises(StoreError, match="acc-mcp login"):
        store.load(KEY)
    assert store.delete(KEY) is True and store.load(KEY) is None


def test_token_set_never_prints_its_tokens() -> None:
    shown = repr(tokens()) + str(tokens())
    assert "access-1" not in shown and "refresh-1" not in shown
