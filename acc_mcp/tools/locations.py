"""Locations (construction/locations/v2): the project's location tree, each node shown as its path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InvalidInput
from ..views import F, View, name_of
from .base import Via
from .lookups import Names, listing
from .runtime import Runtime, Scope, fold
from .spec import ListSpec, tools

TREE = {"treeId": "default"}
"""A project has one location tree, which ACC calls `default`."""


def _joined(parts: list[str]) -> str:
    """Names from the top down as a path, a name that repeats its parent's standing for both
    ("Level 1 > Level 1 - North" is written "Level 1 - North")."""
    kept: list[str] = []
    for part in parts:
        if kept and part.startswith(kept[-1]) and part != kept[-1]:
            kept[-1] = part
        else:
            kept.append(part)
    return " > ".join(kept)


async def _paths(rt: Runtime, scope: Scope, join: Callable[[list[str]], str] = _joined) -> dict[str, str]:
    """Node id → "Level 3 > Room 301" (the root, which every path shares, left out)."""
    nodes = {
        str(n.get("id")): n
        for n in await listing(rt, "locations.nodes.list", scope, ids=TREE, want=10000, optional=True)
    }
    paths: dict[str, str] = {}
    for node_id, node in nodes.items():
        parts: list[str] = []
        at: dict[str, Any] | None = node
        while at is not None and at.get("parentId"):
            parts.append(str(at.get("name")))
            at = nodes.get(str(at.get("parentId")))
        paths[node_id] = join(parts[::-1]) or str(node.get("name"))
    return paths


async def _full_paths(rt: Runtime, scope: Scope) -> dict[str, str]:
    return await _paths(rt, scope, " > ".join)


PATHS = Names(("locations.nodes.list",), _paths)
"""Where a thing is, in other families' lines ("at Level 1 - North")."""
NESTED = Names(("locations.nodes.list",), _full_paths)
"""The tree itself, every parent written ("Level 1 > Level 1 - North"), so the nesting shows."""


def _squash(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


async def _location(rt: Runtime, scope: Scope, name: str, value: Any) -> str:
    """A location by path, name or id ("Level 3", "Tower > Level 3") → its node id."""
    paths = await _paths(rt, scope)
    low = fold(_joined([p.strip() for p in str(value).split(">")]))
    bare = _squash(low)
    tests: tuple[Callable[[str, str], bool], ...] = (
        lambda i, p: low in (i.lower(), fold(p)),
        lambda i, p: fold(p).rsplit(" > ", 1)[-1] == low,
        lambda i, p: low in fold(p),
        # "Level 3 North" for "Level 3 - North": the same words and numbers, other punctuation.
        lambda i, p: bare in (_squash(p), _squash(p.rsplit(" > ", 1)[-1])),
    )
    for test in tests:
        hits = [i for i, p in paths.items() if test(i, p)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            shown = "; ".join(paths[i] for i in hits[:6])
            raise InvalidInput(f"{name} {value!r} matches {len(hits)} locations: {shown}. Pass more of the path.")
    raise InvalidInput(f"No location matches {value!r}. Call list_locations to see them.")


LOCATION = Via(_location, ("locations.nodes.list",))
"""A location given by name (a filter's `locationId`)."""


def _type(node: dict[str, Any], _ctx: object) -> Any:
    """A node's type when it says something: every place in an ACC tree is an "Area" (only the root is not),
    so the usual type is left out of the line rather than repeated on each."""
    kind = node.get("type")
    return None if kind == "Area" else kind


NODE = View(F("path", name_of("id"), "bare"), F("type", _type), F("barcode"))

TOOLS = tools(
    ListSpec(
        name="list_locations",
        description="A project's locations (buildings, levels, rooms) as paths.",
        toolset="locations",
        endpoint="locations.nodes.list",
        view=NODE,
        noun="locations",
        fixed={"{treeId}": "default"},
        names=(NESTED,),
        limit=100,
        maximum=1000,
    ),
)
