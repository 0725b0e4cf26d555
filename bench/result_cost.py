"""Tokens of our list results vs the raw ACC JSON of the same items, over the sandbox.

    python bench/result_cost.py

For each list tool: call it (in-process MCP client, default limit 25) over a transport that records the
upstream list request; re-send that request to the same sandbox app without `fields=` (so the raw page is
what ACC returns by default); count tokens of json.dumps(items, indent=2) for the items the tool showed,
vs the tool's text. Then check that each item's key fields appear on its line of the text.
Targets: >= 20x smaller, <= 40 tokens/item.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, table, tokens, verdict
from _sandbox import RecordingTransport, server_on

from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from acc_mcp.sandbox.world import SANDBOX_TODAY

P = {"project": "hospital"}
TOOLS: list[tuple[str, dict[str, Any], str]] = [
    # tool, arguments, path fragment of the list request
    ("list_projects", {}, "/projects"),
    ("list_project_users", P, "/users"),
    ("list_issues", P, "/issues"),
    ("search_rfis", P, "search:rfis"),
    ("list_reviews", P, "/reviews"),
    ("search_photos", P, "photos:filter"),
    ("list_data_connector_requests", {}, "/requests"),
    ("list_data_connector_jobs", {}, "/jobs"),
]


def _date(v: Any) -> str | None:
    """A due date as list lines write it: "Nov 19", with the year when it is not the sandbox's year."""
    if not isinstance(v, str) or not v:
        return None
    d = date.fromisoformat(v[:10])
    return f"{d:%b} {d.day}" + (f" {d.year}" if d.year != SANDBOX_TODAY.year else "")


def key_fields(tool: str, item: dict[str, Any], users: dict[str, str]) -> tuple[str, dict[str, str | None]]:
    """(the text that finds the item's line, {field: text expected on that line or None if absent}).

    Items are identified as the tools ask for them back: projects and people by name (every tool takes
    those), issues, RFIs and reviews by number, photos and Data Connector records by the id prefix that
    get_photo / list_data_connector_jobs accept. A field may also stand in the heading that a grouped
    list puts over the line (reviews by status, jobs by request).
    """
    short = str(item.get("id", ""))[:8]
    if tool == "list_projects":
        return f"{item['name']} ·", {
            "name": item["name"],
            "job number": item.get("jobNumber"),
            "status": item.get("status"),
        }
    if tool == "list_project_users":
        return f"{item['name']} ·", {"name": item["name"], "status": item.get("status")}
    if tool == "list_issues":
        return f"#{item['displayId']} ", {
            "number": f"#{item['displayId']}",
            "title": item["title"],
            "status": item["status"],
            "assignee": users.get(item.get("assignedTo") or "", item.get("assignedTo")),
            # By design the due date is shown for items still open (tools/issues.py `_row`).
            "due": _date(item.get("dueDate")) if item["status"] not in ("closed", "completed") else None,
        }
    if tool == "search_rfis":
        assigned = [users.get(a["id"], a["id"]) for a in item.get("assignedTo") or []]
        return f"#{item['customIdentifier']} ", {
            "number": f"#{item['customIdentifier']}",
            "title": item["title"],
            "status": item["status"],
            "assignee": assigned[0] if assigned else None,
            "due": _date(item.get("dueDate")) if item["status"] not in ("closed", "answered", "void") else None,
        }
    if tool == "list_reviews":
        claimed = ((item.get("nextActionBy") or {}).get("claimedBy") or [{}])[0].get("name")
        return f"#{item['sequenceId']} ", {
            "number": f"#{item['sequenceId']}",
            "name": item["name"],
            "status": item["status"],
            "next action": claimed,
            "step due": _date(item.get("currentStepDueDate")),
        }
    if tool == "search_photos":
        return f"{short} ", {
            "id": short,
            "title": item.get("title"),
            "by": users.get(item.get("createdBy") or "", item.get("createdBy")),
            "taken": _date(item.get("takenAt")),
        }
    if tool == "list_data_connector_requests":
        return f"{short} ", {
            "id": short,
            "description": item.get("description"),
            # Active is the usual case; an inactive request says so.
            "status": None if item.get("isActive") else "inactive",
        }
    if tool == "list_data_connector_jobs":
        return f"{short} ", {"id": short, "status": item.get("status"), "request": item["requestId"][:8]}
    raise KeyError(tool)


def _headed(lines: list[str]) -> dict[str, str]:
    """Each item line with the heading above it (the lines ending in ':' after the header), if any."""
    out: dict[str, str] = {}
    heading = ""
    for ln in lines[1:]:
        if ln.endswith(":"):
            heading = ln
        else:
            out[ln] = f"{heading} {ln}" if heading else ln
    return out


async def main() -> int:
    header("result_cost: our list text vs raw ACC JSON of the same items (limit 25)")
    app = build_app(World.build())
    transport = RecordingTransport(app=app)
    server = server_on(app, transport, toolsets="all")
    raw_http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="https://developer.api.autodesk.com",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )
    users: dict[str, str] = {}  # autodeskId -> name, from the full member list of the project
    rows: list[tuple[Any, ...]] = []
    missing: dict[tuple[str, str], list[str]] = {}
    ratios: list[float] = []
    per_item: list[float] = []
    async with Client(server) as client, raw_http:
        for tool, arguments, fragment in TOOLS:
            transport.log.clear()
            result = await client.call_tool(tool, arguments)
            for _req, data in transport.log:  # every id -> name the server itself looked up (users, companies)
                try:
                    found = json.loads(data)
                except ValueError:
                    continue
                for rec in found.get("results", []) if isinstance(found, dict) else found:
                    if isinstance(rec, dict) and rec.get("name"):
                        for key in ("id", "autodeskId", "member_group_id"):
                            if rec.get(key):
                                users.setdefault(rec[key], rec["name"])
            text = "".join(b.text for b in result.content if b.type == "text")
            request = next(r for r, _ in reversed(transport.log) if fragment in r.url.path)
            # The same request, without the `fields=` projection: what ACC returns to a plain call.
            params = {k: v for k, v in request.url.params.items() if k != "fields"}
            raw = await raw_http.request(
                request.method,
                request.url.path,
                params=params,
                content=request.content or None,
                headers={"Content-Type": "application/json"} if request.content else None,
            )
            body = raw.json()
            items: list[dict[str, Any]] = body["results"] if isinstance(body, dict) else body
            structured = result.structured_content or {}
            shown = len(structured.get("items") or []) or len(items)
            items = items[:shown]
            ours = tokens(text)
            theirs = tokens(json.dumps(items, indent=2))
            both = ours + (tokens(json.dumps(structured)) if structured else 0)
            headed = _headed(text.splitlines())
            n_missing = 0
            for item in items:
                find, fields = key_fields(tool, item, users)
                line = next((full for ln, full in headed.items() if ln.startswith(find) or f" {find}" in ln), "")
                for field, expected in fields.items():
                    if expected is not None and expected not in line:
                        n_missing += 1
                        missing.setdefault((tool, field), []).append(f"{expected!r} (item {find.strip()})")
            ratio = theirs / ours
            ratios.append(ratio)
            per_item.append(ours / shown)
            rows.append((tool, shown, theirs, ours, f"{ratio:.1f}x", ours / shown, both, n_missing))
    table(
        ["tool", "items", "raw tok", "text tok", "smaller", "tok/item", "text+structured", "key fields missing"], rows
    )
    print()
    for (tool, field), examples in missing.items():
        print(f"  missing: {tool} {field} on {len(examples)} line(s), e.g. {'; '.join(examples[:2])}")
    worst_ratio = min(ratios)
    worst_item = max(per_item)
    worst_tool = rows[ratios.index(worst_ratio)][0]
    median_ratio = sorted(ratios)[len(ratios) // 2]
    ok = verdict(
        ">= 20x smaller", worst_ratio >= 20, f"lowest {worst_ratio:.1f}x ({worst_tool}); median {median_ratio:.1f}x"
    )
    ok &= verdict(
        "<= 40 tokens/item", worst_item <= 40, f"highest {worst_item:.1f} ({rows[per_item.index(worst_item)][0]})"
    )
    ok &= verdict("key fields present", not missing, f"{sum(r[-1] for r in rows)} missing field(s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
