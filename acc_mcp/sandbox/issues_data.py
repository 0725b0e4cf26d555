"""The Issues family's dataset: per-project issue types, root causes, custom fields, locations and issues.

A project's records are a pure function of the world and the project id (each project draws from its own
`world.rng("issues:<id>")` stream), so they can be generated lazily, on the first request that needs them,
and still come out identical whichever project is asked for first. Titles are built combinatorially from
trade defects and locations, so a few hundred issues read like a real project's log rather than a list of
repeats. Comments and attachments are generated on demand per issue, from the issue's own stream.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from .locations_data import project_locations
from .world import LARGE_PROJECT, SANDBOX_TODAY, World, iso, make_uuid

__all__ = ["project_locations"]  # re-exported: RFIs and tests place records on the same tree


def phrases(text: str, sep: str = ";") -> list[str]:
    """Vocabulary is kept as prose-like strings (one phrase per separator) so the lists stay compact."""
    return [" ".join(part.split()) for part in text.split(sep) if part.strip()]


STATUSES = ("draft", "open", "pending", "in_progress", "completed", "in_review", "not_approved", "in_dispute", "closed")
ATTRIBUTES = phrases(
    "title; description; issueTypeId; issueSubtypeId; status; assignedTo; assignedToType; dueDate; locationId; "
    "locationDetails; linkedDocuments; rootCauseId; customAttributes; startDate; published; deleted; watchers"
)
ACTIONS = ["assign_all", "clear_assignee", "delete", "add_comment", "add_attachment", "remove_attachment"]
LARGE_ISSUES = 10_000

# (category, [(type, pin code)], weight) — ACC calls the product's categories "types" and types "subtypes".
_TYPES: tuple[tuple[str, tuple[tuple[str, str], ...], int], ...] = (
    ("Quality", (("Defect", "DEF"), ("Observation", "OBS"), ("Punch List", "PCH"), ("Work to Complete", "WTC")), 50),
    ("Safety", (("Hazard", "HAZ"), ("Near Miss", "NMS"), ("Incident", "INC")), 14),
    ("Design", (("Clarification", "CLR"), ("Coordination", "CRD"), ("Design Change", "DCH")), 20),
    ("Commissioning", (("Functional Test Failure", "FTF"), ("Pre-Functional Deficiency", "PFD")), 10),
    ("Warranty", (("Warranty Claim", "WAR"),), 6),
    ("Close Out", (("Missing Documentation", "DOC"),), 0),  # inactive category: no issues use it
)
_ROOT_CAUSES = {
    "Coordination": "Constructability; Trade coordination; Sequencing",
    "Design": "Design error; Design omission; Owner-requested change",
    "Documentation": "Drawing conflict; Specification conflict; Missing detail",
    "Workmanship": "Installation error; Poor workmanship; Damage by others",
    "Materials": "Defective material; Wrong material delivered; Late delivery",
    "Site Conditions": "Unforeseen condition; Weather",
    "Safety": "Unsafe act; Unsafe condition; Inadequate training",
}
_CAUSES_FOR = {
    "Quality": ("Workmanship", "Materials", "Coordination"),
    "Safety": ("Safety",),
    "Design": ("Design", "Documentation", "Coordination"),
    "Commissioning": ("Workmanship", "Materials", "Design"),
    "Warranty": ("Materials", "Workmanship", "Site Conditions"),
}
# trade → defect phrases (each title is a phrase plus a location)
_DEFECTS = {
    "Concrete": """
        Honeycombing in shear wall pour; Cracked slab edge; Exposed rebar at column base; Cold joint in wall pour;
        Slab out of level tolerance; Spalled concrete at stair nosing; Missing embed plate; Anchor bolts out of
        tolerance; Curb formwork misaligned""",
    "Structural Steel": """
        Missing bolts at beam connection; Moment connection weld not inspected; Deck fastening incomplete;
        Fireproofing damaged on beam; Galvanizing damaged on lintel; Shear studs missing on deck""",
    "Drywall": """
        Drywall nail pops; Drywall joint tape cracking; Ceiling tile stained; Missing corner bead; Wall out of plumb;
        Gypsum board damaged by moisture; Missing access panel; Soffit framing not per detail""",
    "Electrical": """
        Receptacle cover plate missing; Unlabeled electrical panel; Exposed wiring in junction box; GFCI receptacle
        not tripping; Light fixture not aligned with ceiling grid; Conduit not supported; Emergency light not
        functioning; Panel clearance obstructed""",
    "Plumbing": """
        Leaking P-trap under sink; Missing pipe insulation; Floor drain set too high; Relief line not piped to drain;
        Cleanout not accessible; Pipe hanger spacing exceeds spec; Loose hose bibb""",
    "Mechanical": """
        Duct insulation torn; VAV box lacks service access; Diffuser not connected to duct; Flex duct kinked above
        ceiling; Fire damper missing; Thermostat mounted at wrong height; Condensate line without trap""",
    "Fire Protection": """
        Sprinkler head obstructed by duct; Firestopping incomplete at penetration; Sprinkler escutcheon missing; Fire
        extinguisher cabinet not installed; Rated wall not sealed above ceiling""",
    "Finishes": """
        Cracked tile; Paint touch-up required; Grout missing at tile joint; Carpet seam visible; Scuffed wall base;
        Vinyl flooring lifting; Countertop joint not sealed; Millwork damaged during install""",
    "Doors & Hardware": """
        Door closer not adjusted; Door frame out of plumb; Door hardware missing; Door does not latch; Fire door
        label painted over; Door undercut exceeds 3/4 inch""",
    "Envelope": """
        Window sealant incomplete; Flashing missing at window head; Water stain below storefront; Curtain wall gasket
        loose; Roof membrane blistered; Brick mortar joints incomplete; Weep holes blocked""",
}
_DOES_WORK = {
    trade: company
    for company, trades in {
        "Keystone Concrete": ("Concrete",),
        "Ironclad Steel Erectors": ("Structural Steel",),
        "Summit Drywall & Finishes": ("Drywall", "Finishes"),
        "Voltaic Electric": ("Electrical",),
        "Cascade Mechanical": ("Plumbing", "Mechanical", "Fire Protection"),
        "Harbor & Stone Builders": ("Doors & Hardware", "Envelope"),
    }.items()
    for trade in trades
}
_SAFETY = {
    "Hazard": """
        Missing guardrail at slab edge; Unprotected floor opening; Damaged extension cord in use; Ladder not secured;
        Debris blocking egress path; Worker without fall protection; Missing toe board on scaffold; Unsecured gas
        cylinders; No fire extinguisher at hot work; Exposed rebar without caps; Scaffold tag expired; Silica dust
        without controls; Open electrical panel unattended; Improper material stacking""",
    "Near Miss": """
        Dropped tool from deck above; Load shifted during crane pick; Forklift nearly struck worker; Plywood sheet
        blown off deck; Worker slipped on wet stair; Unsecured ladder slid""",
    "Incident": """
        Worker cut hand on sheet metal; Minor eye injury from grinding debris; Vehicle struck temporary fence; Worker
        strained back lifting pipe""",
}
_DESIGN = {
    "Clarification": """
        Clarify slab edge dimension; Confirm ceiling height; Missing detail for stair handrail; Dimensions conflict
        between A and S drawings; Clarify door swing; Confirm finish at accent wall; Verify beam top of steel
        elevation; Missing section for canopy connection""",
    "Coordination": """
        Duct conflicts with beam; Sprinkler main clashes with cable tray; Plumbing riser conflicts with footing;
        Light fixture conflicts with diffuser; Conduit routing blocks access panel; Insufficient ceiling space for
        duct""",
    "Design Change": """
        Relocate casework per owner request; Add blocking for wall-mounted equipment; Revise door hardware set;
        Upgrade ceiling tile to acoustic type""",
}
# equipment tag → what commissioning finds wrong with that kind of equipment
_EQUIPMENT = {
    "AHU-{n}": "supply fan VFD faulting; discharge air temperature unstable; failed functional test",
    "RTU-{n}": "economizer damper not modulating; failed functional test; startup report missing",
    "VAV-{l}-{nn}": "not responding to BAS commands; airflow below design; damper actuator stroke incomplete",
    "EF-{n}": "vibration exceeds limits; rotation reversed; failed functional test",
    "FCU-{l}-{nn}": "not responding to BAS commands; condensate pump alarm; sensor out of calibration",
    "P-{n}": "vibration exceeds limits; startup report missing; alarm points not mapped to BAS",
    "B-{n}": "flame safeguard lockout; startup report missing",
    "ATS-{n}": "did not transfer within 10 seconds; alarm points not mapped to BAS",
    "GEN-{n}": "failed 4-hour load bank test; startup report missing",
}
_WARRANTY = """
    Roof leak reported; Water intrusion at window; Cracked floor tile; HVAC not maintaining setpoint; Faucet leaking;
    Door closer failed; Light fixture flickering"""
_SPACES = (
    "lobby restroom; east stair; west stair; elevator lobby; mechanical room; electrical room; main corridor; "
    "break room; conference room; janitor closet; IT room; nurse station; open office"
)
_WALKS = ("QA/QC walk", "owner walkthrough", "pre-cover inspection", "punch walk", "daily inspection")
_ASKS = """
    Please correct and mark ready for review. | Repair per specification section {spec} and attach photos. |
    Coordinate the repair with the {trade} foreman before close-in. | Provide a corrective action plan this week."""
_SPECS = ("03 30 00", "05 12 00", "09 29 00", "26 05 00", "22 05 00", "23 31 00", "21 13 13", "08 71 00", "07 92 00")
_SHEETS = [
    tuple(sheet.split(": "))
    for sheet in phrases(
        """A-101: Level 1 Floor Plan; A-201: Building Elevations; A-501: Wall Sections; S-201: Level 2 Framing Plan;
        S-301: Foundation Details; M-301: Level 3 HVAC Plan; E-401: Level 4 Power Plan; P-201: Plumbing Risers;
        FP-101: Fire Protection Plan; Coordination Model: Federated NWD"""
    )
]
_COMMENTS = """
    Subcontractor notified; rework scheduled for {day}. | Work complete, ready for review. | Reviewed on site. Still
    not acceptable, see attached photo. | Please provide an ETA for the fix. | Material on order, expected delivery
    {date}. | Confirmed with the architect: proceed per detail {n}/{sheet}. | Corrected and photographed. Requesting
    closure. | This is outside our scope. Reassigning to the GC. | Crew will address on the next shift. | Inspector
    signed off on {date}. | Added to the weekly coordination meeting agenda."""
_CITY = {"Portland": (45.52, -122.68), "Seattle": (47.61, -122.33), "Boise": (43.62, -116.2)}
_CITY |= {"Tacoma": (47.25, -122.44), "San Francisco": (37.77, -122.42), "Denver": (39.74, -104.99)}
_URN_CHARS = string.ascii_letters + string.digits + "-_"


_MONTHS = phrases("Jan; Feb; Mar; Apr; May; Jun; Jul; Aug; Sep; Oct; Nov; Dec")
T = TypeVar("T")


def _iso(dt: datetime) -> str:
    """world.iso for the UTC datetimes this module makes, at a fraction of strftime's cost."""
    return dt.isoformat(timespec="milliseconds")[:23] + "Z"


def _urn_id(rng: random.Random) -> str:
    return "".join(rng.choices(_URN_CHARS, k=22))


@dataclass
class ProjectIssues:
    """One project's Issues records, as the API returns them (issues keep ACC's field names and order)."""

    project_id: str
    issue_types: list[dict[str, Any]]
    root_cause_categories: list[dict[str, Any]]
    attribute_definitions: list[dict[str, Any]]
    attribute_mappings: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    """The project's LBS nodes (id, parentId, name): what filter[subLocationId] walks down."""
    issues: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]]
    encoded: dict[str, bytes] = field(default_factory=dict)
    """Each issue's full JSON, made once: a page of the 10,000-issue project is then joined, not re-encoded,
    so the sandbox's own CPU does not dominate what the scale benchmark measures."""


def _audit(rng: random.Random, by: str, start: datetime) -> dict[str, Any]:
    at = iso(start + timedelta(days=rng.randint(0, 30)))
    return {"createdBy": by, "createdAt": at, "updatedBy": by, "updatedAt": at, "deletedBy": None, "deletedAt": None}


def _types(rng: random.Random, pid: str, admin: str, start: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for order, (title, subtypes, weight) in enumerate(_TYPES):
        type_id = make_uuid(rng)
        subs = [
            {"id": make_uuid(rng), "issueTypeId": type_id, "title": sub, "code": code, "isActive": True}
            | {"orderIndex": i, "isReadOnly": False, "permittedActions": ["edit"], "permittedAttributes": ["title"]}
            | _audit(rng, admin, start)
            for i, (sub, code) in enumerate(subtypes)
        ]
        base = {"id": type_id, "containerId": pid, "title": title, "isActive": weight > 0, "orderIndex": order}
        base |= {
            "permittedActions": ["edit"],
            "permittedAttributes": ["title"],
            "subtypes": subs,
            "statusSet": "default",
        }
        out.append(base | _audit(rng, admin, start))
    return out


def _root_causes(rng: random.Random, admin: str, start: datetime) -> list[dict[str, Any]]:
    out = []
    for title, causes in _ROOT_CAUSES.items():
        cat_id = make_uuid(rng)
        children = [
            {"id": make_uuid(rng), "rootCauseCategoryId": cat_id, "title": c, "isActive": True}
            | {"permittedActions": ["edit"], "permittedAttributes": ["title"]}
            | _audit(rng, admin, start)
            for c in phrases(causes)
        ]
        base = {"id": cat_id, "title": title, "isActive": True, "permittedActions": ["edit"]}
        out.append(base | {"permittedAttributes": ["title"], "rootCauses": children} | _audit(rng, admin, start))
    return out


# (title, dataType, description, list options, mapped to: "" = whole project, else a category or type title)
_ATTRS = (
    ("Priority", "list", "How urgently the issue needs attention.", "Critical; High; Medium; Low", ""),
    ("Responsible Trade", "list", "The trade responsible for the fix.", "; ".join(_DEFECTS), ""),
    ("Cost Impact ($)", "numeric", "Estimated cost of the corrective work.", "", "Quality"),
    ("Spec Section", "text", "The governing specification section.", "", "Quality"),
    ("OSHA Category", "list", "", "Fall protection; Electrical; Housekeeping; PPE; Struck-by; Caught-in", "Safety"),
    ("Drawing Reference", "text", "Sheet and detail the question refers to.", "", "Design"),
    ("Equipment Tag", "text", "The equipment under test.", "", "Commissioning"),
    ("Inspector Notes", "paragraph", "Notes from the final inspection.", "", "Punch List"),
    ("Legacy Cost Code", "text", "Retired in favour of Cost Impact.", "", "deleted"),
)


def _attributes(
    rng: random.Random, pid: str, admin: str, start: datetime, types: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    targets = {t["title"]: ("issueType", t["id"]) for t in types}
    targets |= {s["title"]: ("issueSubtype", s["id"]) for t in types for s in t["subtypes"]}
    defs: list[dict[str, Any]] = []
    maps: list[dict[str, Any]] = []
    for title, kind, desc, options, target in _ATTRS:
        meta = {"list": {"options": [{"id": make_uuid(rng), "value": v} for v in phrases(options)]}} if options else {}
        record: dict[str, Any] = {
            "id": make_uuid(rng),
            "containerId": pid,
            "title": title,
            "description": desc,
            "dataType": kind,
        }
        record |= {"metadata": meta, "permittedActions": ["edit"], "permittedAttributes": ["title"]}
        record |= _audit(rng, admin, start)
        if target == "deleted":
            record |= {"deletedBy": admin, "deletedAt": iso(start + timedelta(days=rng.randint(60, 90)))}
        defs.append(record)
        if target == "deleted":
            continue
        mapped_type, mapped_id = targets.get(target, ("container", pid))
        mapping: dict[str, Any] = {
            "id": make_uuid(rng),
            "attributeDefinitionId": record["id"],
            "containerId": pid,
            "title": title,
        }
        mapping |= {"mappedItemType": mapped_type, "mappedItemId": mapped_id, "order": len(maps) + 1}
        mapping |= {"permittedActions": ["delete"], "permittedAttributes": []} | _audit(rng, admin, start)
        maps.append(mapping | {"description": desc})
    return defs, maps


class _Gen:
    """Draws one project's issues. Hot paths use `pick`/`between` over `random()` (several times cheaper than
    `choice`/`randint`), which is what keeps the 10,000-issue project's generation well under half a second."""

    def __init__(self, world: World, project: dict[str, Any], pdata: ProjectIssues, levels: int) -> None:
        self.rng = world.rng(f"issues:{project['id']}")
        self.r = self.rng.random
        self.bits = self.rng.getrandbits
        self.project = project
        members = world.project_members(project["id"])
        self.ids = [m["autodeskId"] for m in members]
        by_company: dict[str, list[str]] = {}
        for m in members:
            by_company.setdefault(m["companyName"], []).append(m["autodeskId"])
        self.by_company = by_company
        self.gc = by_company.get("Harbor & Stone Builders") or self.ids
        self.design = [i for c in ("Meridian Architects", "Calder Structural Engineers") for i in by_company.get(c, [])]
        companies = {c["name"]: c for c in world.companies}
        self.company_ids = [companies[name]["oxygenId"] for name in by_company]
        self.role_ids = sorted({m["roles"][0]["id"] for m in members})
        self.levels = levels
        self.nodes = {n["name"]: n["id"] for n in pdata.locations}
        self.types = [(t, t["subtypes"], _TYPES[i][0]) for i, t in enumerate(pdata.issue_types) if _TYPES[i][2]]
        self.type_weights = [w for _, _, w in _TYPES if w]
        self.causes = {c["title"]: [r["id"] for r in c["rootCauses"]] for c in pdata.root_cause_categories}
        maps: dict[str, list[dict[str, Any]]] = {}
        defs = {d["id"]: d for d in pdata.attribute_definitions}
        for m in pdata.attribute_mappings:
            maps.setdefault(m["mappedItemId"], []).append(defs[m["attributeDefinitionId"]])
        self.attrs = maps
        self.fields: dict[str, list[dict[str, Any]]] = {}
        self.docs = [(f"urn:adsk.wipprod:dm.lineage:{_urn_id(self.rng)}", s, self.rng.randint(1, 6)) for s in _SHEETS]
        self.city = _CITY.get(project["city"])
        self.trades = list(_DEFECTS)
        self.phrases = {t: phrases(v) for t, v in _DEFECTS.items()}
        self.phrases |= {k: phrases(v) for k, v in (_SAFETY | _DESIGN).items()}
        self.phrases |= {"Warranty Claim": phrases(_WARRANTY)} | {k: phrases(v) for k, v in _EQUIPMENT.items()}
        self.equipment = list(_EQUIPMENT)
        self.spaces = phrases(_SPACES)
        self.asks = phrases(_ASKS, "|")
        self.start = datetime.fromisoformat(project["startDate"] + "T00:00:00+00:00")
        self.elapsed = max(SANDBOX_TODAY - self.start, timedelta(days=1))

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.r() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.r() * (high - low + 1))

    def weighted(self, seq: Sequence[T], weights: Sequence[float]) -> T:
        x = self.r() * sum(weights)
        for item, w in zip(seq, weights, strict=True):
            x -= w
            if x < 0:
                return item
        return seq[-1]

    def where(self, trade: str) -> tuple[str, str, str]:
        """(title phrase, locationDetails, LBS node id) for somewhere on this project."""
        level = self.between(1, self.levels)
        roll = self.r()
        if trade == "Envelope" and roll < 0.3:
            side = self.pick(("north", "south", "east", "west"))
            return (
                f"at {side} elevation, level {level}",
                f"Level {level}, {side} elevation",
                self.nodes[f"Level {level}"],
            )
        if roll < 0.45:
            letter, num = self.pick("ABCDEFGH"), self.between(1, 9)
            wing = "North" if letter < "D" else "Core" if letter < "F" else "South"
            node = self.nodes[f"Level {level} - {wing}"]
            return f"at grid {letter}-{num}, level {level}", f"Level {level}, grid {letter}-{num}", node
        if roll < 0.75:
            space = self.pick(self.spaces)
            return f"in {space}, level {level}", f"Level {level}, {space}", self.nodes[f"Level {level} - Core"]
        room = f"{level}{self.between(1, 40):02d}"
        return f"in room {room}", f"Level {level}, room {room}", self.nodes[f"Level {level}"]

    def subject(self, category: str, subtype: str) -> tuple[str, str, str, str | None]:
        """(title, trade, locationDetails, locationId)."""
        if category == "Commissioning":
            level = self.between(1, self.levels)
            kind = self.pick(self.equipment)
            tag = kind.format(n=self.between(1, 6), l=level, nn=self.between(1, 24))
            return f"{tag} {self.pick(self.phrases[kind])}", "Mechanical", f"Level {level}, mechanical room", None
        trade = "General Contractor" if category == "Safety" else self.pick(self.trades)
        phrase = self.pick(self.phrases[trade if category == "Quality" else subtype])
        where, details, node = self.where(trade)
        return f"{phrase} {where}"[:100], trade, details, node if self.r() < 0.8 else None

    def describe(self, category: str, title: str, trade: str, created: datetime) -> str:
        day = f"{_MONTHS[created.month - 1]} {created.day}, {created.year}"
        if category == "Design":
            sheet, name = self.pick(_SHEETS)
            return f"{title}. Refer to {sheet} ({name}). Please advise before work in this area proceeds."
        if category == "Safety":
            return f"{title}. Identified during the safety walk on {day}. Correct immediately and confirm."
        if category == "Commissioning":
            return f"{title}. Found during functional testing on {day}. Resolve and schedule a retest."
        ask = self.pick(self.asks).format(spec=self.pick(_SPECS), trade=trade.lower())
        return f"{title}. Observed during {self.pick(_WALKS)} on {day}. {ask}"

    def custom(self, attr: dict[str, Any], trade: str, subject: str) -> dict[str, Any]:
        kind, title = attr["dataType"], attr["title"]
        value: str | None = None
        if kind == "list":
            options = attr["metadata"]["list"]["options"]
            if title == "Responsible Trade":
                value = next((o["id"] for o in options if o["value"] == trade), None)
            elif self.r() < 0.75:
                value = self.pick(options)["id"]
        elif self.r() < 0.6:
            if kind == "numeric":
                value = str(50 * self.between(1, 500))
            elif title == "Spec Section":
                value = self.pick(_SPECS)
            elif kind == "paragraph":
                value = "Rechecked at final walk; finish acceptable after rework."
            elif title == "Drawing Reference":
                value = f"{self.between(1, 12)}/{self.pick(_SHEETS)[0]}"
            else:
                value = subject.split()[0]  # the equipment tag the commissioning issue is about
        return {"attributeDefinitionId": attr["id"], "value": value, "type": kind, "title": title}

    def pushpin(self, created: str, creator: str, closed: datetime | None) -> list[dict[str, Any]]:
        urn, (sheet, name), version = self.pick(self.docs)
        is3d = sheet == "Coordination Model"
        viewable: dict[str, Any] = {
            "id": self.uuid(),
            "guid": self.uuid(),
            "viewableId": str(self.between(1, 40)),
        }
        viewable |= {"name": f"{sheet} - {name}", "is3D": is3d}
        position = {"x": round(self.r() * 2 - 1, 4), "y": round(self.r() * 2 - 1, 4), "z": 0.0}
        details: dict[str, Any] = {"viewable": viewable, "position": position, "externalId": None, "viewerState": None}
        details["objectId"] = self.between(1000, 99999) if is3d else None
        pin: dict[str, Any] = {
            "type": "TwoDVectorPushpin" if is3d else "TwoDRasterPushpin",
            "urn": urn,
            "createdBy": creator,
        }
        pin |= {"createdAt": created, "createdAtVersion": self.between(1, version)}
        pin |= {"closedBy": creator if closed else None, "closedAt": _iso(closed) if closed else None}
        return [pin | {"closedAtVersion": version if closed else None, "details": details}]

    def issue(self, n: int, created: datetime, deleted: bool) -> dict[str, Any]:
        """One lean issue record: `render` adds the fields that are the same on every issue."""
        r, pick = self.r, self.pick
        category, subtypes, cat = self.weighted(self.types, self.type_weights)
        sub = pick(subtypes)
        title, trade, details, location = self.subject(cat, sub["title"])
        age = (SANDBOX_TODAY - created) / self.elapsed
        weights = (8 - 7 * age, 30 - 15 * age, 6 - 3 * age, 12 - 6 * age, 6, 8 - 4 * age, 2, 1.5, 10 + 60 * age)
        status = self.weighted(STATUSES, weights)
        creator = pick(self.design if cat == "Design" and self.design and r() < 0.3 else self.gc)
        company = _DOES_WORK.get(trade, "Harbor & Stone Builders")
        pool = self.design if cat == "Design" and self.design else self.by_company.get(company) or self.gc
        roll = r()
        assignee: str | None
        if (status == "draft" and roll < 0.5) or roll < 0.06:
            assignee, kind = None, None
        elif roll < 0.14:
            assignee, kind = pick(self.company_ids), "company"
        elif roll < 0.18:
            assignee, kind = pick(self.role_ids), "role"
        else:
            assignee, kind = pick(pool), "user"
        due = (created + timedelta(days=self.between(5, 30))).date().isoformat() if r() < 0.9 else None
        begin = (created + timedelta(days=self.between(0, 4))).date().isoformat() if r() < 0.4 else None
        span = SANDBOX_TODAY - created
        closed_at = created + span * r() ** 2 if status == "closed" else None
        updated = closed_at or created + span * r()
        updater = pick(self.gc)
        cause = pick(self.causes[pick(_CAUSES_FOR[cat])]) if r() < (0.8 if closed_at else 0.35) else None
        gps = None
        if self.city and r() < 0.3:
            gps = {"latitude": round(self.city[0] + r() / 250, 6), "longitude": round(self.city[1] - r() / 250, 6)}
        stamp, draft = _iso(created), status == "draft"
        attrs = self.fields.get(sub["id"])
        if attrs is None:  # the project's fields, then the category's, then the type's
            attrs = [a for key in (self.project["id"], category["id"], sub["id"]) for a in self.attrs.get(key, [])]
            self.fields[sub["id"]] = attrs
        return {
            "id": self.uuid(),
            "deleted": deleted,
            "deletedAt": _iso(updated + (SANDBOX_TODAY - updated) * r()) if deleted else None,
            "deletedBy": updater if deleted else None,
            "displayId": n,
            "title": title,
            "description": self.describe(cat, title, trade, created),
            "issueTypeId": category["id"],
            "issueSubtypeId": sub["id"],
            "status": status,
            "assignedTo": assignee,
            "assignedToType": kind,
            "dueDate": due,
            "startDate": begin,
            "locationId": location,
            "locationDetails": details,
            "linkedDocuments": self.pushpin(stamp, creator, closed_at) if r() < 0.15 else [],
            "rootCauseId": cause,
            "published": not draft,
            "commentCount": pick((1, 1, 2, 2, 3, 4, 6)) if r() < 0.45 else 0,
            "attachmentCount": pick((1, 1, 1, 2, 3)) if r() < 0.3 else 0,
            "openedBy": None if draft else creator,
            "openedAt": None if draft else stamp,
            "closedBy": updater if closed_at else None,
            "closedAt": _iso(closed_at) if closed_at else None,
            "createdBy": creator,
            "createdAt": stamp,
            "updatedBy": updater,
            "updatedAt": _iso(updated),
            "watchers": sorted({creator, pick(self.ids)}) if r() < 0.5 else [creator],
            "customAttributes": [self.custom(a, trade, title) for a in attrs],
            "gpsCoordinates": gps,
        }

    def uuid(self) -> str:
        """make_uuid's value for the same draw, without the cost of building a uuid.UUID."""
        n = self.bits(128) & ~(0xC000 << 48) | 0x8000 << 48
        h = "%032x" % (n & ~(0xF000 << 64) | 4 << 76)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_CONSTANT: dict[str, Any] = {
    "snapshotUrn": None,
    "links": [],
    "ownerId": None,
    "officialResponse": None,
    "issueTemplateId": None,
}
ISSUE_FIELDS = phrases(
    "id containerId deleted deletedAt deletedBy displayId title description snapshotUrn issueTypeId issueSubtypeId "
    "status assignedTo assignedToType dueDate startDate locationId locationDetails linkedDocuments links ownerId "
    "rootCauseId officialResponse issueTemplateId permittedStatuses permittedAttributes published permittedActions "
    "commentCount attachmentCount openedBy openedAt closedBy closedAt createdBy createdAt updatedBy updatedAt watchers "
    "customAttributes gpsCoordinates snapshotHasMarkups",
    " ",
)
"""The issue object's fields in the reference's order."""


def render(issue: dict[str, Any], project_id: str) -> dict[str, Any]:
    """The full issue object, as GET issues returns it, from a lean record."""
    draft = issue["status"] == "draft"
    extra = _CONSTANT | {"containerId": project_id, "snapshotHasMarkups": False}
    extra |= {"permittedStatuses": ["draft", "open"] if draft else list(STATUSES[1:])}
    extra |= {"permittedAttributes": list(ATTRIBUTES), "permittedActions": list(ACTIONS)}
    return {key: issue[key] if key in issue else extra[key] for key in ISSUE_FIELDS}


def generate(world: World, project: dict[str, Any]) -> ProjectIssues:
    """All of one project's Issues records (a few hundred issues; LARGE_ISSUES on the large project)."""
    rng = world.rng(f"issues:setup:{project['id']}")
    admin = world.users[0]["autodeskId"]
    start = datetime.fromisoformat(project["startDate"] + "T00:00:00+00:00")
    types = _types(rng, project["id"], admin, start - timedelta(days=45))
    causes = _root_causes(rng, admin, start - timedelta(days=45))
    defs, maps = _attributes(rng, project["id"], admin, start - timedelta(days=40), types)
    lbs = project_locations(world, project)
    pdata = ProjectIssues(project["id"], types, causes, defs, maps, lbs, [], {})
    gen = _Gen(world, project, pdata, sum(1 for n in lbs if n["name"].endswith(" - Core")))
    large = project["name"] == LARGE_PROJECT[0]
    count = LARGE_ISSUES if large else gen.rng.randint(180, 420)
    deleted = set() if large else set(gen.rng.sample(range(count), k=count // 40))
    span = SANDBOX_TODAY - start
    stamps = sorted(start + span * gen.r() for _ in range(count))
    pdata.issues = [gen.issue(i + 1, stamp, i in deleted) for i, stamp in enumerate(stamps)]
    pdata.by_id = {issue["id"]: issue for issue in pdata.issues}
    return pdata


def comments(world: World, project_id: str, issue: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's commentCount comments, drawn from the issue's own stream (the same on every call)."""
    rng = world.rng(f"issues:comments:{issue['id']}")
    members = [m["autodeskId"] for m in world.project_members(project_id)]
    start = datetime.fromisoformat(issue["createdAt"].replace("Z", "+00:00"))
    span = datetime.fromisoformat(issue["updatedAt"].replace("Z", "+00:00")) - start
    out = []
    for k in range(issue["commentCount"]):
        at = _iso(start + span * (k + rng.random()) / issue["commentCount"])
        day = (start + timedelta(days=rng.randint(1, 10))).strftime("%A")
        body = rng.choice(phrases(_COMMENTS, "|")).format(
            day=day, date=at[:10], n=rng.randint(1, 12), sheet=rng.choice(_SHEETS)[0]
        )
        author = issue["assignedTo"] if k % 2 and issue["assignedToType"] == "user" else rng.choice(members)
        out.append(
            {"id": make_uuid(rng), "body": body, "createdAt": at, "createdBy": author, "updatedAt": at}
            | {"deletedAt": None, "clientCreatedAt": at, "clientUpdatedAt": at}
            | {"permittedActions": [], "permittedAttributes": []}
        )
    return out


def attachments(world: World, issue: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's attachmentCount attachments (photos and marked-up PDFs)."""
    rng = world.rng(f"issues:attachments:{issue['id']}")
    out = []
    for k in range(issue["attachmentCount"]):
        ext = rng.choice(("jpg", "jpg", "png", "pdf"))
        name = f"IMG_{rng.randint(1000, 9999)}.{ext}" if ext != "pdf" else f"{rng.choice(_SHEETS)[0]}-markup.pdf"
        att_id, vf, at = make_uuid(rng), _urn_id(rng), issue["createdAt"] if k == 0 else issue["updatedAt"]
        record: dict[str, Any] = {"attachmentId": att_id, "displayName": name, "fileName": f"{att_id}.{ext}"}
        record |= {"attachmentType": "issue-attachment"}
        record |= {"storageUrn": f"urn:adsk.objects:os.object:wip.dm.prod/{att_id}.{ext}"}
        record |= {"fileSize": rng.randint(80_000, 6_000_000), "fileType": ext, "domainEntityId": issue["id"]}
        record |= {"lineageUrn": f"urn:adsk.wipprod:dm.lineage:{_urn_id(rng)}", "version": 1}
        record |= {"versionUrn": f"urn:adsk.wipprod:fs.file:vf.{vf}?version=1"}
        record |= {"tipVersionUrn": f"urn:adsk.wipprod:fs.file:vf.{vf}?version=1", "bubbleUrn": None}
        record |= {"createdBy": issue["createdBy"], "createdOn": at, "modifiedBy": issue["createdBy"]}
        out.append(record | {"modifiedOn": at, "deletedBy": None, "deletedOn": None, "isDeleted": False})
    return out
