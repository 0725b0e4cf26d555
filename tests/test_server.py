"""End to end, in memory: the SDK's client → our server → the sandbox (ASGI, in-process)."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.types import CallToolResult
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.sandbox import Fault

pytestmark = pytest.mark.anyio
HEADLINE = {"search_rfis", "list_issues", "get_review_progress", "create_data_connector_request", "get_photo"}


@pytest.fixture
async def client(sandbox_app: Starlette) -> AsyncIterator[Client]:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as c:
        yield c


def text(result: CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if b.type == "text")


async def call(client: Client, tool: str, **args: Any) -> CallToolResult:
    return await client.call_tool(tool, args)


async def test_tool_list_has_headline_tools_with_annotations(sandbox_app: Starlette) -> None:
    async with Client(demo_server(app=sandbox_app)) as c:
        tools = {t.name: t for t in (await c.list_tools()).tools}
    assert HEADLINE | {"list_projects", "list_reviews"} <= set(tools)
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.read_only_hint is not None
        assert "title" not in tool.input_schema
    assert tools["create_data_connector_request"].annotations.read_only_hint is False  # type: ignore[union-attr]


async def test_read_only_hides_and_refuses_writes(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"read_only": True}, app=sandbox_app)) as c:
        names = {t.name for t in (await c.list_tools()).tools}
        assert "create_data_connector_request" not in names and "list_issues" in names
        result = await c.call_tool("create_data_connector_request", {"description": "x", "service_groups": ["issues"]})
    assert result.is_error and "read-only" in text(result)


async def test_cold_start_question_needs_no_ids(client: Client) -> None:
    """'How far along is the structural review on the hospital job?'"""
    reviews = await call(client, "list_reviews", project="hospital", status="OPEN", name="Structural")
    assert not reviews.is_error
    number = re.search(r"#(\d+) ", text(reviews)).group(1)  # type: ignore[union-attr]
    progress = await call(client, "get_review_progress", project="St. Mary's", review=number)
    body = text(progress)
    assert not progress.is_error and re.search(r"step \d+ of \d+", body) and "Steps:" in body
    assert (progress.structured_content or {})["review"]["status"] == "OPEN"


async def test_page_through_all_issues_exactly_once(client: Client, sandbox_app: Starlette) -> None:
    world = sandbox_app.state.world
    project = next(p for p in world.projects if p["name"].startswith("Riverside"))
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        args: dict[str, Any] = {"project": project["id"], "limit": 40, "sort": "displayId"}
        if cursor:
            args["cursor"] = cursor
        result = await call(client, "list_issues", **args)
        assert not result.is_error, text(result)
        data = result.structured_content or {}
        seen += [item["#"] for item in data.get("items", [])]
        cursor = data.get("cursor")
        if not cursor:
            break
        assert f'cursor="{cursor}"' in text(result)
    counted = re.match(r"(\d+) issues", text(await call(client, "list_issues", project=project["id"], limit=1)))
    assert counted is not None
    total = int(counted.group(1))
    assert len(seen) == total == len(set(seen)) and seen == sorted(seen)


async def test_list_issues_filters_and_names(client: Client) -> None:
    result = await call(client, "list_issues", project="hospital", status=["open"], limit=50)
    body = text(result)
    assert not result.is_error
    lines = [line for line in body.splitlines() if line.startswith("#")]
    assert lines and all(" · open · " in line for line in lines)
    assert not re.search(r"assignee [A-Z0-9]{12}\b", body)  # Autodesk ids resolved to names
    bad = await call(client, "list_issues", project="hospital", due="..2026-13-45")
    assert bad.is_error and "YYYY-MM-DD" in text(bad)


async def test_get_issue_by_number(client: Client) -> None:
    result = await call(client, "get_issue", project="hospital", issue="#3")
    assert not result.is_error and text(result).startswith("Issue #3")


async def test_search_rfis_free_text(client: Client, sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette) -> None:
    result = await call(client, "search_rfis", project="hospital", limit=5)
    assert not result.is_error, text(result)
    first = (result.structured_content or {})["items"][0]
    word = max(first["title"].split(), key=len)
    hits = await call(client, "search_rfis", project="hospital", search=word, limit=200)
    assert not hits.is_error, text(hits)
    # Exactly the RFIs whose title, question or answer holds the word, as the sandbox's records say.
    project = next(p for p in sandbox_app.state.world.projects if p["name"].startswith("St. Mary"))
    url = f"/construction/rfis/v3/projects/{project['id']}/search:rfis"
    fields = ["title", "question", "officialResponse"]
    records = (await sandbox_http.post(url, json={"limit": 200, "fields": ["id", *fields]})).json()["results"]
    records += (await sandbox_http.post(url, json={"limit": 200, "offset": 200, "fields": ["id", *fields]})).json()[
        "results"
    ]
    holding = [r for r in records if any(word.lower() in str(r.get(f) or "").lower() for f in fields)]
    items = (hits.structured_content or {})["items"]
    assert holding and len(items) == len(holding) == (hits.structured_content or {})["total"]
    assert any(word.lower() in i["title"].lower() for i in items)
    rfi = await call(client, "get_rfi", project="hospital", rfi=str(first["#"]))
    assert not rfi.is_error and "question:" in text(rfi)


async def test_get_photo_returns_image_content(client: Client) -> None:
    photos = await call(client, "search_photos", project="hospital", limit=2)
    photo_id = (photos.structured_content or {})["items"][0]["id"]
    prefix = text(photos).splitlines()[1].split()[0]  # what the model sees: the first 8 characters
    assert len(prefix) == 8 and photo_id.startswith(prefix) and photo_id not in text(photos)
    result = await call(client, "get_photo", project="hospital", photo=prefix)
    images = [b for b in result.content if b.type == "image"]
    assert not result.is_error and len(images) == 1
    data = base64.b64decode(images[0].data)
    assert images[0].mime_type == "image/jpeg" and data[:2] == b"\xff\xd8"
    full = await call(client, "get_photo", project="hospital", photo=photo_id, size="full")
    assert len(base64.b64decode(next(b for b in full.content if b.type == "image").data)) > len(data)
    assert "X-Amz" not in text(result) and "sandbox-files" not in text(result)


async def test_create_data_connector_request_lands_in_sandbox(client: Client, sandbox_app: Starlette) -> None:
    args = {
        "description": "Weekly issues extract",
        "service_groups": ["issues", "rfis"],
        "schedule": "WEEK",
        "every": 1,
        "end": "2027-06-30",
        "projects": ["hospital"],
    }
    result = await client.call_tool("create_data_connector_request", args)
    assert not result.is_error, text(result)
    assert "24 jobs" in text(result)
    request_id = (result.structured_content or {})["id"]
    listed = await call(client, "list_data_connector_requests")
    assert request_id in str(listed.structured_content)
    again = await client.call_tool("create_data_connector_request", args)
    assert again.is_error and "allow_duplicate" in text(again)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"schedule": "WEEK", "end": "2027-01-01"}, "every"),
        ({"schedule": "MONTH", "every": 1}, "end"),
        ({"schedule": "ONE_TIME", "end": "2027-01-01"}, "ONE_TIME"),
        ({"schedule": "DAY", "every": 1, "start": "2027-02-01", "end": "2027-01-01"}, "after start"),
        ({"projects": [f"p{i}" for i in range(51)]}, "at most 50"),
        ({"start": "next tuesday"}, "YYYY-MM-DD"),
    ],
)
async def test_invalid_schedule_is_refused_before_sending(client: Client, args: dict[str, Any], message: str) -> None:
    result = await client.call_tool(
        "create_data_connector_request", {"description": "x", "service_groups": ["admin"], **args}
    )
    assert result.is_error and message in text(result)


async def test_bad_input_and_upstream_errors_keep_server_serving(client: Client, sandbox_app: Starlette) -> None:
    controls = sandbox_app.state.controls
    unknown = await call(client, "list_issues", project="00000000-0000-4000-8000-000000000000")
    assert unknown.is_error and "list_projects" in text(unknown)
    no_match = await call(client, "list_reviews", project="airport")
    assert no_match.is_error and "No project matches" in text(no_match)
    # A name typed with typographic quotes or without its accents is the same name.
    curly = await call(client, "list_reviews", project="ST. MARY\u2019S hospital")
    assert not curly.is_error, text(curly)

    controls.faults.append(Fault(429, path="/reviews", times=50, retry_after=0))
    storm = await call(client, "list_reviews", project="hospital")
    assert storm.is_error and "rate limit" in text(storm).lower()
    controls.faults.clear()

    controls.faults.append(Fault(503, path="/reviews", times=2))
    recovered = await call(client, "list_reviews", project="hospital")
    assert not recovered.is_error  # 5xx retried

    tokens = set(controls.tokens)
    controls.tokens.clear()
    denied = await call(client, "list_reviews", project="hospital", limit=3)
    assert denied.is_error and "401" in text(denied) and "login" in text(denied)
    assert "sandbox-demo-token" not in text(denied)
    controls.tokens.update(tokens)

    ok = await call(client, "list_reviews", project="hospital", limit=3)
    assert not ok.is_error


async def test_result_budget_respected(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"max_result_tokens": 600}, app=sandbox_app)) as c:
        result = await c.call_tool("list_issues", {"project": "hospital", "limit": 200})
    body = text(result)
    assert len(body) / 3 <= 600 and "cursor=" in body
