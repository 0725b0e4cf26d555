"""The Issues family's dataset: per-project issue types, root causes, custom fields, locations and issues.

A project's records are a pure function of the world and the project id (each project draws from its own
`world.rng("issues:<id>")` stream), so they can be generated lazily, on the first request that needs them,
and still come out identical whichever project is asked for first. Titles are built combinatorially from
trade defects and locations, so a few hundred issues read like a real project's log rather than a list of
repeats. Comments and attachments are generated on demand per issue, from the issue's own stream.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from . import issues_settings
from .issues_vocab import (
    ACTIONS,
    ASKS,
    ATTRIBUTES,
    CAUSES_FOR,
    CITY,
    COMMENTS,
    DEFECTS,
    DESIGN,
    DOES_WORK,
    EQUIPMENT,
    LARGE_ISSUES,
    MONTHS,
    SAFETY,
    SHEETS,
    SPACES,
    SPECS,
    STATUSES,
    TYPES,
    URN_CHARS,
    WALKS,
    WARRANTY,
    phrases,
)
from .locations_data import project_locations
from .world import LARGE_PROJECT, SANDBOX_TODAY, World, make_uuid

__all__ = ["LARGE_ISSUES", "STATUSES", "phrases", "project_locations"]  # re-exported for RFIs and the tests


T = TypeVar("T")


def _iso(dt: datetime) -> str:
    """world.iso for the UTC datetimes this module makes, at a fraction of strftime's cost."""
    return dt.isoformat(timespec="milliseconds")[:23] + "Z"


def _urn_id(rng: random.Random) -> str:
    return "".join(rng.choices(URN_CHARS, k=22))


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
        self.types = [(t, t["subtypes"], TYPES[i][0]) for i, t in enumerate(pdata.issue_types) if TYPES[i][2]]
        self.type_weights = [w for _, _, w in TYPES if w]
        self.causes = {c["title"]: [r["id"] for r in c["rootCauses"]] for c in pdata.root_cause_categories}
        maps: dict[str, list[dict[str, Any]]] = {}
        defs = {d["id"]: d for d in pdata.attribute_definitions}
        for m in pdata.attribute_mappings:
            maps.setdefault(m["mappedItemId"], []).append(defs[m["attributeDefinitionId"]])
        self.attrs = maps
        self.fields: dict[str, list[dict[str, Any]]] = {}
        self.docs = [(f"urn:adsk.wipprod:dm.lineage:{_urn_id(self.rng)}", s, self.rng.randint(1, 6)) for s in SHEETS]
        self.city = CITY.get(project["city"])
        self.trades = list(DEFECTS)
        self.phrases = {t: phrases(v) for t, v in DEFECTS.items()}
        self.phrases |= {k: phrases(v) for k, v in (SAFETY | DESIGN).items()}
        self.phrases |= {"Warranty Claim": phrases(WARRANTY)} | {k: phrases(v) for k, v in EQUIPMENT.items()}
        self.equipment = list(EQUIPMENT)
        self.spaces = phrases(SPACES)
        self.asks = phrases(ASKS, "|")
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
        day = f"{MONTHS[created.month - 1]} {created.day}, {created.year}"
        if category == "Design":
            sheet, name = self.pick(SHEETS)
            return f"{title}. Refer to {sheet} ({name}). Please advise before work in this area proceeds."
        if category == "Safety":
            return f"{title}. Identified during the safety walk on {day}. Correct immediately and confirm."
        if category == "Commissioning":
            return f"{title}. Found during functional testing on {day}. Resolve and schedule a retest."
        ask = self.pick(self.asks).format(spec=self.pick(SPECS), trade=trade.lower())
        return f"{title}. Observed during {self.pick(WALKS)} on {day}. {ask}"

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
                value = self.pick(SPECS)
            elif kind == "paragraph":
                value = "Rechecked at final walk; finish acceptable after rework."
            elif title == "Drawing Reference":
                value = f"{self.between(1, 12)}/{self.pick(SHEETS)[0]}"
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
        company = DOES_WORK.get(trade, "Harbor & Stone Builders")
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
        cause = pick(self.causes[pick(CAUSES_FOR[cat])]) if r() < (0.8 if closed_at else 0.35) else None
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
    types = issues_settings.types(rng, project["id"], admin, start - timedelta(days=45))
    causes = issues_settings.root_causes(rng, admin, start - timedelta(days=45))
    defs, maps = issues_settings.attributes(rng, project["id"], admin, start - timedelta(days=40), types)
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
        body = rng.choice(phrases(COMMENTS, "|")).format(
            day=day, date=at[:10], n=rng.randint(1, 12), sheet=rng.choice(SHEETS)[0]
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
        name = f"IMG_{rng.randint(1000, 9999)}.{ext}" if ext != "pdf" else f"{rng.choice(SHEETS)[0]}-markup.pdf"
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
