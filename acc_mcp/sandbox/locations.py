"""Locations (construction/locations/v2): the project's one tree, `default`, as a flat list of nodes.

With `filter[id]` the service ignores `limit` and `offset` and adds each node's `path` (its ancestors' names,
root first), as the reference says.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from .engine import Ctx, List, PerProject, Row, mount
from .filters import OneOf, Record
from .http import ApiError
from .locations_data import project_locations
from .world import World


def seed(world: World) -> PerProject[list[Record]]:
    return PerProject(world, project_locations)


def _tree(c: Ctx) -> list[Record]:
    if c.param("treeId") != "default":
        raise ApiError(404, f"Tree {c.param('treeId')!r} not found: a project has only the 'default' tree.")
    nodes: list[Record] = c.state.project(c.project)
    return nodes


def _with_path(c: Ctx, items: list[Record]) -> list[Record]:
    if not c.request.query_params.get("filter[id]"):
        return items
    by_id = {n["id"]: n for n in _tree(c)}

    def path(node: Record) -> list[str]:
        parent = by_id.get(node["parentId"])
        return [*path(parent), parent["name"]] if parent else []

    return [n | {"path": path(n)} for n in items]


ROWS: list[Row] = [List("locations.nodes.list", _tree, filters=[OneOf("id")], render=_with_path, unpaged="filter[id]")]


def routes() -> list[BaseRoute]:
    return mount("locations", ROWS)
