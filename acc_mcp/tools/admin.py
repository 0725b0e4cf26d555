"""Account Admin: projects and the people on them — the lookups every other tool starts from."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from ..views import F, Record, View
from .base import Param
from .listing import NAME
from .spec import GetSpec, ListSpec, tools

# No ids in list lines: every tool takes a project by name or job number, and a person by name; a UUID costs
# ~20 tokens a line.
PROJECT = View(
    F("name", role="bare"),
    F("status", role="bare"),
    F("job", "jobNumber"),
    F("city", role="bare"),
)


def _value(p: Record) -> str | None:
    value = p.get("projectValue") or {}
    return f"{value.get('value'):,} {value.get('currency', '')}".strip() if value.get("value") else None


def _address(p: Record) -> str:
    return ", ".join(
        str(p[k]) for k in ("addressLine1", "city", "stateOrProvince", "postalCode", "country") if p.get(k)
    )


PROJECT_DETAIL = PROJECT.extend(
    F("type"),
    F("id"),
    F("phase", "currentPhase"),
    F("start", "startDate"),
    F("end", "endDate"),
    F("value", lambda p, _: _value(p)),
    F("members", "memberCount"),
    F("companies", "companyCount"),
    F("products", lambda p, _: [pr.get("key") for pr in p.get("products", []) if pr.get("status") == "active"]),
    F("address", lambda p, _: _address(p)),
    F("timezone"),
    F("construction", "constructionType"),
    F("delivery", "deliveryMethod"),
)


def _roles(u: Record) -> Any:
    return ", ".join(r.get("name", "") for r in u.get("roles") or []) or u.get("jobTitle")


MEMBER = View(
    F("name", role="bare"),
    F("status", role="bare"),
    F("company", "companyName", "bare"),
    F("role", lambda u, _: _roles(u), "bare"),
)
MEMBER_CONTACT = MEMBER.extend(F("email"))
"""When the model looks for someone by name, it usually wants to reach them: add the email."""
FIND_PROJECT = "Call list_projects to find the project id."

TOOLS = tools(
    ListSpec(
        name="list_projects",
        description="The account's projects.",
        toolset="admin",
        default=True,
        endpoint="admin.projects.list",
        view=PROJECT,
        noun="projects",
        params=[
            replace(NAME, to="filter[name]"),
            Param(
                "status",
                Literal["active", "pending", "archived", "suspended"] | None,
                "Only this status.",
                None,
                to="filter[status]",
            ),
        ],
        fixed={"sort": "name", "fields": "name,status,jobNumber,city"},
        limit=50,
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    GetSpec(
        name="get_project",
        description="One project's details: id, dates, value, address.",
        toolset="admin",
        endpoint="admin.projects.get",
        view=PROJECT_DETAIL,
        header=lambda p: f"Project {p.get('name')}",
        full=False,
        not_found=FIND_PROJECT,
    ),
    ListSpec(
        name="list_project_users",
        description="People on a project: status, company, role; email when filtered by name.",
        toolset="admin",
        default=True,
        endpoint="admin.project_users.list",
        view=MEMBER,
        views={"name": MEMBER_CONTACT},
        noun="project members",
        params=[
            replace(NAME, to="filter[name]"),
            Param("company", str | None, "Company name contains.", None, to="filter[companyName]"),
        ],
        fixed={"sort": "name"},
        limit=50,
        not_found=FIND_PROJECT,
    ),
)
