"""What an endpoint row is: key, method, path, parameter names, paging, page limits.

Paths keep ACC's own placeholder names (`{projectId}`, `{account_id}`). Paging styles: `offset` (limit/offset in the
query, a `pagination` object), `offset-body` (the same in a JSON body), `array` (hq v1: a bare array),
`cursor` (`cursorState` in the query), `cursor-body` (`cursorState` in the next POST body), `none` (one
request returns the whole list). `items` names the key a list's items are under (`results`, Forms: `data`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_PLACEHOLDER = re.compile(r"{(\w+)}")
Paging = Literal["offset", "offset-body", "array", "cursor", "cursor-body", "none"]


@dataclass(frozen=True)
class Endpoint:
    key: str
    method: str
    path: str
    query: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    paging: Paging = "none"
    max_limit: int | None = None
    default_limit: int | None = None
    items: str = "results"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The path's `{name}`s, in order."""
        return tuple(_PLACEHOLDER.findall(self.path))


def E(
    key: str,
    route: str,
    query: str = "",
    *,
    body: str = "",
    paging: Paging = "none",
    max_limit: int | None = None,
    default_limit: int | None = None,
    items: str = "results",
) -> Endpoint:
    method, path = route.split(" ", 1)
    query_, body_ = tuple(query.split()), tuple(body.split())
    return Endpoint(key, method, path, query_, body_, paging, max_limit, default_limit, items)
