"""The RFIs family's dataset: a project's RFIs on ACC's single-reviewer (US) workflow.

Each RFI follows the workflow's roles: a GC engineer or a trade foreman creates it, the GC's project manager
(RFI manager) submits it, an architect or engineer answers it, and the manager closes it, so "ball in court"
(`assignedTo`) always points at whoever the status is waiting on. Subjects come from templates filled in with
grid lines, levels, rooms and products, and the answered ones carry an official response and a response record.
Generation is per project (its own `world.rng` stream), on first use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .issues_vocab import phrases
from .locations_data import project_locations
from .world import SANDBOX_TODAY, World, iso, make_uuid

US_STATUSES = ("draft", "submitted", "open", "answered", "rejected", "closed", "void")
EU_STATUSES = ("draft", "submitted", "openRev1", "openRev2", "answeredRev1", "answeredManager", "closed", "void")
_PREVIOUS = {"submitted": "draft", "open": "submitted", "answered": "open", "rejected": "submitted"}
_PREVIOUS |= {"closed": "answered", "void": "open"}

# (title, question, official answer, discipline, category)
_TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Clarify rebar lap length at transfer beam TB-{n}",
        "Sheet S-2{n}1 gives no lap length for the bottom bars of transfer beam TB-{n} at grid {grid}. "
        "Please confirm the required Class B lap length.",
        "Use a Class B lap of 48 bar diameters per the general notes on S-001; stagger splices one lap length.",
        "Structural",
        "Documentation Incomplete",
    ),
    (
        "Confirm door hardware set for door {level}{nn}B",
        "The door schedule lists hardware set {n} for door {level}{nn}B, but the hardware specification has no "
        "set {n}. Please confirm the intended set.",
        "Use hardware set {m} (storeroom function). The door schedule will be corrected in the next ASI.",
        "Architectural",
        "Documentation Conflict",
    ),
    (
        "Supply duct conflicts with beam at grid {grid}, level {level}",
        "The 24x14 supply duct on M-{level}01 runs through the beam at grid {grid}, level {level}. Can it drop "
        "below the beam, reducing the corridor ceiling to 8'-6\"?",
        "Reroute the duct below the beam as proposed; an 8'-6\" ceiling is acceptable in this corridor.",
        "Mechanical",
        "Design Coordination",
    ),
    (
        "Missing dimension for stair {n} intermediate landing",
        "Sheet A-5{n}1 does not dimension the intermediate landing of stair {n}. Please provide the landing depth.",
        "The landing is 4'-0\" clear, matching the stair width. See revised detail {n}/A-5{n}1.",
        "Architectural",
        "Documentation Incomplete",
    ),
    (
        "Confirm slab depression at restroom {level}{nn}",
        'The architectural plans show a 1-1/2" depression at restroom {level}{nn}; the structural plans do not. '
        "Is the depression required?",
        'Provide the 1-1/2" depression for the mortar bed; the structural drawings will be revised.',
        "Structural",
        "Documentation Conflict",
    ),
    (
        "Substitution request: {product}",
        "The specified product has a 14-week lead time. We propose {product} as an equal; product data is "
        "attached. Please review.",
        "Substitution accepted. Submit the product data as a formal submittal for record.",
        "Architectural",
        "Other",
    ),
    (
        "Verify top of footing elevation at grid {grid}",
        "The footing schedule gives top of footing at -4'-0\", but section {n}/S-301 shows -3'-6\" at grid {grid}. "
        "Which governs?",
        "Top of footing at -4'-0\" governs. Section {n}/S-301 will be corrected.",
        "Structural",
        "Documentation Conflict",
    ),
    (
        "Clarify waterproofing termination at {pit}",
        "Detail {n}/A-501 does not show how the below-grade waterproofing terminates at the {pit}. Please "
        "provide a termination detail.",
        'Terminate the membrane with a termination bar 6" above finished grade; see sketch SK-{nn}.',
        "Exterior Envelope",
        "Documentation Incomplete",
    ),
    (
        "Housekeeping pad size for {equip}",
        "The approved submittal for {equip} is larger than the housekeeping pad on the drawings. Please confirm "
        "the pad size.",
        'Extend the pad 6" beyond the equipment on all sides, 4" thick, reinforced per detail {n}/S-501.',
        "Mechanical",
        "Constructability",
    ),
    (
        "Confirm fire rating of corridor wall at level {level}",
        "The life safety plan shows the level {level} corridor as 1-hour rated, but wall type W{n} is unrated. "
        "Please confirm.",
        "The corridor wall is 1-hour rated. Use wall type W{n}R and extend it to the deck.",
        "Fire Protection",
        "Code Compliance",
    ),
    (
        "Conduit penetrations through shear wall at grid {grid}",
        'Conduits need to pass through the shear wall at grid {grid}, level {level}. Are 2" penetrations '
        "permitted without added reinforcing?",
        'Sleeved penetrations up to 2" are acceptable 12" from wall ends; add trim bars per detail {n}/S-502.',
        "Electrical",
        "Field condition",
    ),
    (
        "Light fixture type missing in {space}, level {level}",
        "The reflected ceiling plan shows fixtures in the {space} at level {level} with no type tag. Please "
        "confirm the fixture type.",
        "Use type L{n} fixtures in the {space}; the lighting schedule will be updated.",
        "Electrical",
        "Documentation Incomplete",
    ),
    (
        "Curtain wall anchor spacing at level {level}",
        "The curtain wall shop drawings show anchors at 6'-0\" but the slab edge embeds on level {level} are at "
        "5'-0\". Which spacing governs?",
        "Use the embed spacing of 5'-0\"; the curtain wall engineer confirmed the anchors work at that spacing.",
        "Exterior Envelope",
        "Design Coordination",
    ),
    (
        "Sprinkler head type in {space}, level {level}",
        "The fire protection drawings call for pendent heads in the {space}, which has an open ceiling. Should "
        "upright heads be used?",
        "Use upright heads in open-ceiling areas; pendent heads remain where there is a ceiling.",
        "Fire Protection",
        "Field condition",
    ),
    (
        "Unmarked water line at {site}",
        'Excavation at the {site} found an unmarked 8" water line in conflict with the new storm line. Please advise.',
        'Lower the storm line 18" to pass beneath the water line, keeping 18" vertical separation.',
        "Civil/Site",
        "Field condition",
    ),
    (
        "Confirm paint color in {space}, level {level}",
        "The finish schedule lists color P-{n} for the {space}, but P-{n} is not on the color schedule. "
        "Please confirm.",
        "Use P-{m} (eggshell) in the {space}.",
        "Interior/Finishes",
        "Documentation Conflict",
    ),
)
_PRODUCTS = phrases(
    "Armstrong Ultima ceiling tile; Schlage ND series lever; Tremco Dymonic 100 sealant; Kawneer 1600 curtain "
    "wall; Daltile Volume 1.0 floor tile; Carrier 50XC rooftop unit; Hilti HIT-HY 200 adhesive anchors"
)
_EQUIPMENT = phrases("AHU-{n}; the emergency generator; transformer T-{n}; chiller CH-{n}; fire pump FP-1")
_PITS = phrases("elevator pit; podium planter; loading dock ramp; east retaining wall")
_SPACES = phrases("main lobby; open office; break room; conference room; corridor; nurse station; IT room")
_SITES = phrases("north parking lot; main entrance; east property line")
_IMPACT = ("Yes", "No", "Unknown", None)


@dataclass
class ProjectRfis:
    """One project's RFIs (GET rfis/:id shape) and the settings users/me reports."""

    project_id: str
    container_id: str
    rfi_types: list[dict[str, Any]]
    custom_attribute: dict[str, Any]
    """The project's one RFI custom attribute ("Bid Package"): id and option ids, for filter.customAttributes."""
    rfis: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]]


def _ref(user: str) -> dict[str, Any]:
    return {"id": user, "type": "user"}


class _Draw:
    def __init__(self, world: World, project: dict[str, Any]) -> None:
        self.rng = world.rng(f"rfis:{project['id']}")
        self.project = project
        members = world.project_members(project["id"])
        self.gc = [m for m in members if m["companyName"] == "Harbor & Stone Builders"]
        design = ("Meridian Architects", "Calder Structural Engineers", "Brightline MEP Consultants")
        self.design = [m["autodeskId"] for m in members if m["companyName"] in design] or [self.gc[0]["autodeskId"]]
        self.trades = [m["autodeskId"] for m in members if m["jobTitle"] == "Foreman"]
        self.engineers = [m["autodeskId"] for m in self.gc if "Engineer" in m["jobTitle"]]
        self.manager = next(m["autodeskId"] for m in self.gc if m["jobTitle"] == "Project Manager")
        self.super = next(m["autodeskId"] for m in self.gc if m["jobTitle"] == "Superintendent")
        lbs = project_locations(world, project)
        self.levels = [n for n in lbs if n["name"].startswith("Level ") and " - " not in n["name"]]
        self.site = [n for n in lbs if n["name"] in ("Parking", "Main Entrance", "East Property Line")]
        self.start = datetime.fromisoformat(project["startDate"] + "T00:00:00+00:00")

    def subject(self) -> tuple[str, str, str, str, str, str, list[str]]:
        """(title, question, answer, discipline, category, locationDescription, location ids)."""
        rng = self.rng
        title, question, answer, discipline, category = rng.choice(_TEMPLATES)
        level = rng.choice(self.levels)
        grid = f"{rng.choice('ABCDEFGH')}-{rng.randint(1, 9)}"
        values = {"grid": grid, "level": level["name"].removeprefix("Level "), "n": rng.randint(1, 6)}
        values |= {"m": rng.randint(1, 9), "nn": f"{rng.randint(1, 40):02d}", "product": rng.choice(_PRODUCTS)}
        values |= {"equip": rng.choice(_EQUIPMENT).format(n=rng.randint(1, 4)), "pit": rng.choice(_PITS)}
        values |= {"space": rng.choice(_SPACES), "site": rng.choice(_SITES)}
        where, node = f"{level['name']}, grid {grid}", level["id"]
        if "{site}" in title:
            area = next(n for n in self.site if n["name"].lower() in values["site"] or n is self.site[-1])
            where, node = f"Site, {values['site']}", area["id"]
        fill = [text.format(**values) for text in (title, question, answer)]
        return fill[0], fill[1], fill[2], discipline, category, where, [node]

    def rfi(self, number: int, created: datetime, type_id: str, attr: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        age = (SANDBOX_TODAY - created) / max(SANDBOX_TODAY - self.start, timedelta(days=1))
        weights = (6 - 5 * age, 8 - 6 * age, 25 - 15 * age, 12 - 4 * age, 3, 10 + 55 * age, 2 + 2 * age)
        status = rng.choices(US_STATUSES, weights)[0]
        title, question, answer, discipline, category, where, nodes = self.subject()
        creator = rng.choice(self.engineers if rng.random() < 0.6 or not self.trades else self.trades)
        architect = rng.choice(self.design)
        answered = status in ("answered", "closed")
        span = SANDBOX_TODAY - created
        responded = created + min(timedelta(days=rng.randint(2, 20)), span * 0.9) if answered else None
        closed = (responded or created) + (SANDBOX_TODAY - (responded or created)) * rng.random() ** 3
        closed_at = closed if status in ("closed", "void") else None
        updated = closed_at or responded or created + span * rng.random() ** 2
        ball = {"submitted": [self.manager], "open": [architect], "answered": [self.manager]}
        ball["rejected"] = [creator]
        due = created + timedelta(days=rng.randint(7, 14)) if status != "draft" or rng.random() < 0.5 else None
        rfi_id = make_uuid(rng)
        response: dict[str, Any] = {
            "id": make_uuid(rng),
            "state": "submitted",
            "rfiId": rfi_id,
            "text": answer,
            "status": "answered",
        }
        response |= {"createdBy": architect, "onBehalf": architect, "isEditable": False}
        response |= {"createdAt": iso(responded) if responded else None, "updatedBy": architect}
        response |= {"updatedAt": iso(responded) if responded else None, "deletedAt": None}
        suggested = answer if status == "open" and rng.random() < 0.25 else None
        bid = [{"id": attr["id"], "values": [rng.choice(attr["options"])], "isSelectable": True}]
        record: dict[str, Any] = {
            "id": rfi_id,
            "customIdentifier": f"{number:03d}",
            "title": title,
            "question": question,
            "virtualFolderUrn": f"urn:adsk.wipprod:fs.folder:co.{make_uuid(rng).replace('-', '')[:22]}",
            "status": status,
            "previousStatus": _PREVIOUS.get(status),
            "workflowType": "US",
            "assignedTo": [_ref(u) for u in ball.get(status, [])],
            "managerId": self.manager,
            "constructionManagerId": self.super,
            "architects": [_ref(architect)],
            "reviewers": [_ref(rng.choice(self.design))] if rng.random() < 0.3 else [],
            "dueDate": iso(due) if due else None,
            "locationDescription": where,
            "locations": nodes,
            "commentsCount": rng.choice((0, 0, 0, 1, 1, 2, 3, 5)),
            "officialResponse": answer if answered else None,
            "officialResponseStatus": "answered" if answered else "unanswered",
            "officialResponseActors": [_ref(architect)] if answered else [],
            "officialResponseEditByManagerState": False,
            "respondedAt": iso(responded) if responded else None,
            "respondedBy": architect if answered else None,
            "createdBy": creator,
            "createdAt": iso(created),
            "updatedBy": self.manager if status != "draft" else creator,
            "updatedAt": iso(updated),
            "closedAt": iso(closed_at) if closed_at else None,
            "closedBy": self.manager if closed_at else None,
            "containerId": None,
            "projectId": self.project["id"],
            "suggestedAnswer": suggested,
            "coReviewers": [],
            "watchers": [_ref(u) for u in dict.fromkeys((creator, self.manager))],
            "answeredAt": iso(responded) if responded else None,
            "answeredBy": architect if answered else None,
            "costImpact": rng.choice(_IMPACT),
            "scheduleImpact": rng.choice(_IMPACT),
            "priority": rng.choice(("High", "Normal", "Normal", "Low", None)),
            "discipline": [discipline],
            "category": [category],
            "reference": f"SPEC {rng.choice(('03 30 00', '08 71 00', '23 31 00', '26 51 00'))}"
            if rng.random() < 0.2
            else None,
            "customAttributes": bid if rng.random() < 0.7 else [],
            "rfiTypeId": type_id,
            "bridgedSource": False,
            "bridgedTarget": False,
            "bridgeSyncOutdated": False,
            "syncVersion": 1,
            "responses": [response] if answered else [],
            "draftResponses": [response | {"state": "draft", "isEditable": True}] if suggested else [],
        }
        if record["previousStatus"] is None:
            del record["previousStatus"]  # the reference: omitted when the RFI has no prior status
        return record


def generate(world: World, project: dict[str, Any]) -> ProjectRfis:
    """A project's 120-300 RFIs, numbered 001.. in the order they were created."""
    draw = _Draw(world, project)
    rng: random.Random = draw.rng
    container = make_uuid(rng)
    admin = world.users[0]["autodeskId"]
    made = iso(draw.start - timedelta(days=30))
    types = [
        {"id": make_uuid(rng), "name": name, "isDefault": i == 0, "createdBy": admin, "createdAt": made}
        for i, name in enumerate(("General", "Design Clarification", "Field Condition"))
    ]
    attr = {"id": make_uuid(rng), "name": "Bid Package", "options": [make_uuid(rng) for _ in range(4)]}
    count = rng.randint(120, 300)
    span = SANDBOX_TODAY - draw.start
    stamps = sorted(draw.start + span * rng.random() for _ in range(count))
    rfis = [draw.rfi(n + 1, at, rng.choice(types)["id"], attr) for n, at in enumerate(stamps)]
    for rfi in rfis:
        rfi["containerId"] = container
    return ProjectRfis(project["id"], container, types, attr, rfis, {r["id"]: r for r in rfis})
