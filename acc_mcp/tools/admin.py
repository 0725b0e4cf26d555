"""Account Admin: projects and the people on them — the lookups every other tool starts from."""

from __future__ import annotations

from typing import Any, Literal

from ..paging import Call, OffsetPaging
from ..render import Row
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, NAME, PROJECT, ViewContext, limit_param, run_list, run_record
from .runtime import Runtime

ADMIN = "/construction/admin/v1"
PROJECTS = f"{ADMIN}/accounts/{{account}}/projects"


def project_row(p: dict[str, Any], ctx: ViewContext) -> Row:
    # No id: every tool takes the project by name or job number, and a UUID costs ~20 tokens a line.
    return {
        "name": p.get("name"),
        "status": p.get("status"),
        "job": p.get("jobNumber"),
        "city": p.get("city"),
    }


def project_detail(p: dict[str, Any], ctx: ViewContext) -> Row:
    value = p.get("projectValue") or {}
    return {
        **project_row(p, ctx),
        "type": p.get("type"),
        "id": p.get("id"),
        "phase": p.get("currentPhase"),
        "start": p.get("startDate"),
        "end": p.get("endDate"),
        "value": f"{value.get('value'):,} {value.get('currency', '')}".strip() if value.get("value") else None,
        "members": p.get("memberCount"),
        "companies": p.get("companyCount"),
        "products": [pr.get("key") for pr in p.get("products", []) if pr.get("status") == "active"],
        "address": ", ".join(
            str(p[k]) for k in ("addressLine1", "city", "stateOrProvince", "postalCode", "country") if p.get(k)
        ),
        "timezone": p.get("timezone"),
        "construction": p.get("constructionType"),
        "delivery": p.get("deliveryMethod"),
    }


def member_row(u: dict[str, Any], ctx: ViewContext) -> Row:
    # No id: people are named wherever a tool takes one (assignee="Wei Chen").
    return {
        "name": u.get("name"),
        "status": u.get("status"),
        "company": u.get("companyName"),
        "role": ", ".join(r.get("name", "") for r in u.get("roles") or []) or u.get("jobTitle"),
    }


def member_contact_row(u: dict[str, Any], ctx: ViewContext) -> Row:
    """When the model looks for someone by name, it usually wants to reach them: add the email."""
    return {**member_row(u, ctx), "email": u.get("email")}


async def list_projects(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    params: dict[str, Any] = {
        "filter[name]": args.get("name"),
        "filter[status]": args.get("status"),
        "sort": "name",
        "fields": "name,status,jobNumber,city",
    }
    call = Call("GET", rt.client.url(PROJECTS, account=account), params)
    return await run_list(
        rt, args, tool="list_projects", paging=OffsetPaging(max_page=200), call=call, view=project_row, noun="projects"
    )


async def get_project(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    record = await rt.client.get(rt.client.url(f"{ADMIN}/projects/{{p}}", p=project_id))
    return await run_record(rt, record, header=f"Project {record.get('name')}", view=project_detail)


async def list_project_users(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    params = {"filter[name]": args.get("name"), "filter[companyName]": args.get("company"), "sort": "name"}
    call = Call("GET", rt.client.url(f"{ADMIN}/projects/{{p}}/users", p=project_id), params)
    return await run_list(
        rt,
        args,
        tool="list_project_users",
        paging=OffsetPaging(max_page=200),
        call=call,
        view=member_contact_row if args.get("name") else member_row,
        noun="project members",
    )


TOOLS = [
    ToolSpec(
        name="list_projects",
        description="The account's projects.",
        toolset="admin",
        default=True,
        params=[
            NAME,
            Param("status", Literal["active", "pending", "archived", "suspended"] | None, "Only this status.", None),
            limit_param(50),
            CURSOR,
        ],
        run=list_projects,
        endpoints=["GET /construction/admin/v1/accounts/{accountId}/projects"],
    ),
    ToolSpec(
        name="get_project",
        description="One project's details: id, dates, value, address.",
        toolset="admin",
        params=[PROJECT],
        run=get_project,
        endpoints=["GET /construction/admin/v1/projects/{projectId}"],
        not_found="Call list_projects to find the project id.",
    ),
    ToolSpec(
        name="list_project_users",
        description="People on a project: status, company, role; email when filtered by name.",
        toolset="admin",
        default=True,
        params=[
            PROJECT,
            NAME,
            Param("company", str | None, "Company name contains.", None),
            limit_param(50),
            CURSOR,
        ],
        run=list_project_users,
        endpoints=["GET /construction/admin/v1/projects/{projectId}/users"],
        not_found="Call list_projects to find the project id.",
    ),
]
