"""The Photos dataset: each project's site photos, pointing at a few real JPEGs shipped in `sandbox/assets/`.

The JPEGs are drawn by `scripts/make_sandbox_photos.py` (dev-only, Pillow) and read here with
`importlib.resources`, so they travel inside the wheel and the sandbox needs no image library at runtime.
Records follow the reference's Photo object; dates use its example format (UTC, no offset, no milliseconds).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from .world import SANDBOX_TODAY, World, make_uuid

MEDIA_TYPES = ("NORMAL", "INFRARED", "PHOTOSPHERE", "VIDEO")
PHOTO_TYPES = ("FIELD-REPORT", "FORM", "ISSUE", "RFI", "MARKUP", "ASSET", "GALLERY", "MEETING", "SUBMITTAL", "LOGO")

# One scene per shipped JPEG (assets/site-NN.jpg and site-NN_t.jpg): titles and notes that fit the picture.
_SCENES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Level 2 slab pour – east bay", "Slab on grade pour – Area B", "Level 4 deck pour – finishing"),
        ("Pump truck set up at the north gate; pour started 6:10 am.", "Finishers on the east bay, bleed water ok."),
    ),
    (
        ("Steel erection – grid C/4", "Moment frame connection – level 3", "Crane pick – roof trusses"),
        ("Columns plumbed and bolted; waiting on special inspection.", "Bolt tension check on moment connections."),
    ),
    (
        ("Curtain wall anchor inspection", "Curtain wall unit install – north elevation", "Glazing sealant defect"),
        ('Anchor embed at slab edge shows 1/2" offset from shop drawing.', "Units 12–18 set; perimeter seal pending."),
    ),
    (
        ("Footing rebar – pre-pour check", "Grade beam reinforcement – grid 7", "Pile cap rebar inspection"),
        ("Clearances checked against S-401; chairs at 4'-0\" o.c.", "Inspector signed off, pour scheduled tomorrow."),
    ),
    (
        ("MEP rough-in – level 2 corridor", "Duct hanger spacing", "Sprinkler main above ceiling"),
        ("Duct, hydronic and sprinkler mains coordinated per the clash report.", "Hanger spacing exceeds 10'-0\"."),
    ),
    (
        ("Interior framing – level 2", "Drywall hang – patient rooms", "Fire-rated wall penetration"),
        ("Top track deflection clips installed.", "Penetration needs firestopping before board goes up."),
    ),
    (
        ("Site overview – dusk", "Weekly progress – from the crane", "Site logistics – laydown yard"),
        ("Weekly progress photo for the owner's report.", "Laydown yard reorganised for the steel deliveries."),
    ),
    (
        ("IR scan – exterior wall", "Thermal scan – roof membrane", "IR scan – electrical panel 2B"),
        ("Heat loss at the window head; check the air barrier lap.", "Hot spot on breaker 14, electrician notified."),
    ),
)
_SCENE_WEIGHTS = (4, 4, 3, 3, 4, 4, 3, 1)
"""Infrared scans are the rare kind."""
_LOCATIONS = ("Grid C-4, Level 2", "Grid 7/B, Level 1", "North elevation", "East bay", "Stair 2", "Roof", "Level 3")
_TYPES = (("GALLERY", 45), ("FIELD-REPORT", 20), ("ISSUE", 15), ("FORM", 8), ("RFI", 5), ("MEETING", 4), ("ASSET", 3))
_CITIES = {
    "Portland": (45.5231, -122.6765),
    "Seattle": (47.6062, -122.3321),
    "Boise": (43.6150, -116.2023),
    "Tacoma": (47.2529, -122.4443),
    "San Francisco": (37.7749, -122.4194),
    "Denver": (39.7392, -104.9903),
}


def asset_name(scene: int, thumbnail: bool) -> str:
    return f"site-{scene + 1:02d}{'_t' if thumbnail else ''}.jpg"


@functools.cache
def asset_bytes(name: str) -> bytes:
    """One shipped JPEG, read once from the installed package."""
    return (resources.files(__package__ or "acc_mcp.sandbox") / "assets" / name).read_bytes()


def stamp(dt: datetime) -> str:
    """Photos' timestamps, as in the reference's examples: `2021-03-14T10:20:33` (UTC)."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class PhotoFile:
    """Where a photo's bytes live: which shipped scene, under which storage key."""

    scene: int
    key: str


@dataclass
class PhotosData:
    photos: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Project id → its photos, deleted ones included (the filter leaves those out; GET answers 410)."""
    files: dict[str, PhotoFile] = field(default_factory=dict)


def build(world: World) -> PhotosData:
    """20–60 live photos per project plus one or two deleted ones, deterministic for the world seed."""
    rng = world.rng("photos")
    data = PhotosData()
    types = [t for t, _ in _TYPES]
    weights = [w for _, w in _TYPES]
    for project in world.projects:
        members = world.project_members(project["id"])
        lat0, lon0 = _CITIES.get(project["city"], (45.5, -122.6))
        lat0, lon0 = lat0 + rng.uniform(-0.02, 0.02), lon0 + rng.uniform(-0.02, 0.02)
        start = datetime.fromisoformat(project["startDate"]).replace(tzinfo=SANDBOX_TODAY.tzinfo)
        span = max(30, min(300, (SANDBOX_TODAY - start).days))
        photos: list[dict[str, Any]] = []
        live = rng.randint(20, 60)
        for n in range(live + rng.randint(1, 2)):
            scene = rng.choices(range(len(_SCENES)), _SCENE_WEIGHTS)[0]
            titles, notes = _SCENES[scene]
            author = rng.choice(members)
            taken = SANDBOX_TODAY - timedelta(days=span * rng.random() ** 1.6, hours=rng.uniform(2, 10))
            taken = taken.replace(hour=rng.randint(15, 23), minute=rng.randint(0, 59), second=rng.randint(0, 59))
            taken = min(taken, SANDBOX_TODAY - timedelta(hours=1))
            # Capture, then added on the device, then synced, then maybe edited: all before the sandbox's "now".
            user_created = min(taken + timedelta(minutes=rng.randint(0, 90)), SANDBOX_TODAY - timedelta(minutes=2))
            lag = timedelta(seconds=rng.randint(2, 4 * 3600) if rng.random() < 0.3 else 3)
            created = min(user_created + lag, SANDBOX_TODAY - timedelta(minutes=1))
            edited = created + timedelta(minutes=rng.randint(1, 600))
            updated = min(edited, SANDBOX_TODAY) if rng.random() < 0.25 else created
            editor = rng.choice(members) if updated != created and rng.random() < 0.3 else author
            media = "INFRARED" if scene == 7 else "PHOTOSPHERE" if scene == 6 and rng.random() < 0.4 else "NORMAL"
            title = rng.choice(titles) if rng.random() < 0.85 else f"IMG_{rng.randint(1000, 9999)}"
            photo_id = make_uuid(rng)
            deleted = n >= live
            deleter = rng.choice(members) if deleted else None
            photos.append(
                {
                    "createdAt": stamp(created),
                    "createdBy": author["autodeskId"],
                    "deletedAt": stamp(min(updated + timedelta(days=2), SANDBOX_TODAY)) if deleted else None,
                    "deletedBy": deleter["autodeskId"] if deleter else None,
                    "description": f"{rng.choice(_LOCATIONS)}. {rng.choice(notes)}",
                    "id": photo_id,
                    "isPublic": rng.random() < 0.8,
                    "latitude": round(lat0 + rng.uniform(-0.0008, 0.0008), 6),
                    "locked": rng.random() < 0.1,
                    "longitude": round(lon0 + rng.uniform(-0.0008, 0.0008), 6),
                    "mediaType": media,
                    "projectId": project["id"],
                    "size": len(asset_bytes(asset_name(scene, thumbnail=False))),
                    "takenAt": stamp(taken),
                    "title": title,
                    "type": rng.choices(types, weights)[0],
                    "updatedAt": stamp(updated),
                    "updatedBy": editor["autodeskId"],
                    "userCreatedAt": stamp(user_created),
                }
            )
            data.files[photo_id] = PhotoFile(scene, make_uuid(rng))
        data.photos[project["id"]] = photos
    return data
