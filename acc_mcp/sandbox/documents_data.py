"""A project's documents: folders, file versions, packages, Revit models, specs and its naming standard.

Shared by the Packages, Docs, RCM, AutoSpecs and Files families so their ids point at the same files: a package
lists real file versions, a Revit host links real models, an export takes versions that exist. Generated per
project from `world.rng`, so every run (and every family) sees the same records.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .world import SANDBOX_TODAY, World, iso, make_uuid

Record = dict[str, Any]
FOLDERS = ("Project Files", "Project Files/Drawings", "Project Files/Models", "Project Files/Specifications")
SHEETS = [
    "A-101 Level 1 Floor Plan",
    "A-102 Level 2 Floor Plan",
    "A-201 Building Elevations",
    "A-301 Wall Sections",
    "S-101 Foundation Plan",
    "S-201 Level 3 Framing Plan",
    "M-101 Level 1 HVAC Plan",
    "E-101 Level 1 Lighting Plan",
]
MODELS = ("Arch.rvt", "Structure.rvt", "MEP.rvt", "Site.rvt")
PACKAGES = (
    ("Issued for Construction – Architectural", "IFC sheet set for the architectural package.", "FIXED"),
    ("Structural Bid Set", "Drawings issued to steel and concrete bidders.", "FIXED"),
    ("Coordination Models", "Latest federated Revit models for weekly coordination.", "LATEST"),
)
ATTRIBUTES = (
    {"id": 1001, "name": "Drawing Stage", "type": "string"},
    {"id": 1002, "name": "Publish Date", "type": "date"},
    {"id": 1003, "name": "Drawing Type", "type": "array", "arrayValues": ["Details", "General", "Plans", "Schedules"]},
)
SPEC_SECTIONS = (
    ("01", "General Requirements", "01 45 33", "STRUCTURAL TESTS AND SPECIAL INSPECTIONS"),
    ("03", "Concrete", "03 20 00", "CONCRETE REINFORCING"),
    ("03", "Concrete", "03 30 00", "CAST-IN-PLACE CONCRETE"),
    ("05", "Metals", "05 12 00", "STRUCTURAL STEEL FRAMING"),
    ("08", "Openings", "08 71 00", "DOOR HARDWARE"),
    ("23", "HVAC", "23 31 00", "HVAC DUCTS AND CASINGS"),
)
GROUPS = ("ACTION AND INFORMATIONAL", "QUALITY ASSURANCE", "TESTS AND INSPECTIONS")
TYPES = ("Shop Drawings", "Product Data", "Samples", "Reports", "Mfg. Instructions")


@dataclass
class ProjectDocs:
    folders: dict[str, str] = field(default_factory=dict)
    """Folder URN → path."""
    files: list[Record] = field(default_factory=list)
    permissions: dict[str, list[Record]] = field(default_factory=dict)
    naming: Record = field(default_factory=dict)
    packages: list[Record] = field(default_factory=list)
    resources: dict[str, list[Record]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    """Host model version URN → the version URNs of the models it links."""
    spec_versions: list[Record] = field(default_factory=list)
    register: dict[str, list[Record]] = field(default_factory=dict)


def _urn_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))


def generate(world: World, project: Record) -> ProjectDocs:
    rng = world.rng(f"documents:{project['id']}")
    docs = ProjectDocs()
    docs.folders = {f"urn:adsk.wipprod:fs.folder:co.{_urn_id(rng)}": path for path in FOLDERS}
    by_path = {p: u for u, p in docs.folders.items()}
    members = world.project_members(project["id"]) or [world.users[0]]
    people = [world.user(m.get("autodeskId") or m["id"]) or world.users[0] for m in members]
    start = SANDBOX_TODAY - timedelta(days=200)
    for name, folder in [*((f"{s}.pdf", "Drawings") for s in SHEETS), *((m, "Models") for m in MODELS)]:
        lineage, version = _urn_id(rng), rng.randint(1, 4)
        by = rng.choice(people)
        docs.files.append(
            {
                "urn": f"urn:adsk.wipprod:fs.file:vf.{lineage}?version={version}",
                "itemUrn": f"urn:adsk.wipprod:dm.lineage:{lineage}",
                "name": name,
                "version": version,
                "folder": by_path[f"Project Files/{folder}"],
                "size": rng.randint(200_000, 90_000_000),
                "by": by,
                "at": iso(start + timedelta(days=rng.randint(0, 190), minutes=rng.randint(0, 600))),
            }
        )
    for urn in docs.folders:
        docs.permissions[urn] = _permissions(rng, people)
    docs.naming = _naming(rng)
    _packages(rng, docs)
    models = [f for f in docs.files if f["name"].endswith(".rvt")]
    host = models[0]["urn"]
    docs.links = {host: [m["urn"] for m in models[1:]]}
    _specs(rng, docs, start)
    return docs


def _permissions(rng: random.Random, people: list[Record]) -> list[Record]:
    out = []
    for i, user in enumerate(people[: rng.randint(2, 4)]):
        actions = ["VIEW", "DOWNLOAD", "COLLABORATE", "PUBLISH", "EDIT", "CONTROL"][: 6 - i if i < 3 else 2]
        out.append(
            {
                "subjectId": make_uuid(rng),
                "autodeskId": user["autodeskId"],
                "name": user["name"],
                "email": user["email"],
                "userType": "PROJECT_ADMIN" if i == 0 else "PROJECT_MEMBER",
                "subjectType": "USER",
                "subjectStatus": "ACTIVE",
                "actions": actions,
                "inheritActions": actions if i == 0 else [],
            }
        )
    out.append(
        {
            "subjectId": make_uuid(rng),
            "autodeskId": str(rng.randint(1_000_000, 9_999_999)),
            "name": "Architect",
            "subjectType": "ROLE",
            "subjectStatus": "ACTIVE",
            "actions": ["VIEW", "DOWNLOAD"],
            "inheritActions": ["VIEW", "DOWNLOAD"],
        }
    )
    return out


def _naming(rng: random.Random) -> Record:
    def arr(n: int, name: str, desc: str, opts: list[tuple[str, str]]) -> Record:
        options = [{"value": v, "description": d} for v, d in opts]
        return {"attributeId": n, "name": name, "type": "ARRAY", "description": desc, "options": options}

    fields = [
        {"attributeId": 333879, "name": "Project", "type": "ALPHANUMERIC", "description": "Project code."}
        | {"optional": False, "maxLength": 6, "minLength": 2, "defaultValue": "PROJ"},
        arr(333880, "Originator", "Organization creating the file.", [("ARC", "Architect"), ("STR", "Structural")])
        | {"optional": False, "defaultValue": None},
        arr(333882, "Level/Location", "Level or location.", [("ZZ", "Multiple levels"), ("01", "Level 01")])
        | {"optional": False},
    ]
    metadata = [  # attributes checked but not part of the name
        arr(333886, "Status", "The suitability code.", [("S0", "Initial status"), ("S2", "Suitable for information")])
        | {"optional": True, "defaultValue": None},
        {"attributeId": 333887, "name": "Revision", "type": "ALPHANUMERIC", "description": "Revision code."}
        | {"optional": True, "maxLength": 8, "minLength": 3, "defaultValue": "S01"},
    ]
    definition = {"fields": fields, "metadata": metadata, "delimiter": "-"}
    return {"id": make_uuid(rng), "name": "Default - ISO 19650", "definition": definition}


def _packages(rng: random.Random, docs: ProjectDocs) -> None:
    for n, (name, description, kind) in enumerate(PACKAGES):
        by = docs.files[n]["by"]
        pid = make_uuid(rng)
        wanted = [f for f in docs.files if f["name"].endswith(".rvt") == (kind == "LATEST")]
        picked = rng.sample(wanted, k=min(len(wanted), rng.randint(2, 5)))
        docs.resources[pid] = [_resource(rng, f) for f in picked]
        at = picked[0]["at"]
        locked = kind == "FIXED"
        docs.packages.append(
            {
                "id": pid,
                "displayId": 100 + n,
                "name": name,
                "description": description,
                "createdAt": at,
                "createdBy": by["autodeskId"],
                "updatedAt": at,
                "updatedBy": by["autodeskId"],
                "locked": locked,
                "lockedBy": by["autodeskId"] if locked else None,
                "lockedAt": at if locked else None,
                "resourceCount": len(picked),
                "versionType": kind,
            }
        )


def _resource(rng: random.Random, f: Record) -> Record:
    kind = f["name"].rsplit(".", 1)[1]
    status = rng.choice(("Approved", "Approved", "In Review"))
    return {
        "urn": f["urn"],
        "id": make_uuid(rng),
        "createdAt": f["at"],
        "createdBy": f["by"]["autodeskId"],
        "createdByName": f["by"]["name"],
        "updatedAt": f["at"],
        "updatedBy": f["by"]["autodeskId"],
        "updatedByName": f["by"]["name"],
        "name": f["name"],
        "description": f["name"].rsplit(".", 1)[0],
        "isDeleted": False,
        "entityType": "SEED_FILE",
        "parentFolderUrn": f["folder"],
        "storageUrn": f"urn:adsk.objects:os.object:wip.dm.prod/{make_uuid(rng)}.{kind}",
        "customAttributes": [{"id": 1003, "type": "array", "name": "Drawing Type", "value": "Plans"}],
        "version": f["version"],
        "approvalStatus": {"id": make_uuid(rng), "label": status, "value": status.lower().replace(" ", "_")},
        "fileType": kind,
    }


def _specs(rng: random.Random, docs: ProjectDocs, start: Any) -> None:
    for n, name in enumerate(("Issued For Tender", "Issued For Construction")):
        at = iso(start + timedelta(days=40 + 90 * n))
        vid = str(2000 + rng.randint(0, 999))
        docs.spec_versions.append(
            {"name": name, "status": "Completed", "currentVersion": n == 1, "createdAt": at, "updatedAt": at, "id": vid}
        )
        items: list[Record] = []
        for code, division, number, section in SPEC_SECTIONS[: 4 + 2 * n]:
            for k in range(rng.randint(1, 3)):
                kind = rng.choice(TYPES)
                items.append(
                    {
                        "submittalsHeading": kind.upper(),
                        "divisionCode": code,
                        "divisionName": division,
                        "specNumber": number,
                        "specName": section,
                        "submittalDescription": f".{k + 1} Submit {kind.lower()} for {section.lower()}.",
                        "specCategory": kind,
                        "targetDate": None,
                        "userNotes": None,
                        "paraCode": f"1.{k + 3}",
                        "targetGroup": rng.choice(GROUPS),
                        "versionName": name,
                        "specSubmittalNumber": k,
                        "submittalId": str(len(items) + 1),
                    }
                )
        docs.register[vid] = items
