"""Each project's locations tree (LBS): Root "Project" > levels > wings, and the site > its areas.

Issues and RFIs are placed on the same nodes, so an issue's `locationId` is a node this tree serves. Node ids
come from the project's own `locations:<id>` stream (their draw order is fixed); barcodes and descriptions are
derived from names, so adding them drew nothing and moved no id.
"""

from __future__ import annotations

from typing import Any

from .world import World, make_uuid

_WINGS = {"North": "north wing", "Core": "core: stairs, elevators, shafts", "South": "south wing"}
_SITE = ("Parking", "Main Entrance", "East Property Line")


def project_locations(world: World, project: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes in tree order, as GET trees/default/nodes returns them."""
    rng = world.rng(f"locations:{project['id']}")
    code = project["jobNumber"].split("-")[0]
    nodes: list[dict[str, Any]] = []
    siblings: dict[str | None, int] = {}

    def add(name: str, parent: str | None, barcode: str | None = None, description: str | None = None) -> str:
        order = siblings[parent] = siblings.get(parent, -1) + 1
        node = {"id": make_uuid(rng), "parentId": parent, "type": "Root" if parent is None else "Area", "name": name}
        nodes.append(node | {"description": description, "barcode": barcode, "order": order})
        return str(node["id"])

    root = add("Project", None)
    for n in range(1, rng.randint(3, 8) + 1):
        level = add(f"Level {n}", root, f"{code}-L{n:02d}")
        for wing, about in _WINGS.items():
            add(f"Level {n} - {wing}", level, f"{code}-L{n:02d}-{wing[0]}", f"Level {n}, {about}")
    site = add("Site", root, f"{code}-SITE")
    for area in _SITE:
        add(area, site, None, f"Site: {area.lower()}")
    return nodes
