"""Account Admin records in their hq v1 form (snake_case), and the Data Management hub for the account."""

from __future__ import annotations

from typing import Any

from .world import ACCOUNT_NAME, World

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
