"""Contract rows for the Data Connector tools: arguments in, the exact upstream requests out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.sandbox.data_connector_data import job_view
from tests.tools.dc_sandbox import dc_state, new_job
from tests.tools.recorder import recording_server

pytestmark = pytest.mark.anyio
DC = "/data-connector/v1/accounts/{account}"
R, J, Q = "{request}", "{job}", "{queued}"
ROWS: list[tuple[str, dict[str, Any], list[tuple[str, str, dict[str, str], Any]]]] = [
    ("get_data_connector_request", {"request": R}, [("GET", f"{DC}/requests/{R}", {}, None)]),
    ("update_data_connector_request", {"request": R, "active": False}, [
        ("PATCH", f"{DC}/requests/{R}", {}, {"isActive": False}),
    ]),
    ("update_data_connector_request", {
        "request": R, "schedule": "WEEK", "every": 2, "end": "2027-01-31", "service_groups": ["Issues", "rfis"],
    }, [("PATCH", f"{DC}/requests/{R}", {}, {
        "scheduleInterval": "WEEK", "reoccuringInterval": 2, "effectiveTo": "2027-01-31T00:00:00.000Z",
        "serviceGroups": ["issues", "rfis"],
    })]),
    ("delete_data_connector_request", {"request": R}, [("DELETE", f"{DC}/requests/{R}", {}, None)]),
    ("get_data_connector_job", {"job": J}, [
        ("GET", f"{DC}/jobs/{J}", {}, None), ("GET", f"{DC}/jobs/{J}/data-listing", {}, None),
    ]),
    ("get_data_connector_job", {"request": R}, [
        ("GET", f"{DC}/requests/{R}/jobs", {"sort": "desc", "limit": "1"}, None),
    ]),
    ("cancel_data_connector_job", {"job": Q}, [("DELETE", f"{DC}/jobs/{Q}", {}, None)]),
    ("download_data_connector_file", {"job": J, "file": "autodesk_data_extract.zip"}, [
        ("GET", f"{DC}/jobs/{J}/data-listing", {}, None),
        ("GET", f"{DC}/jobs/{J}/data/autodesk_data_extract.zip", {}, None),
    ]),
    # One clock: with the sandbox's day, "now" is that day, not the machine's date.
    ("create_data_connector_request", {"description": "c", "service_groups": ["issues"]}, [
        ("POST", f"{DC}/requests", {}, {
            "description": "c", "isActive": True, "scheduleInterval": "ONE_TIME",
            "effectiveFrom": "2026-11-02T00:00:00.000Z", "serviceGroups": ["issues"],
        }),
    ]),
]  # fmt: skip


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, real in ids.items():
            value = value.replace("{" + key + "}", real)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("tool", "args", "expected"), ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)])
async def test_contract(
    tool: str, args: dict[str, Any], expected: list[Any], sandbox_app: Starlette, tmp_path: Path
) -> None:
    state = dc_state(sandbox_app)
    weekly = next(r for r in state.requests.values() if r.fields["description"].startswith("Weekly"))
    done = [
        j for j in state.jobs.values()
        if j.spec["id"] == weekly.fields["id"] and job_view(j, state.now())["completionStatus"] == "success"
    ]  # fmt: skip
    ids = {"account": sandbox_app.state.world.account_id, "request": weekly.fields["id"], "job": done[-1].id}
    if Q in args.values():
        ids["queued"] = await new_job(sandbox_app, finished=False)
    server, log = recording_server(sandbox_app, toolsets="all", download_dir=str(tmp_path))
    async with Client(server) as client:
        result = await client.call_tool(tool, _fill(args, ids))
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    sent = [
        (r.method, r.url.path, dict(r.url.params), json.loads(r.content) if r.content else None)
        for r in log
        if r.url.path.startswith("/data-connector/")
    ]
    for method, path, query, body in expected:
        assert (method, _fill(path, ids), query, body) in sent, sent
