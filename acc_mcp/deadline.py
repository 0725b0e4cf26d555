"""The overall deadline of one tool call, and progress reports while it waits.

A tool call may make several requests, each retried, each perhaps told by ACC to come back in N seconds.
Left alone that adds up past any client's own time-out (a 429 storm with `Retry-After: 29` cost 90 s a
call). So the tool layer opens a `Deadline` around each call (`ACC_CALL_TIMEOUT`), and the client asks it
before every wait and every request: a wait that does not fit is not waited, a request gets only the time
that is left. Long waits are reported as MCP progress notifications, so a client sees the call is alive.

`clock` and `sleep` are module-level so that tests can replace them with a fake clock that advances when
slept on: a 429 storm then runs in microseconds while the arithmetic stays the real one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import TracebackType

import anyio

Progress = Callable[[float, str], Awaitable[None]]
"""Called with (how many waits so far, what is being waited for)."""

PROGRESS_AFTER = 1.0
"""Waits at least this long are announced as progress notifications."""


def clock() -> float:
    return time.monotonic()


async def sleep(seconds: float) -> None:
    await anyio.sleep(seconds)


def now() -> float:
    # `clock` is looked up at call time, so a test's replacement takes effect everywhere.
    return clock()


async def wait(seconds: float) -> None:
    await sleep(seconds)


@dataclass
class Deadline:
    seconds: float
    at: float
    progress: Progress | None = None
    waits: int = 0

    def remaining(self) -> float:
        return max(0.0, self.at - now())

    async def report(self, message: str) -> None:
        if self.progress is None:
            return
        self.waits += 1
        try:
            await self.progress(float(self.waits), message)
        except Exception:  # a client that cannot take progress must not fail the call
            self.progress = None


_current: ContextVar[Deadline | None] = ContextVar("acc_mcp_deadline", default=None)


@contextmanager
def call_deadline(seconds: float, progress: Progress | None = None) -> Iterator[Deadline]:
    """Make `seconds` from now the deadline of everything the client does in this context."""
    seconds = seconds if math.isfinite(seconds) and seconds > 0 else 0.0
    deadline = Deadline(seconds, now() + seconds, progress)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


GRACE = 2.0
"""The real-time guard fires this long after the deadline: the client should have stopped by then."""


class fail_after:  # named after what it stands for
    """`anyio.fail_after(delay)` as a plain class: a cancel scope with that deadline, and `TimeoutError` when
    the deadline cancelled the block. Entered on every tool call and every request, where anyio's two nested
    generator context managers cost more than the scope itself."""

    __slots__ = ("_scope",)

    def __init__(self, delay: float) -> None:
        self._scope = anyio.CancelScope(deadline=anyio.current_time() + delay)

    def __enter__(self) -> anyio.CancelScope:
        return self._scope.__enter__()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        swallowed = self._scope.__exit__(exc_type, exc, tb)
        if self._scope.cancelled_caught and anyio.current_time() >= self._scope.deadline:
            raise TimeoutError
        return bool(swallowed)


class tool_call:  # used as a function: `with tool_call(seconds, progress) as deadline:`
    """The deadline of one tool call, backed by a real-time guard (`TimeoutError`) for anything that
    does not ask the deadline (a hung lookup, a slow disk).

    `call_deadline(seconds, progress)` and `fail_after(seconds + GRACE)` inside it, as one plain class.
    """

    __slots__ = ("_guard", "_progress", "_seconds", "_token")

    def __init__(self, seconds: float, progress: Progress | None = None) -> None:
        self._seconds = seconds
        self._progress = progress

    def __enter__(self) -> Deadline:
        seconds = self._seconds if math.isfinite(self._seconds) and self._seconds > 0 else 0.0
        deadline = Deadline(seconds, now() + seconds, self._progress)
        self._token: Token[Deadline | None] = _current.set(deadline)
        try:
            self._guard = fail_after(self._seconds + GRACE)
            self._guard.__enter__()
        except BaseException:
            _current.reset(self._token)
            raise
        return deadline

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        try:
            return self._guard.__exit__(exc_type, exc, tb)
        finally:
            _current.reset(self._token)


def current() -> Deadline | None:
    return _current.get()


def remaining() -> float:
    """Seconds left in the current tool call (infinite outside one)."""
    deadline = _current.get()
    return math.inf if deadline is None else deadline.remaining()


async def pause(seconds: float, why: str) -> None:
    """Wait `seconds` (the caller has checked it fits), announcing a long wait as progress."""
    deadline = _current.get()
    if deadline is not None and seconds >= PROGRESS_AFTER:
        await deadline.report(f"{why}: waiting {math.ceil(seconds)} s before retrying.")
    await wait(seconds)
