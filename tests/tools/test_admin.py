"""Projects and people as a model sees them: named, with their status, no UUIDs to copy."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox import World, build_app

pytestmark = pytest.mark.anyio
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as c:
        yield c


async def text_of(client: Client, tool: str, **args: object) -> str:
    result = await client.call_tool(tool, args)
    body = "\n".join(b.text for b in result.content if b.type == "text")
    assert not result.is_error, body
    return body


async def test_project_lines_name_the_project_and_the_name_is_enough(client: Client) -> None:
    body = await text_of(client, "list_projects")
    lines = body.splitlines()[1:]
    assert lines and not UUID.search(body)
    assert all(re.search(r" · (active|pending|archived|suspended) · job \S+", ln) for ln in lines)
    name = lines[0].split(" · ")[0]
    assert (await text_of(client, "get_project", project=name)).startswith(f"Project {name}")
    job = re.search(r"job (\S+)", lines[0]).group(1)  # type: ignore[union-attr]
    assert (await text_of(client, "get_project", project=job)).startswith(f"Project {name}")


async def test_member_lines_show_status_company_and_role() -> None:
    world = World.build()
    project = next(p for p in world.projects if "Hospital" in p["name"])
    member = world.project_members(project["id"])[0]
    member["status"] = "pending"
    async with Client(demo_server({"toolsets": "all"}, app=build_app(world))) as client:
        body = await text_of(client, "list_project_users", project="hospital")
        lines = body.splitlines()[1:]
        assert len(lines) == len(world.project_members(project["id"])) and not UUID.search(body)
        assert f"{member['name']} · pending · {member['companyName']} · {member['roles'][0]['name']}" in lines
        assert sum(" · active · " in ln for ln in lines) == len(lines) - 1
        assert "@" not in body  # emails only when the model looks for someone by name
        one = await text_of(client, "list_project_users", project="hospital", name=member["name"])
        assert one.splitlines()[1].endswith(f"· email {member['email']}")
