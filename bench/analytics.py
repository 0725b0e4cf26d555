"""Analytics benchmark: loading a ~1 GB extract, a query over millions of issue rows, and five questions asked
through query_data versus through the REST tools.

    python bench/analytics.py            # prints the numbers and writes docs/analytics-performance.md
    python bench/analytics.py --no-write # prints only

The load runs in a child process (its own peak RSS, VmHWM) against the large sandbox served on loopback by a
third process; its benchmark job holds a streamed 1 GiB `issues_issues.csv`: download + DuckDB load through
`load_data`, as a server would do it.
The five questions run on the ordinary demo; calls and result tokens (tiktoken) are counted for one
`query_data` each, and for the fewest REST tool calls that answer the same question (every page read).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from mcp import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, header, table, tokens

from acc_mcp.demo import demo_server

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "analytics-performance.md"


def _text(result: Any) -> str:
    return str(result.content[0].text)


# --- the child: load the 1 GiB extract -----------------------------------------------------------------


def _peak_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


async def _load_child(folder: str, url: str, account: str) -> None:
    from acc_mcp.config import Settings
    from acc_mcp.sandbox import SANDBOX_TOKEN
    from acc_mcp.sandbox.world import SANDBOX_TODAY
    from acc_mcp.server import build_server

    settings = Settings.load(
        env={}, base_url=url, access_token=SANDBOX_TOKEN, account_id=account, auth_mode="token",
        toolsets="all", analytics_dir=folder, call_timeout=600, timeout=600,
    )  # fmt: skip
    async with Client(build_server(settings, today=lambda: SANDBOX_TODAY.date())) as client:
        jobs = await client.call_tool("list_data_connector_jobs", {"request": "All projects issues history"})
        job = str((jobs.structured_content or {})["items"][0]["id"])
        before = _peak_kib()
        started = time.perf_counter()
        out = await client.call_tool("load_data", {"job": job})
        seconds = time.perf_counter() - started
        assert not out.is_error, _text(out)
    print(json.dumps({"seconds": seconds, "peak_kib": _peak_kib(), "before_kib": before, "text": _text(out)}))


# --- the parent ----------------------------------------------------------------------------------------

AGGREGATE = (
    "SELECT bim360_project_id, status, issue_type, count(*) AS n, count(closed_at) AS closed "
    "FROM issues_issues GROUP BY ALL ORDER BY n DESC"
)


def large() -> dict[str, Any]:
    from _sandbox import LoopbackSandbox

    from acc_mcp.analytics import engine

    with tempfile.TemporaryDirectory() as folder, LoopbackSandbox(free_port(), large=True) as sandbox:
        argv = [sys.executable, __file__, "--load-child", folder, sandbox.url, sandbox.account_id]
        child = subprocess.run(argv, capture_output=True, text=True, check=True)
        load = json.loads(child.stdout.strip().splitlines()[-1])
        db = next(Path(folder).glob("*/extract.duckdb"))
        csv_bytes = 1 << 30
        db_bytes = db.stat().st_size
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            result = engine.run(db, AGGREGATE, keep=100, timeout=120)
            runs.append(time.perf_counter() - started)
        rows = engine.run(db, "SELECT count(*) FROM issues_issues", keep=1, timeout=60).rows[0][0]
    return dict(load) | {"csv_bytes": csv_bytes, "db_bytes": db_bytes, "query_s": statistics.median(runs), "rows": rows,
                   "groups": result.total}  # fmt: skip


QUESTIONS: list[tuple[str, str, str]] = [
    (
        "Open issues per project",
        "SELECT p.name, count(*) FROM issues_issues i JOIN admin_projects p ON p.id = i.bim360_project_id "
        "WHERE i.status = 'open' GROUP BY 1 ORDER BY 2 DESC",
        "list_issues",
    ),
    (
        "RFIs by status, account-wide",
        "SELECT status, count(*) FROM rfis_rfis GROUP BY 1 ORDER BY 2 DESC",
        "search_rfis",
    ),
    (
        "Project members per company",
        "SELECT company_name, count(DISTINCT user_id) FROM admin_project_users GROUP BY 1 ORDER BY 2 DESC",
        "list_project_users",
    ),
    (
        "Overdue unclosed Safety issues per project",
        "SELECT p.name, count(*) FROM issues_issues i JOIN admin_projects p ON p.id = i.bim360_project_id "
        "WHERE i.issue_type = 'Safety' AND i.due_date < DATE '2026-11-02' "
        "AND i.status NOT IN ('closed', 'completed', 'draft') GROUP BY 1",
        "list_issues_safety",
    ),
    (
        "Average RFI turnaround (days) per project",
        "SELECT p.name, round(avg(date_diff('hour', r.created_at, r.responded_at)) / 24, 1) FROM rfis_rfis r "
        "JOIN admin_projects p ON p.id = r.bim360_project_id WHERE responded_at IS NOT NULL GROUP BY 1",
        "search_rfis_answered",
    ),
]
HEADS = ["question", "SQL calls", "SQL tokens", "REST calls", "REST tokens", "calls ×", "tokens ×"]
OPEN = ["draft", "open", "pending", "in_progress", "in_review", "not_approved", "in_dispute"]


async def _paged(client: Client, tool: str, args: dict[str, Any]) -> tuple[int, int]:
    """(calls, tokens) to read every page of a list."""
    calls = spent = 0
    cursor: str | None = None
    while True:
        result = await client.call_tool(tool, {**args, **({"cursor": cursor} if cursor else {})})
        calls, spent = calls + 1, spent + tokens(_text(result))
        cursor = (result.structured_content or {}).get("cursor")
        if not cursor:
            return calls, spent


async def _rest(client: Client, kind: str, projects: list[str]) -> tuple[int, int]:
    """The fewest REST tool calls that answer the question: the project list, then per project what it needs."""
    first = await client.call_tool("list_projects", {})
    calls, spent = 1, tokens(_text(first))
    for project in projects:
        if kind == "list_issues":  # the header states the count: one call with limit 1
            step = (1, tokens(_text(await client.call_tool("list_issues", {"project": project, "status": ["open"],
                                                                             "limit": 1}))))  # fmt: skip
        elif kind == "list_issues_safety":  # every overdue line, to count them
            step = await _paged(
                client, "list_issues", {"project": project, "type": "Safety", "due": "overdue", "limit": 100}
            )
        elif kind == "search_rfis":  # every RFI, to count by status
            step = await _paged(client, "search_rfis", {"project": project, "limit": 200})
        elif kind == "search_rfis_answered":  # every answered RFI, for its dates
            step = await _paged(client, "search_rfis", {"project": project, "status": ["answered", "closed"],
                                                        "limit": 200})  # fmt: skip
        else:
            step = await _paged(client, "list_project_users", {"project": project, "limit": 200})
        calls, spent = calls + step[0], spent + step[1]
    return calls, spent


async def questions() -> list[list[Any]]:
    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        async with Client(demo_server({"toolsets": ("all",), "analytics_dir": folder})) as client:
            jobs = await client.call_tool("list_data_connector_jobs", {"request": "Monthly full account extract"})
            job = str((jobs.structured_content or {})["items"][0]["id"])
            setup = [await client.call_tool("load_data", {"job": job}), await client.call_tool("describe_data", {})]
            setup_tokens = sum(tokens(_text(r)) for r in setup)
            listed = await client.call_tool("list_projects", {})
            projects = [str(p["job"]) for p in (listed.structured_content or {}).get("items", [])]
            for title, sql, kind in QUESTIONS:
                answer = await client.call_tool("query_data", {"sql": sql})
                assert not answer.is_error, _text(answer)
                sql_tokens = tokens(_text(answer))
                calls, spent = await _rest(client, kind, projects)
                rows.append([title, 1, sql_tokens, calls, spent, calls / 1, spent / sql_tokens])
    rows.append(["(once: load_data + describe_data)", 2, setup_tokens, 0, 0, 0.0, 0.0])
    return rows


def _md(v: Any) -> str:
    return f"{v:,.1f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)


def main() -> None:
    if sys.argv[1:2] == ["--load-child"]:
        url, account, folder = sys.argv[2:5]
        anyio.run(_load_child, url, account, folder)
        return
    if "--questions" in sys.argv:  # the second half alone (the load takes minutes)
        table(HEADS, anyio.run(questions))
        return
    header("Analytics: a 1 GiB extract")
    big = large()
    load_rows = [
        ["load 1 GiB extract (download + DuckDB)", f"{big['seconds']:.1f} s", f"{big['peak_kib'] / 1024:,.0f} MiB"],
        ["database on disk", f"{big['db_bytes'] / (1 << 20):,.0f} MiB", ""],
        ["(server process before the load)", "", f"{big['before_kib'] / 1024:,.0f} MiB"],
        [f"aggregate over {big['rows']:,} issue rows", f"{big['query_s'] * 1000:,.0f} ms", f"{big['groups']} groups"],
    ]
    table(["step", "time / size", "peak RSS / rows"], load_rows)
    header("Analytics: five questions, query_data vs REST tools")
    qs = anyio.run(questions)
    heads = HEADS
    table(heads, qs)
    if "--no-write" in sys.argv:
        return
    lines = [
        "# Analytics performance",
        "",
        "Written by `python bench/analytics.py` (not by hand). Machine: "
        f"python {sys.version.split()[0]}; timings are one run on a shared machine.",
        "",
        "## Loading a 1 GiB extract and querying it",
        "",
        "The large sandbox's benchmark job (one streamed 1 GiB `issues_issues.csv`), loaded by `load_data` in a",
        "child process: signed-URL download to disk, then DuckDB `read_csv` into the account's database file.",
        "Peak RSS is the child's VmHWM: the whole server process (the sandbox runs in its own process).",
        "",
        "| step | time / size | peak RSS / rows |",
        "|---|---:|---:|",
        *(f"| {a} | {b} | {c} |" for a, b, c in load_rows),
        "",
        f"The aggregate: `{AGGREGATE}` (median of 3, through the locked read-only connection `query_data` uses).",
        "",
        "## Five questions: one query_data vs the REST tools",
        "",
        "REST: the fewest tool calls that answer the question (list_projects, then per project every page it",
        "needs). Tokens: tiktoken cl100k_base over the result text. The extract's one-off cost (load_data and",
        "describe_data) is the last row.",
        "",
        "| " + " | ".join(heads) + " |",
        "|---|" + "---:|" * (len(heads) - 1),
        *("| " + " | ".join(_md(v) for v in r) + " |" for r in qs),
        "",
    ]
    DOC.write_text("\n".join(lines))
    print(f"\nwrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
