"""Scenarios: everyday questions answered in one or two tool calls, as a model would make them from the list.

Each scenario is a question a superintendent, project manager or document controller asks, the calls a
model makes for it (often with a first-try input form: a number for a reference, an enum in another case,
one value for a list), and the facts the answer must contain. Every call must succeed and stay within the
result budget. The dataset is the sandbox's deterministic one, dated 2026-11-02.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from acc_mcp.render import estimate_tokens

pytestmark = pytest.mark.anyio

Call = tuple[str, dict[str, Any]]
TODAY = "2026-11-02"

SCENARIOS: list[tuple[str, list[Call], list[str]]] = [
    ("Which projects are we running?", [("list_projects", {})], ["St. Mary's Hospital Expansion", "Riverside Tower"]),
    (
        "Who has the most overdue issues on the hospital job?",
        [("list_issues", {"project": "hospital", "overdue": True, "group_by": "assignee"})],
        ["65 issues", TODAY, "Yuki Sato: 9"],
    ),
    (
        "Which project has the most overdue issues?",
        [("list_issues", {"overdue": True, "group_by": "project"})],
        ["524 issues in 5 projects", "Riverside Tower: 148"],
    ),
    (
        "Open safety issues at the hospital?",
        [("list_issues", {"project": "hospital", "status": "open", "type": "safety"})],
        ["2 issues", "#200 Worker strained back", "#162"],
    ),
    (
        "What's overdue for Maria Garcia on the tower?",
        [("list_issues", {"project": "tower", "assignee": "Maria Garcia", "overdue": True})],
        ["4 issues", "#320", "overdue"],
    ),
    (
        "What is due this week at the school?",
        [("list_issues", {"project": "school", "due": "2026-11-02..2026-11-08"})],
        ["6 issues", "#247 Door closer failed"],
    ),
    (
        "Status breakdown of the school's issues?",
        [("list_issues", {"project": "school", "group_by": "status"})],
        ["250 issues", "closed: 94", "open: 70"],
    ),
    (
        "When are the hospital's open issues due, week by week?",
        [("list_issues", {"project": "hospital", "group_by": "due week", "status": ["open", "in progress"]})],
        ["by due_week", "week of 2026-11-02: 5"],
    ),
    (
        "Tell me about issue 42 at the hospital (the number as a JSON number)",
        [("get_issue", {"project": "hospital", "issue": 42})],
        ["Issue #42", "HVAC not maintaining setpoint"],
    ),
    (
        "Find #42 (search by number)",
        [("list_issues", {"project": "hospital", "search": "#42"})],
        ["1 issue in all", "#42 HVAC"],
    ),
    (
        "Issues assigned to the structural engineer role at the hospital?",
        [("list_issues", {"project": "hospital", "assignee": "Structural Engineer"})],
        ["2 issues", "Structural Engineer (role)"],
    ),
    (
        "Any RFI about curtain walls, anywhere?",
        [("search_rfis", {"search": "curtain wall"})],
        ["63 RFIs in 5 projects", "St. Mary's Hospital Expansion 17", "Curtain wall anchor spacing"],
    ),
    (
        "Which project has the most open RFIs?",
        [("search_rfis", {"group_by": "project", "status": "open"})],
        ["213 RFIs in 5 projects", "Pier 9 Mixed-Use: 62"],
    ),
    (
        "Whose court is the ball in for overdue RFIs at the hospital?",
        [("search_rfis", {"project": "hospital", "overdue": True, "group_by": "assignee"})],
        ["58 RFIs", "James Smith: 14"],
    ),
    (
        "High-priority open RFIs at Eastgate (priority in lower/upper case)",
        [("search_rfis", {"project": "eastgate", "priority": "HIGH", "status": "open"})],
        ["4 RFIs", "#137 Curtain wall anchor spacing at level 2"],
    ),
    (
        "What did RFI 012 at Eastgate get as an answer? (quoted as 'RFI 012')",
        [("get_rfi", {"project": "eastgate", "rfi": "RFI 012"})],
        ["RFI 012", "Curtain wall anchor spacing at level 1", "closed"],
    ),
    (
        "RFI 12 at Eastgate (a bare number)",
        [("get_rfi", {"project": "eastgate", "rfi": 12})],
        ["RFI 012", "Curtain wall anchor spacing at level 1"],
    ),
    (
        "How many reviews are open in each project?",
        [("list_reviews", {"status": "open", "group_by": "project"})],
        ["34 reviews in 5 projects", "Eastgate Logistics Center: 11"],
    ),
    (
        "Which Eastgate reviews are waiting, and on whom? (status in lower case)",
        [("list_reviews", {"project": "eastgate", "status": "open"})],
        ["11 reviews", "#25 Schematic Design Sign-off", "claimed Isaac Grant"],
    ),
    (
        "Where does the schematic design sign-off stand?",
        [
            ("list_reviews", {"project": "eastgate", "name": "schematic"}),
            ("get_review_progress", {"project": "eastgate", "review": 25}),
        ],
        ["Review #25 Schematic Design Sign-off", "step 2 of 3", "Isaac Grant"],
    ),
    (
        "Who is the roof framing review waiting on? (a role reads as a role)",
        [("get_review_progress", {"project": "eastgate", "review": "roof framing"})],
        ["UNCLAIMED · waiting on Victor Reyes, Zara Olsen, Structural Engineer (role)", "step 3 · Final Approval"],
    ),
    (
        "Latest site photos at the hospital",
        [("search_photos", {"project": "hospital", "limit": 5})],
        ["Crane pick – roof trusses", "Aisha Rahman"],
    ),
    (
        "Latest photos across all jobs",
        [("search_photos", {"limit": 2})],
        ["10 photos in 5 projects", "Eastgate Logistics Center:", "Oakridge Middle School:"],
    ),
    (
        "Who takes the most photos at the school?",
        [("search_photos", {"project": "school", "group_by": "taken_by"})],
        ["43 photos", "Nadia Petrov: 4"],
    ),
    (
        "Who is on the hospital team?",
        [("list_project_users", {"project": "hospital"})],
        ["33 project members", "Daniel Okafor", "Project Manager"],
    ),
    (
        "Overdue issues in two named projects (several projects at once)",
        [("list_issues", {"project": ["hospital", "school"], "overdue": True, "group_by": "project"})],
        ["in 2 projects", "St. Mary's Hospital Expansion: 65", "Oakridge Middle School: 95"],
    ),
    (
        "What's assigned to me, by project?",
        [("list_issues", {"assignee": "me", "group_by": "project"})],
        ["15 issues in 5 projects", "Eastgate Logistics Center: 6"],
    ),
    (
        "Which reviews are overdue, and who is holding them up?",
        [("list_reviews", {"overdue": True, "group_by": "next"})],
        ["12 reviews in 5 projects", "James Smith: 3", "Victor Reyes: 3"],
    ),
    (
        "Everything not closed at the school, by status",
        [("list_issues", {"project": "school", "status": "not_closed", "group_by": "status"})],
        ["156 issues", "open: 70"],
    ),
    (
        "A single status where a list is expected, in capitals",
        [("list_issues", {"project": "hospital", "status": "OPEN", "limit": 3})],
        ["39 issues", TODAY],
    ),
]


@pytest.mark.parametrize(("question", "calls", "facts"), SCENARIOS, ids=[s[0][:50] for s in SCENARIOS])
async def test_scenario(sandbox_app: Starlette, question: str, calls: list[Call], facts: list[str]) -> None:
    server = demo_server(app=sandbox_app)
    budget = server.acc_settings.max_result_tokens
    texts: list[str] = []
    async with Client(server) as client:
        for tool, args in calls:
            result = await client.call_tool(tool, args)
            text = "\n".join(getattr(b, "text", "") for b in result.content)
            assert not result.is_error, f"{question}: {tool} {args} erred: {text}"
            assert estimate_tokens(text) <= budget, f"{question}: {tool} is over the budget"
            texts.append(text)
    answer = "\n".join(texts)
    for fact in facts:
        assert fact in answer, f"{question}: {fact!r} not in\n{answer[:1500]}"


async def test_latest_comment_on_an_issue(sandbox_app: Starlette) -> None:
    """The comment tool is in the `issues` toolset (not default): with it on, one call answers."""
    async with Client(demo_server({"toolsets": "default,issues"}, app=sandbox_app)) as client:
        result = await client.call_tool("list_issue_comments", {"project": "hospital", "issue": "#42", "limit": 1})
    text = "\n".join(getattr(b, "text", "") for b in result.content)
    assert not result.is_error and "2 comments" in text and "Oct 18 by Chloe Dubois" in text


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 25
