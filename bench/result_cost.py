"""Tokens of our list results vs the raw ACC JSON of the same items, for every list tool, over the sandbox.

    python bench/result_cost.py

The list tools are found in the registry: every read tool of `acc_mcp.tools.ALL_TOOLS` that takes a
`cursor`. Each is called (in-process MCP client, default limit) with `project="hospital"` where it needs a
project and a sample for any other required parameter (`SAMPLES`), over a transport that records the
upstream requests. The tool's own list request (its first registry endpoint) is re-sent to the same sandbox
without `fields=` (so the raw page is what ACC returns by default); the items the tool showed are counted as
json.dumps(items, indent=2), what a server that returns ACC's JSON as-is sends (the SDK indents), vs the
tool's text. Then each item's key fields are checked on its line, for the tools `key_fields` knows.
Targets, each tool: >= 20x smaller, <= 40 tokens/item.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import compact, emit, figure, header, markdown, section, table, tokens, verdict
from _sandbox import RecordingTransport, server_on

from acc_mcp.endpoints import endpoint
from acc_mcp.sandbox import SANDBOX_TOKEN, World, build_app
from acc_mcp.sandbox.world import SANDBOX_TODAY
from acc_mcp.tools import ALL_TOOLS
from acc_mcp.tools.base import REQUIRED, ToolSpec
from acc_mcp.tools.issues import OPEN as ISSUES_OPEN
from acc_mcp.tools.rfis import OPEN as RFIS_OPEN

SAMPLES: dict[str, Any] = {"project": "hospital", "issue": 1, "rfi": 1, "review": 1}
"""A value for each required parameter a list tool may have (by name); `urn` is added from a first call."""


async def sample_urn(client: Client) -> str:
    """A file version URN, as list_review_files shows it (what a model passes to list_file_approvals)."""
    result = await client.call_tool("list_review_files", {"project": SAMPLES["project"], "review": SAMPLES["review"]})
    return str(((result.structured_content or {}).get("items") or [{}])[0].get("urn"))


def list_tools() -> list[ToolSpec]:
    return [t for t in ALL_TOOLS if not t.write and any(p.name == "cursor" for p in t.params)]


def path_pattern(key: str) -> re.Pattern[str]:
    ep = endpoint(key)
    return re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(ep.path)) + "$")


def list_request(tool: ToolSpec, log: list[tuple[httpx2.Request, bytes]]) -> httpx2.Request | None:
    """The tool's own list request: its first registry endpoint that it called (list_companies calls hq's
    project companies when given a project, the account's otherwise); the last such request (the page shown)."""
    for key in tool.calls:
        pattern = path_pattern(key)
        found = next((r for r, _ in reversed(log) if pattern.match(r.url.path)), None)
        if found is not None:
            return found
    return None


def raw_items(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return [i for i in body if isinstance(i, dict)]
    if isinstance(body, dict):
        for key in ("results", "data", "items"):
            if isinstance(body.get(key), list):
                return [i for i in body[key] if isinstance(i, dict)]
    return []


def _date(v: Any) -> str | None:
    """A due date as list lines write it: "Nov 19", with the year when it is not the sandbox's year."""
    if not isinstance(v, str) or not v:
        return None
    d = date.fromisoformat(v[:10])
    return f"{d:%b} {d.day}" + (f" {d.year}" if d.year != SANDBOX_TODAY.year else "")


def key_fields(tool: str, item: dict[str, Any], users: dict[str, str]) -> tuple[str, dict[str, str | None]] | None:
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
            # By design the due date is shown for items that can still be overdue (`issues.OPEN`).
            "due": _date(item.get("dueDate")) if item["status"] in ISSUES_OPEN else None,
        }
    if tool == "search_rfis":
        assigned = [users.get(a["id"], a["id"]) for a in item.get("assignedTo") or []]
        return f"#{item['customIdentifier']} ", {
            "number": f"#{item['customIdentifier']}",
            "title": item["title"],
            "status": item["status"],
            "assignee": assigned[0] if assigned else None,
            "due": _date(item.get("dueDate")) if item["status"] in RFIS_OPEN else None,
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
    return None  # a tool this check does not know yet: compaction is still measured


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


TARGET = "≥ 20×, ≤ 40 tok/item"


def unmeasured(tool: str, why: str) -> bool:
    """A MISS row for a list tool the bench could not measure, saying why (so a new tool gets a sample)."""
    return figure(
        f"Results, {tool}", ours="-", floor="-", ratio=None, target=TARGET, ok=False, note=f"not measured: {why}"
    )


async def main() -> int:
    header("result_cost: our list text vs raw ACC JSON of the same items, every list tool (default limit)")
    app = build_app(World.build())
    transport = RecordingTransport(app=app)
    server = server_on(app, transport, toolsets="all")
    raw_http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="https://developer.api.autodesk.com",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    )
    users: dict[str, str] = {}  # autodeskId -> name, from every lookup the server made
    rows: list[tuple[Any, ...]] = []
    missing: dict[tuple[str, str], list[str]] = {}
    ok = True
    async with Client(server) as client, raw_http:
        SAMPLES["urn"] = await sample_urn(client)
        for spec in list_tools():
            tool = spec.name
            needs = [p.name for p in spec.params if p.default is REQUIRED]
            if any(n not in SAMPLES for n in needs):
                lacking = [n for n in needs if n not in SAMPLES]
                ok &= unmeasured(tool, f"add a sample for {', '.join(lacking)} to SAMPLES in bench/result_cost.py")
                continue
            # One project always (a tool that may fan out over every project is measured on one, like the
            # rest: the raw side below is that project's pages).
            needs += [p.name for p in spec.params if p.name == "project" and p.name not in needs]
            arguments = {n: SAMPLES[n] for n in needs}
            transport.log.clear()
            result = await client.call_tool(tool, arguments)
            for _req, data in transport.log:
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
            request = list_request(spec, transport.log)
            if result.is_error or request is None:
                ok &= unmeasured(tool, f"call failed or made no list request: {text[:120]}")
                continue
            # The same request, without the `fields=` projection: what ACC returns to a plain call.
            params = {k: v for k, v in request.url.params.items() if k != "fields"}
            raw = await raw_http.request(
                request.method,
                request.url.raw_path.split(b"?")[0].decode(),  # still encoded: a version URN holds '?'
                params=params,
                content=request.content or None,
                headers={"Content-Type": "application/json"} if request.content else None,
            )
            items = raw_items(raw.json())
            structured = result.structured_content or {}
            shown = len(structured.get("items") or []) or len(items)
            items = items[:shown]
            if not items:
                ok &= figure(
                    f"Results, {tool}",
                    ours="-",
                    floor="-",
                    ratio=None,
                    target=TARGET,
                    ok=False,
                    note="no items on the sandbox with the sample arguments",
                )
                continue
            ours = tokens(text)
            theirs = tokens(json.dumps(items, indent=2))
            theirs_compact = tokens(compact(items))
            both = ours + (tokens(compact(structured)) if structured else 0)
            headed = _headed(text.splitlines())
            n_missing: int | str = 0
            for item in items:
                known = key_fields(tool, item, users)
                if known is None:
                    n_missing = "not checked"
                    break
                find, fields = known
                line = next((full for ln, full in headed.items() if ln.startswith(find) or f" {find}" in ln), "")
                for field, expected in fields.items():
                    if expected is not None and expected not in line:
                        n_missing = int(n_missing) + 1
                        missing.setdefault((tool, field), []).append(f"{expected!r} (item {find.strip()})")
            ratio = theirs / ours
            per_item = ours / shown
            rows.append(
                (
                    tool,
                    shown,
                    theirs,
                    theirs_compact,
                    ours,
                    f"{ratio:.1f}×",
                    f"{per_item:.1f}",
                    f"{theirs / shown / 20:.1f}",
                    both,
                    n_missing,
                )
            )
            ok &= figure(
                f"Results, {tool} ({shown} items)",
                ours=f"{ours:,} tok ({per_item:.1f}/item)",
                floor=f"{theirs:,} tok raw JSON",
                ratio=ratio,
                target=TARGET,
                ok=ratio >= 20 and per_item <= 40,
            )
    headers = [
        "tool",
        "items",
        "raw JSON",
        "raw compact",
        "text",
        "smaller",
        "tok/item",
        "20× allows",
        "text+structured",
        "missing",
    ]
    table(headers, rows)
    print()
    for (tool, field), examples in missing.items():
        print(f"  missing: {tool} {field} on {len(examples)} line(s), e.g. {'; '.join(examples[:2])}")
    ok &= verdict("key fields present", not missing, f"{len(missing)} (tool, field) pair(s) missing")
    section(
        "Results",
        markdown(headers, rows) + "\n\nraw JSON: the items the tool showed, as ACC returns them without `fields=`, "
        "indented (json.dumps indent=2, what the SDK sends for a returned dict); raw compact: the same without "
        "spaces; text: our text content; 20× allows: the tokens per item a line may take for the ≥ 20× target (raw "
        "JSON per item / 20); text+structured adds the compact structured copy the server also "
        'returns; missing: key fields absent from an item\'s line ("not checked": no key-field rule for the tool '
        "yet).",
    )
    emit("result_cost")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(anyio.run(main))
