"""Stopping a stdio server: promptly on Ctrl+C, and never in the middle of a token refresh.

The SDK's stdio transport reads stdin in a worker thread that cannot be interrupted: on Ctrl+C the
event loop is cancelled but waits for that thread, that is for another line of input, which in a terminal
never comes. So `run_stdio` watches SIGINT and SIGTERM itself: it stops taking work, lets any `critical()`
section finish (a token refresh and the store write that keeps its answer: a refresh token is single-use,
so a process that dies between APS's answer and the write loses the user's sign-in), and then exits at
once, without waiting for the reader thread.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress

import anyio

GRACE = 20.0
"""At most this long is waited for critical sections after a signal (a refresh has its own time-outs)."""

_busy = 0


@contextmanager
def critical() -> Iterator[None]:
    """Mark work that a signal must let finish (it should also be shielded from cancellation)."""
    global _busy
    _busy += 1
    try:
        yield
    finally:
        _busy -= 1


def busy() -> int:
    return _busy


async def idle(timeout: float = GRACE) -> bool:
    """Wait until no critical section is running (True), or `timeout` passes (False)."""
    with anyio.move_on_after(timeout):
        while _busy:
            await anyio.sleep(0.02)
        return True
    return False


def _hard_exit(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(code)


async def serve_until_signal(
    serve: Callable[[], Awaitable[None]],
    *,
    exit: Callable[[int], None] = _hard_exit,
    signals: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM),
) -> None:
    """Run `serve` until it returns (stdin closed) or a signal arrives; on a signal, stop and `exit`."""
    async with anyio.create_task_group() as tg:
        server_scope = anyio.CancelScope()

        async def run() -> None:
            with server_scope:
                await serve()
            if not server_scope.cancel_called:
                tg.cancel_scope.cancel()  # served to the end (EOF): nothing left to watch

        tg.start_soon(run)
        with anyio.open_signal_receiver(*signals) as received:
            async for signum in received:
                server_scope.cancel()  # no new work; shielded critical sections carry on
                await idle()
                exit(128 + signum)
                return


def run_stdio(serve: Callable[[], Awaitable[None]]) -> None:
    """`acc-mcp serve|demo` on stdio: one Ctrl+C (or SIGTERM) stops it promptly and safely."""
    try:
        if sys.platform == "win32":  # no signal receivers there: the SDK's own handling
            anyio.run(serve)
        else:
            anyio.run(serve_until_signal, serve)
    except BaseExceptionGroup as group:
        # The client went away (its end of stdout closed): the same quiet exit as `acc-mcp call … | head`.
        _, rest = group.split(BrokenPipeError)
        if rest is None:
            raise BrokenPipeError from None
        raise
