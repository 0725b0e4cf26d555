"""A project's Issues settings: issue types with their subtypes, root-cause categories, custom fields and where
each custom field is mapped (the whole project, a type or a subtype). They are what issues are drawn against."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from .issues_vocab import ATTRS, ROOT_CAUSES, TYPES, phrases
from .world import iso, make_uuid


def audit(rng: random.Random, by: str, start: datetime) -> dict[str, Any]:
    at = iso(start + timedelta(days=rng.randint(0, 30)))
    return {"createdBy": by, "createdAt": at, "updatedBy": by, "updatedAt": at, "deletedBy": None, "deletedAt": None}


def types(rng: random.Random, pid: str, admin: str, start: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for order, (title, subtypes, weight) in enumerate(TYPES):
        type_id = make_uuid(rng)
        subs = [
            {"id": make_uuid(rng), "issueTypeId": type_id, "title": sub, "code": code, "isActive": True}
            | {"orderIndex": i, "isReadOnly": False, "permittedActions": ["edit"], "permittedAttributes": ["title"]}
            | audit(rng, admin, start)
            for i, (sub, code) in enumerate(subtypes)
        ]
        base = {"id": type_id, "containerId": pid, "title": title, "isActive": weight > 0, "orderIndex": order}
        base |= {
            "permittedActions": ["edit"],
            "permittedAttributes": ["title"],
            "subtypes": subs,
            "statusSet": "default",
        }
        out.append(base | audit(rng, admin, start))
    return out


def root_causes(rng: random.Random, admin: str, start: datetime) -> list[dict[str, Any]]:
    out = []
    for title, causes in ROOT_CAUSES.items():
        cat_id = make_uuid(rng)
        children = [
            {"id": make_uuid(rng), "rootCauseCategoryId": cat_id, "title": c, "isActive": True}
            | {"permittedActions": ["edit"], "permittedAttributes": ["title"]}
            | audit(rng, admin, start)
            for c in phrases(causes)
        ]
        base = {"id": cat_id, "title": title, "isActive": True, "permittedActions": ["edit"]}
        out.append(base | {"permittedAttributes": ["title"], "rootCauses": children} | audit(rng, admin, start))
    return out


def attributes(
    rng: random.Random, pid: str, admin: str, start: datetime, types: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    targets = {t["title"]: ("issueType", t["id"]) for t in types}
    targets |= {s["title"]: ("issueSubtype", s["id"]) for t in types for s in t["subtypes"]}
    defs: list[dict[str, Any]] = []
    maps: list[dict[str, Any]] = []
    for title, kind, desc, options, target in ATTRS:
        meta = {"list": {"options": [{"id": make_uuid(rng), "value": v} for v in phrases(options)]}} if options else {}
        record: dict[str, Any] = {
            "id": make_uuid(rng),
            "containerId": pid,
            "title": title,
            "description": desc,
            "dataType": kind,
        }
        record |= {"metadata": meta, "permittedActions": ["edit"], "permittedAttributes": ["title"]}
        record |= audit(rng, admin, start)
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
        mapping |= {"permittedActions": ["delete"], "permittedAttributes": []} | audit(rng, admin, start)
        maps.append(mapping | {"description": desc})
    return defs, maps
