"""The server's instructions: what a client that loads tools on demand reads up front (cut at 2 KB).

Claude Code and others show the model only tool names and these instructions until a tool is loaded, so
they say what the server covers, that names work where ids are asked, the date "overdue" is judged
against, and which toolsets exist and how to turn them on. Kept under LIMIT bytes (a test checks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .tools import TOOLSETS
from .tools.base import ToolSpec

LIMIT = 2048


def instructions(specs: Sequence[ToolSpec], *, today: date | None = None, read_only: bool = False) -> str:
    """The instructions for a server exposing `specs`; `today` is stated when it is fixed (the demo)."""
    on = list(dict.fromkeys(s.toolset for s in specs))
    off = [t for t in TOOLSETS if t not in on]
    fan = [s.name for s in specs if s.name in ("list_issues", "search_rfis", "list_reviews", "search_photos")]
    parts = [
        "Autodesk Construction Cloud (ACC): projects, companies and people, issues, RFIs, document reviews, "
        "photos, locations, forms, assets, Data Connector extracts" + (" (read-only)." if read_only else "."),
        "Names work where ids are asked: project='hospital', assignee='Wei Chen' (or a company, a role, 'me'), "
        "issue=42 or '#42', rfi='RFI 012', review by number or name.",
    ]
    if fan:
        parts.append(
            f"{', '.join(fan)} read every project when project is omitted (or 'all', or a list); "
            "group_by returns counts over all matches (who has most, which project); "
            "overdue=true means due before today and not done."
        )
    parts.append(
        f"Today is {today} (the demo's fixed date): judge 'overdue' and 'this week' against it."
        if today
        else "List headers state the date 'overdue' is judged against."
    )
    parts.append("Lists are paged: when a result ends with a cursor, call the tool again with it.")
    parts.append(f"Toolsets on: {', '.join(on)}.")
    if off:
        parts.append(
            f"Also available: {', '.join(off)}; the user turns them on with ACC_TOOLSETS=all "
            "(or default,<name>) in the server's environment."
        )
    return " ".join(parts)
