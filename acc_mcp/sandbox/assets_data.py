"""Each project's Assets settings and equipment: a category tree (mechanical, electrical, fire protection,
conveying), two status sets (equipment lifecycle, electrical gear), custom attributes (manufacturer, model,
serial, voltage, …) and the equipment itself (AHUs, VAV boxes, panels, generators, pumps, elevators), placed on
the project's location tree and installed by the trade companies.

Everything draws from the project's own `assets:<id>` stream. Custom attributes are named `ca1`, `ca2`, … as ACC
names them; the ones on the root category apply to every asset.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, NamedTuple

from .locations_data import project_locations
from .world import SANDBOX_TODAY, World, iso, make_uuid

Record = dict[str, Any]
# name, parent, description; ids are numbers as strings, in this order from "1" (the root).
CATEGORIES = (
    ("All Assets", None, "Every tracked asset"),
    ("Mechanical", "All Assets", "HVAC and plumbing equipment"),
    ("Air Handling Units", "Mechanical", "AHUs and rooftop units"),
    ("VAV Boxes", "Mechanical", "Variable air volume terminal units"),
    ("Exhaust Fans", "Mechanical", "General and lab exhaust"),
    ("Pumps", "Mechanical", "Chilled, heating and domestic water pumps"),
    ("Electrical", "All Assets", "Power distribution and emergency power"),
    ("Switchgear", "Electrical", "Main and distribution switchgear"),
    ("Panelboards", "Electrical", "Branch circuit panelboards"),
    ("Generators", "Electrical", "Emergency and standby generators"),
    ("Transfer Switches", "Electrical", "Automatic transfer switches"),
    ("Fire Protection", "All Assets", "Fire suppression equipment"),
    ("Fire Pumps", "Fire Protection", "Electric fire pumps and controllers"),
    ("Conveying", "All Assets", "Elevators and lifts"),
    ("Elevators", "Conveying", "Passenger and service elevators"),
)
RETIRED = ("Temporary Power", "Electrical", "Construction power (no longer tracked)")
STATUS_SETS = (
    ("Equipment Lifecycle", "From specification to commissioning", True,
     (("Specified", "gray"), ("Ordered", "blue"), ("Delivered", "yellow"), ("Installed", "orange"),
      ("Started Up", "purple"), ("Commissioned", "green"))),
    ("Electrical Gear", "Energization and turnover of electrical equipment", False,
     (("Ordered", "blue"), ("Delivered", "yellow"), ("Installed", "orange"), ("Energized", "red"),
      ("Tested", "purple"), ("Turned Over", "green"))),
)  # fmt: skip
ZONES = ("North Wing", "Core", "South Wing", "Site")
VOLTAGES = ("120/208V", "277/480V", "4160V")


class Attr(NamedTuple):
    display: str
    kind: str
    category: str
    description: str
    options: tuple[str, ...] = ()


ATTRIBUTES = (
    Attr("Under Warranty", "boolean", "All Assets", "Covered by the manufacturer's warranty"),
    Attr("Weight (lb)", "numeric", "All Assets", "Shipping weight"),
    Attr("Install Date", "date", "All Assets", "Day the asset was set in place"),
    Attr("Voltage", "select", "All Assets", "Supply voltage", VOLTAGES),
    Attr("Zones Served", "multi_select", "All Assets", "Building zones the asset serves", ZONES),
    Attr("Manufacturer", "text", "All Assets", "Maker of the equipment"),
    Attr("Model", "text", "All Assets", "Manufacturer's model number"),
    Attr("Serial Number", "text", "All Assets", "Serial number from the nameplate"),
    Attr("Airflow (CFM)", "numeric", "Mechanical", "Design airflow"),
    Attr("Rated Power (kW)", "numeric", "Electrical", "Nameplate rating"),
)
# category, asset tag, per level?, how many, (manufacturer, model) choices, description
EQUIPMENT = (
    ("Air Handling Units", "AHU", True, 1, (("Trane", "CSAA030"), ("Daikin", "Vision 30"), ("Carrier", "39M")),
     "Air handling unit serving {where}"),
    ("VAV Boxes", "VAV", True, 4, (("Price", "SDV-8"), ("Titus", "DESV-10")), "VAV terminal unit, {where}"),
    ("Exhaust Fans", "EF", True, 1, (("Greenheck", "SQ-120"), ("Loren Cook", "135SQN")), "Exhaust fan, {where}"),
    ("Panelboards", "PNL", True, 2, (("Square D", "NQ 225A"), ("Eaton", "PRL1a")), "Branch panel, {where}"),
    ("Pumps", "P", False, 4, (("Bell & Gossett", "e-1510"), ("Armstrong", "4300")), "Circulating pump, {where}"),
    ("Switchgear", "SWGR", False, 1, (("Siemens", "WL 4000A"),), "Main switchgear, {where}"),
    ("Generators", "GEN", False, 2, (("Caterpillar", "C18 600kW"), ("Cummins", "QSK23")), "Generator, {where}"),
    ("Transfer Switches", "ATS", False, 2, (("ASCO", "7000 Series"),), "Automatic transfer switch, {where}"),
    ("Fire Pumps", "FP", False, 1, (("Aurora", "481-BF"),), "Electric fire pump, {where}"),
    ("Elevators", "ELV", False, 3, (("Otis", "Gen2"), ("KONE", "MonoSpace 500")), "Passenger elevator, {where}"),
)  # fmt: skip
TRADES = {"Mechanical": "Cascade Mechanical", "Electrical": "Voltaic Electric"}


class ProjectAssets(NamedTuple):
    categories: list[Record]
    status_sets: list[Record]
    statuses: list[Record]
    attributes: list[Record]
    assignments: dict[str, list[Record]]
    """Category id → the custom attributes assigned to it directly."""
    assets: list[Record]


def _stamp(rng: random.Random, who: list[str], pid: str | None, days: tuple[int, int] = (200, 400)) -> Record:
    """The audit fields every Assets record carries."""
    created = SANDBOX_TODAY - timedelta(days=rng.randint(*days), minutes=rng.randint(0, 600))
    updated = min(created + timedelta(days=rng.randint(0, 60)), SANDBOX_TODAY - timedelta(hours=1))
    out: Record = {"createdAt": iso(created), "createdBy": rng.choice(who), "updatedAt": iso(updated)}
    out |= {"updatedBy": rng.choice(who), "deletedAt": None, "deletedBy": None, "isActive": True}
    return out | ({"version": rng.randint(1, 4), "projectId": pid} if pid else {})


def generate(world: World, project: Record) -> ProjectAssets:
    rng = world.rng(f"assets:{project['id']}")
    pid = project["id"]
    members = world.project_members(pid)
    gc = [m["autodeskId"] for m in members if m["companyName"] == members[0]["companyName"]][:6]
    categories = _categories(rng, gc)
    by_name = {c["name"]: c for c in categories}
    sets, statuses = _status_sets(rng, gc, pid)
    attributes, assignments = _attributes(rng, gc, pid, by_name)
    companies = {c["name"]: c["id"] for c in world.companies}
    equipment = _equipment((rng, gc, by_name, sets, attributes, companies), project_locations(world, project))
    return ProjectAssets(categories, sets, statuses, attributes, assignments, equipment)


def _categories(rng: random.Random, gc: list[str]) -> list[Record]:
    out: list[Record] = []
    for n, (name, parent, about) in enumerate((*CATEGORIES, RETIRED), start=1):
        parent_id = next((c["id"] for c in out if c["name"] == parent), None)
        record = {"id": str(n), **_stamp(rng, gc, None), "name": name, "description": about}
        record |= {"uid": make_uuid(rng), "parentId": parent_id, "isRoot": parent is None}
        out.append(record | {"isLeaf": True, "subcategoryIds": []})
        if parent_id is not None:
            mother = next(c for c in out if c["id"] == parent_id)
            mother["subcategoryIds"].append(str(n))
            mother["isLeaf"] = False
    out[-1]["isActive"] = False
    return out


def _status_sets(rng: random.Random, gc: list[str], pid: str) -> tuple[list[Record], list[Record]]:
    sets, statuses = [], []
    for name, about, default, steps in STATUS_SETS:
        sid = make_uuid(rng)
        values = []
        for order, (label, color) in enumerate(steps, start=1):
            value = {"label": label, "description": f"{label} ({name})", "color": color, "statusStepSetId": sid}
            value |= {"id": make_uuid(rng), **_stamp(rng, gc, pid)}
            values.append(value | {"bucket": f"{label.lower().replace(' ', '_')}_{order}", "sortOrder": order})
        record = {"id": sid, **_stamp(rng, gc, pid), "name": name, "description": about, "isDefault": default}
        sets.append(record | {"values": values})
        statuses += values
    return sets, statuses


def _attributes(
    rng: random.Random, gc: list[str], pid: str, categories: dict[str, Record]
) -> tuple[list[Record], dict[str, list[Record]]]:
    out: list[Record] = []
    assigned: dict[str, list[Record]] = {}
    for n, a in enumerate(ATTRIBUTES, start=1):
        aid = make_uuid(rng)
        record: Record = {"displayName": a.display, "description": a.description, "enumValues": list(a.options)}
        record |= {"requiredOnIngress": a.display == "Manufacturer", "maxLengthOnIngress": 100}
        record |= {"defaultValue": "false" if a.kind == "boolean" else None, "dataType": a.kind}
        record |= {"id": aid, **_stamp(rng, gc, pid), "name": f"ca{n}"}
        values = [{"id": make_uuid(rng), **_stamp(rng, gc, pid), "customAttributeId": aid, "displayName": o}
                  for o in a.options]  # fmt: skip
        out.append(record | {"values": values})
        assigned.setdefault(categories[a.category]["id"], []).append(out[-1])
    return out, assigned


def _equipment(ctx: tuple[Any, ...], nodes: list[Record]) -> list[Record]:
    rng, gc, categories, sets, attributes, companies = ctx
    levels = [n for n in nodes if n["name"].startswith("Level ") and " - " not in n["name"]]
    wings = {lv["id"]: [n for n in nodes if n["parentId"] == lv["id"]] for lv in levels}
    site = next(n for n in nodes if n["name"] == "Site")
    code = str(site["barcode"]).split("-")[0]
    voltage, zones = (
        next(a for a in attributes if a["displayName"] == d)["values"] for d in ("Voltage", "Zones Served")
    )
    out: list[Record] = []
    for category, tag, per_level, count, makes, about in EQUIPMENT:
        cat = categories[category]
        family = next(c["name"] for c in categories.values() if c["id"] == cat["parentId"])
        if per_level:
            places = [
                (f"{tag}-{lv['name'][6:]}-{k:02d}", w)
                for lv in levels
                for k, w in enumerate(wings[lv["id"]][:count], 1)
            ]
        else:
            places = [(f"{tag}-{k:02d}", site if tag == "GEN" else levels[0]) for k in range(1, count + 1)]
        chain = sets[1 if family == "Electrical" else 0]["values"]
        for label, where in places:
            make, model = rng.choice(makes)
            step = min(len(chain) - 1, int(rng.triangular(0, len(chain), len(chain) * 0.6)))
            record: Record = {"id": make_uuid(rng), **_stamp(rng, gc, None, (20, 240)), "version": rng.randint(1, 9)}
            record |= {"clientAssetId": label, "categoryId": cat["id"], "statusId": chain[step]["id"]}
            record |= {"description": about.format(where=where["name"]), "locationId": where["id"]}
            record |= {"barcode": f"{code}-A{len(out) + 1:04d}"}
            record["companyId"] = companies[TRADES.get(family, "Harbor & Stone Builders")]
            values: Record = {"ca1": step >= 3, "ca2": round(rng.uniform(80, 9000), 1), "ca6": make, "ca7": model}
            values["ca4"] = voltage[0 if tag in ("VAV", "EF") else 1]["id"]
            values["ca5"] = [v["id"] for v in rng.sample(zones, k=rng.randint(1, 2))]
            if step >= 3:  # installed: the day it was set, and the nameplate serial
                values["ca3"] = (SANDBOX_TODAY - timedelta(days=rng.randint(5, 120))).date().isoformat()
                values["ca8"] = f"{make[:2].upper()}{rng.randint(10**7, 10**8 - 1)}"
            if family in ("Mechanical", "Electrical") and tag != "P":
                values["ca9" if family == "Mechanical" else "ca10"] = rng.choice((30, 75, 225, 600, 1200, 12000))
            out.append(record | {"customAttributes": values})
    for gone in rng.sample(out, k=2):  # removed from the register: only `includeDeleted=true` shows them
        gone |= {"deletedAt": gone["updatedAt"], "deletedBy": gone["updatedBy"], "isActive": False}
    return out
