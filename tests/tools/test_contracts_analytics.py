"""Analytics contracts: what load_data asks Data Connector for, what it refuses to start, and that describe_data
and query_data never call ACC (they read the loaded database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from tests.tools.recorder import recording_server

pytestmark = pytest.mark.anyio
JOBS = "/data-connector/v1/accounts/{account}/jobs"
LISTING = JOBS + "/{job}/data-listing"
SQL = "SELECT status, count(*) AS n FROM rfis_rfis GROUP BY status ORDER BY n DESC"

# (tool, arguments, settings, whether an extract is loaded first, paths that must be requested (GET, in order of
#  first use; None: nothing may be sent upstream), an error the call must give)
ROWS: list[tuple[str, dict[str, Any], dict[str, Any], bool, list[str] | None, str | None]] = [
    ("load_data", {}, {}, False, [JOBS], None),  # the newest completed job, then its listing and files
    ("load_data", {"job": "{job8}"}, {}, False, [JOBS, LISTING], None),
    ("load_data", {"job": "0badc0de"}, {}, False, [JOBS], "No such completed Data Connector job"),
    ("load_data", {"new": True}, {"read_only": True}, False, None, "read-only"),
    ("describe_data", {"table": "rfis_rfis"}, {}, True, None, None),
    ("describe_data", {}, {}, True, None, None),
    ("query_data", {"sql": SQL}, {}, True, None, None),
    ("query_data", {"sql": "DELETE FROM rfis_rfis"}, {}, True, None, "only read-only queries"),
]


@pytest.mark.parametrize(("tool", "args", "settings", "loaded", "paths", "error"), ROWS)
async def test_analytics_request(
    tool: str,
    args: dict[str, Any],
    settings: dict[str, Any],
    loaded: bool,
    paths: list[str] | None,
    error: str | None,
    sandbox_app: Starlette,
    tmp_path: Path,
) -> None:
    server, log = recording_server(sandbox_app, toolsets="all", analytics_dir=str(tmp_path), **settings)
    account = sandbox_app.state.world.account_id
    async with Client(server) as client:
        jobs = await client.call_tool("list_data_connector_jobs", {"request": "Monthly full account extract"})
        job = str((jobs.structured_content or {})["items"][0]["id"])
        if loaded:
            first = await client.call_tool("load_data", {"job": job[:8]})
            assert not first.is_error, first.content[0].text  # type: ignore[union-attr]
        log.clear()
        result = await client.call_tool(tool, {k: v.replace("{job8}", job[:8]) if isinstance(v, str) else v
                                               for k, v in args.items()})  # fmt: skip
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error == (error is not None), text
    if error is not None:
        assert error in text, text
    api = [r for r in log if not r.url.path.startswith("/sandbox-files/")]
    if paths is None:
        assert not api, [r.url.path for r in api]
        return
    sent = list(dict.fromkeys(r.url.path for r in api if r.method == "GET"))
    wanted = [p.format(account=account, job=job) for p in paths]
    assert [p for p in sent if p in wanted] == wanted, sent
    assert all(r.method == "GET" for r in api), [(r.method, r.url.path) for r in api]
