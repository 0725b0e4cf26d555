"""The duplicate guard of a write whose outcome may be unknown.

A tool that creates something remembers, per user, a fingerprint of each write it sent. A second identical
write within a window is refused unless the model says it wants a second one. A write whose outcome is
unknown (`AmbiguousWrite`: a 5xx, a timeout or reset after sending, an empty or malformed 2xx) arms the
guard too, since it may have been applied, and the model is told how to check before trying again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from . import deadline
from .errors import AmbiguousWrite, InvalidInput

Recent = dict[str, tuple[float, str | None]]
"""fingerprint → (when it was sent, the id created; None when the outcome is unknown)."""


def _check(lister: str) -> str:
    """What to do after an unknown outcome, by default: look, then ask for a second one only if it is missing."""
    return f"call {lister} to see whether it was created; if it was not, call again with allow_duplicate=true"


def check_duplicate(
    recent: Recent, key: str, *, allow: bool, window: float, lister: str, then: str | None = None
) -> None:
    """Refuse a write identical to one sent within `window` seconds, unless `allow`; `then`: what to do after an
    unknown outcome, where the tool has no allow_duplicate (as `_check` says it)."""
    previous = recent.get(key)
    if previous is None or allow:
        return
    ago = deadline.now() - previous[0]
    if ago >= window:
        return
    if previous[1] is None:
        raise InvalidInput(
            f"An identical write was sent {int(ago)} s ago and ACC did not confirm it: it may have been applied. "
            f"Do not simply retry: {then or _check(lister)}."
        )
    raise InvalidInput(
        f"An identical request was created {int(ago)} s ago (id {previous[1]}). Not creating it again. "
        "If a second one is really wanted, call again with allow_duplicate=true."
    )


@contextmanager
def guarded_write(recent: Recent, key: str, *, lister: str, then: str | None = None) -> Iterator[None]:
    """Around the request of a write: an ambiguous outcome arms the guard and says how to check."""
    try:
        yield
    except AmbiguousWrite as exc:
        recent[key] = (deadline.now(), None)
        raise AmbiguousWrite(f"{exc} Do not simply retry: {then or _check(lister)}.") from None


def record(recent: Recent, key: str, created_id: str, *, window: float) -> None:
    """Remember a confirmed write; forget those older than `window`, so the memory stays small."""
    now = deadline.now()
    for stale in [k for k, (at, _id) in recent.items() if now - at >= window]:
        del recent[stale]
    recent[key] = (now, created_id)
