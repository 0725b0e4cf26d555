"""Locations (construction/locations/v2): the project's location tree, each node shown as its path."""

from __future__ import annotations

from typing import Any

from ..views import F, View, name_of
from .lookups import Names, listing
from .runtime import Runtime, Scope
from .spec import ListSpec, tools

TREE = {"treeId": "default"}
"""A project has one location tree, which ACC calls `default`."""


async def _paths(rt: Runtime, scope: Scope) -> dict[str, str]:
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
        paths[node_id] = " > ".join(reversed(parts)) or str(node.get("name"))
    return paths


PATHS = Names(("locations.nodes.list",), _paths)
NODE = View(F("path", name_of("id"), "bare"), F("type"), F("barcode"))

TOOLS = tools(
    ListSpec(
        name="list_locations",
        description="A project's locations (buildings, levels, rooms) as paths.",
        toolset="locations",
        endpoint="locations.nodes.list",
        view=NODE,
        noun="locations",
        fixed={"{treeId}": "default"},
        names=(PATHS,),
        limit=100,
        maximum=1000,
    ),
)
