"""Account Admin records in their hq v1 form (snake_case), and the Data Management hub for the account."""

from __future__ import annotations

from typing import Any

from .world import ACCOUNT_NAME, World, make_uuid

HQ_USER_FIELDS = (
    "id", "account_id", "status", "role", "company_id", "company_name", "last_sign_in", "email", "name", "nickname",
    "first_name", "last_name", "uid", "image_url", "address_line_1", "address_line_2", "city", "postal_code",
    "state_or_province", "country", "phone", "company", "job_title", "industry", "about_me", "default_role",
    "default_role_id", "created_at", "updated_at",
)  # fmt: skip
HQ_COMPANY_FIELDS = (
    "id", "account_id", "name", "trade", "address_line_1", "address_line_2", "city", "postal_code",
    "state_or_province", "country", "phone", "website_url", "description", "erp_id", "tax_id", "member_group_id",
    "created_at", "updated_at",
)  # fmt: skip


def hq_user(user: dict[str, Any], account_id: str) -> dict[str, Any]:
    role = user["roles"][0]
    values = (
        user["id"], account_id, user["status"], "account_admin" if user["accessLevels"].get("accountAdmin")
        else "account_user", user["companyId"], user["companyName"], user["lastSignIn"], user["email"], user["name"],
        user["nickname"], user["firstName"], user["lastName"], user["autodeskId"], user["imageUrl"],
        user["addressLine1"], user["addressLine2"], user["city"], user["postalCode"], user["stateOrProvince"],
        user["country"], user["phone"]["number"], user["companyName"], user["jobTitle"], user["industry"],
        user["aboutMe"], role["name"], role["id"], user["addedOn"], user["updatedAt"],
    )  # fmt: skip
    return dict(zip(HQ_USER_FIELDS, values, strict=True))


def hq_company(company: dict[str, Any], account_id: str) -> dict[str, Any]:
    home = company["addresses"][0]
    values = (
        company["id"], account_id, company["name"], company["trade"], home["addressLine1"], home["addressLine2"],
        home["city"], home["postalCode"], home["stateOrProvince"], home["country"], company["phone"],
        company["websiteUrl"], company["description"], company["erpId"], company["taxId"], company["oxygenId"],
        company["createdAt"], company["updatedAt"],
    )  # fmt: skip
    return dict(zip(HQ_COMPANY_FIELDS, values, strict=True))


def hub(world: World) -> dict[str, Any]:
    attributes = {
        "name": ACCOUNT_NAME,
        "region": world.region,
        "extension": {"type": "hubs:autodesk.bim360:Account", "version": "1.0"},
    }
    return {
        "jsonapi": {"version": "1.0"},
        "data": [{"type": "hubs", "id": f"b.{world.account_id}", "attributes": attributes}],
    }


UNITS = (
    ("North America", "USA, Canada", None),
    ("Pacific Northwest", "Oregon, Washington", 0),
    ("Mountain", "Colorado, Utah", 0),
)
"""Business units: name, description, index of the parent."""


def business_units(world: World) -> list[dict[str, Any]]:
    """The account's business-unit tree, flattened with each unit's parent path (hq v1 form)."""
    rng = world.rng("business-units")
    out: list[dict[str, Any]] = []
    stamp = world.companies[0]["createdAt"]
    for name, description, parent in UNITS:
        up = out[parent] if parent is not None else None
        out.append(
            {"id": make_uuid(rng), "account_id": world.account_id, "parent_id": up["id"] if up else None}
            | {"name": name, "description": description, "path": up["name"] if up else None}
            | {"created_at": stamp, "updated_at": stamp}
        )
    return out


def user_projects(world: World, user_id: str) -> list[dict[str, Any]]:
    """The projects a user is a member of, with their access on each (admin v1 user projects)."""
    out = []
    for project in world.projects:
        member = next((m for m in world.project_members(project["id"]) if user_id in (m["id"], m["autodeskId"])), None)
        if member is not None:
            levels = {"projectAdmin": member["accessLevels"]["projectAdmin"], "projectMember": True}
            out.append({k: v for k, v in project.items() if k not in HIDDEN} | {"accessLevels": levels})
    return out


HIDDEN = ("products", "memberCount", "companyCount", "lastSignIn", "memberGroupId", "adminGroupId", "templateId")
"""Project fields the user-projects example does not carry."""


def user_products(world: World, user_id: str) -> list[dict[str, Any]]:
    """A user's products across projects, each with the projects where the user has it."""
    projects = user_projects(world, user_id)
    out: dict[str, dict[str, Any]] = {}
    for project in projects:
        full = world.project(project["id"]) or {}
        for product in full.get("products", []):
            entry = out.setdefault(
                product["key"], {k: product[k] for k in ("key", "icon", "name")} | {"projectIds": []}
            )
            entry["projectIds"].append(project["id"])
    return list(out.values())


def user_roles(world: World, user: dict[str, Any]) -> list[dict[str, Any]]:
    """A user's roles, each with the projects where the user holds it."""
    projects = [p["id"] for p in user_projects(world, user["id"])]
    return [
        {"id": r["id"], "status": "active", "name": r["name"], "key": r["name"].lower().replace(" ", "_")}
        | {"createdAt": user["addedOn"], "updatedAt": user["updatedAt"], "projectIds": projects}
        for r in user["roles"]
    ]
