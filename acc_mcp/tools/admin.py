"""Account Admin: projects and the people on them — the lookups every other tool starts from."""

from __future__ import annotations

from typing import Any, Literal

from ..paging import Call, OffsetPaging
from ..render import Row
from .base import Param, ToolOutput, ToolSpec
from .listing import CURSOR, DETAIL, PROJECT, ViewContext, limit_param, run_list, run_record
from .runtime import Runtime

ADMIN = "/construction/admin/v1"
PROJECTS = f"{ADMIN}/accounts/{{account}}/projects"


def project_row(p: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        "name": p.get("name"),
        "status": p.get("status"),
        "type": p.get("type"),
        "job": p.get("jobNumber"),
        "city": p.get("city"),
        "id": p.get("id"),
    }


def project_detail(p: dict[str, Any], ctx: ViewContext) -> Row:
    value = p.get("projectValue") or {}
    return {
        **project_row(p, ctx),
        "phase": p.get("currentPhase"),
        "start": p.get("startDate"),
        "end": p.get("endDate"),
        "value": f"{value.get('value'):,} {value.get('currency', '')}".strip() if value.get("value") else None,
        "members": p.get("memberCount"),
        "companies": p.get("companyCount"),
        "products": [pr.get("key") for pr in p.get("products", []) if pr.get("status") == "active"],
    }


def member_row(u: dict[str, Any], ctx: ViewContext) -> Row:
    return {
        "name": u.get("name"),
        "company": u.get("companyName"),
        "role": ", ".join(r.get("name", "") for r in u.get("roles") or []) or u.get("jobTitle"),
        "email": u.get("email"),
        "id": u.get("id"),
    }


async def list_projects(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    account = await rt.account_id()
    params: dict[str, Any] = {
        "filter[name]": args.get("name"),
        "filter[status]": args.get("status"),
        "sort": "name",
        "fields": "name,status,type,jobNumber,city",
    }
    call = Call("GET", rt.client.url(PROJECTS, account=account), params)
    return await run_list(
        rt, args, tool="list_projects", paging=OffsetPaging(max_page=200), call=call, view=project_row, noun="projects"
    )


async def get_project(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
    project_id = await rt.project_id(args["project"])
    record = await rt.client.get(rt.client.url(f"{ADMIN}/projects/{{p}}", p=project_id))
    return await run_record(
        rt, record, header=f"Project {record.get('name')}", view=project_detail, detail=args.get("detail", "summary")
    )


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
        view=member_row,
        noun="project members",
    )


TOOLS = [
    ToolSpec(
        name="list_projects",
        description="List the account's ACC projects with their ids. Start here to find a project.",
        toolset="admin",
        default=True,
        params=[
            Param("name", str | None, "Only projects whose name contains this text.", None),
            Param("status", Literal["active", "pending", "archived", "suspended"] | None, "Only this status.", None),
            limit_param(50),
            CURSOR,
        ],
        run=list_projects,
        endpoints=["GET /construction/admin/v1/accounts/{accountId}/projects"],
    ),
    ToolSpec(
        name="get_project",
        description="Details of one project: dates, phase, value, team size, products.",
        toolset="admin",
        params=[PROJECT, DETAIL],
        run=get_project,
        endpoints=["GET /construction/admin/v1/projects/{projectId}"],
        not_found="Call list_projects to find the project id.",
    ),
    ToolSpec(
        name="list_project_users",
        description="People on a project, with company, role and email.",
        toolset="admin",
        default=True,
        params=[
            PROJECT,
            Param("name", str | None, "Only people whose name contains this text.", None),
            Param("company", str | None, "Only people at a company whose name contains this text.", None),
            limit_param(50),
            CURSOR,
        ],
        run=list_project_users,
        endpoints=["GET /construction/admin/v1/projects/{projectId}/users"],
        not_found="Call list_projects to find the project id.",
    ),
]
