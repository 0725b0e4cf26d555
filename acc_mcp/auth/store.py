"""Where sign-ins live between runs: a per-user file (or the OS keyring), safe across crashes and processes.

The file is `tokens.json` in the user's data folder (platformdirs; `ACC_TOKEN_STORE_DIR` overrides), one
entry per client id and APS host. It is written the only way that survives a crash: a temporary file in
the same folder, fsynced, then renamed over the old one, so a reader sees the old file or the new one,
never half of one. The folder is 0700 and the file 0600.

APS refresh tokens are single-use, so two processes refreshing the same sign-in at once would log the
user out. `lock()` is a lock file held with `flock` (or `msvcrt.locking` on Windows): whoever holds it
re-reads the store before refreshing, and finds the other process's fresh tokens instead of spending the
refresh token again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..errors import AuthError
from .tokens import TokenSet

FILE_NAME = "tokens.json"
LOCK_NAME = "tokens.lock"
LOCK_TIMEOUT = 60.0
"""Longer than one refresh request can take; past it something is stuck, and the user is told."""
_KEYRING_SERVICE = "acc-mcp"


class StoreError(AuthError):
    """The store cannot be read or written; the message says what to do."""


def entry_key(client_id: str, base_url: str) -> str:
    """One entry per app and APS host: a sandbox sign-in never stands in for a real one."""
    return f"{client_id}@{urlsplit(base_url).netloc or base_url}"


def default_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("acc-mcp", appauthor=False))


class TokenStore(Protocol):
    location: str

    def load(self, key: str) -> TokenSet | None: ...
    def save(self, key: str, tokens: TokenSet) -> None: ...
    def delete(self, key: str) -> bool: ...
    def lock(self, timeout: float = LOCK_TIMEOUT) -> contextlib.AbstractContextManager[None]: ...


class FileStore:
    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory else default_dir()
        self.path = self.directory / FILE_NAME
        self.location = str(self.path)

    # --- reading ------------------------------------------------------------------------------

    def load(self, key: str) -> TokenSet | None:
        entry = self._entries().get(key)
        if entry is None:
            return None
        try:
            return TokenSet.from_json(entry)
        except (TypeError, ValueError):
            raise self._damaged("an entry is malformed") from None

    def _entries(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError(
                f"Cannot read the token store {self.path} ({exc.strerror}). Check its permissions, "
                "or delete it and run `acc-mcp login`."
            ) from None
        try:
            data = json.loads(raw)
        except ValueError:
            raise self._damaged("it is not valid JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            raise self._damaged("it has an unknown layout")
        return dict(data["entries"])

    def _damaged(self, why: str) -> StoreError:
        return StoreError(f"The token store {self.path} is damaged ({why}). Run `acc-mcp login` to sign in again.")

    # --- writing (callers hold `lock()`) --------------------------------------------------------

    def save(self, key: str, tokens: TokenSet) -> None:
        try:
            entries = self._entries()
        except StoreError:
            entries = self._set_aside()
        entries[key] = tokens.to_json()
        self._write(entries)

    def delete(self, key: str) -> bool:
        try:
            entries = self._entries()
        except StoreError:
            self._set_aside()
            return True
        if entries.pop(key, None) is None:
            return False
        self._write(entries)
        return True

    def _set_aside(self) -> dict[str, Any]:
        """Keep a damaged file for inspection and start afresh: signing in again must always work."""
        with contextlib.suppress(OSError):
            os.replace(self.path, self.path.with_suffix(".damaged"))
        return {}

    def _write(self, entries: dict[str, Any]) -> None:
        self._ensure_dir()
        # Writers hold the lock, so any temporary file still here was left by a writer that crashed.
        for stale in self.directory.glob(".tokens-*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        data = json.dumps({"version": 1, "entries": entries}, indent=1).encode()
        # mkstemp creates the file 0600, so the tokens are never readable by others, even for a moment.
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tokens-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.directory)

    def _ensure_dir(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if sys.platform != "win32" and self.directory.stat().st_mode & 0o077:
            os.chmod(self.directory, 0o700)

    # --- locking --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        self._ensure_dir()
        with _locked(self.directory / LOCK_NAME, timeout):
            yield


class KeyringStore:
    """Entries in the OS keyring (`ACC_TOKEN_STORE=keyring`); the lock file still lives in the data folder."""

    def __init__(self, directory: Path | str | None = None, backend: Any = None) -> None:
        if backend is None:
            try:
                import keyring as backend  # type: ignore[no-redef]
            except ImportError:
                from ..errors import ConfigError

                raise ConfigError("ACC_TOKEN_STORE: keyring is not installed (pip install keyring)") from None
        self._keyring = backend
        self._files = FileStore(directory)
        self.location = f"OS keyring, service {_KEYRING_SERVICE!r}"

    def load(self, key: str) -> TokenSet | None:
        try:
            raw = self._keyring.get_password(_KEYRING_SERVICE, key)
        except Exception as exc:  # keyring backends raise their own types
            raise StoreError(f"Cannot read the OS keyring ({type(exc).__name__}). Run `acc-mcp login`.") from None
        if raw is None:
            return None
        try:
            return TokenSet.from_json(json.loads(raw))
        except (TypeError, ValueError):
            raise StoreError(
                "The keyring entry for acc-mcp is damaged. Run `acc-mcp login` to sign in again."
            ) from None

    def save(self, key: str, tokens: TokenSet) -> None:
        self._keyring.set_password(_KEYRING_SERVICE, key, json.dumps(tokens.to_json()))

    def delete(self, key: str) -> bool:
        if self._keyring.get_password(_KEYRING_SERVICE, key) is None:
            return False
        self._keyring.delete_password(_KEYRING_SERVICE, key)
        return True

    def lock(self, timeout: float = LOCK_TIMEOUT) -> contextlib.AbstractContextManager[None]:
        return self._files.lock(timeout)


def open_store(kind: str = "file", directory: str | None = None) -> TokenStore:
    return KeyringStore(directory) if kind == "keyring" else FileStore(directory)


@contextlib.contextmanager
def _locked(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on `path` between processes (and between threads: each call opens its own fd)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"Another acc-mcp process has held the token store lock {path} for {timeout:.0f} s. "
                    "If none is running, delete that file and try again."
                )
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _fsync_dir(path: Path) -> None:
        pass  # NTFS renames are journaled; directories cannot be opened for fsync

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _fsync_dir(path: Path) -> None:
        # Makes the rename itself durable: without it a power cut can bring the old directory entry back.
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
