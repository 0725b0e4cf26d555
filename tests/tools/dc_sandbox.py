"""Data Connector jobs made straight in the sandbox (no tool shows their ids), for scenarios and flows."""

from __future__ import annotations

from datetime import timedelta

import httpx2
from starlette.applications import Starlette

from acc_mcp.sandbox import SANDBOX_TOKEN
from acc_mcp.sandbox.data_connector_data import DataConnectorState
from acc_mcp.sandbox.world import SANDBOX_TODAY, iso


def dc_state(app: Starlette) -> DataConnectorState:
    state: DataConnectorState = app.state.families["data_connector"]
    return state


async def new_job(app: Starlette, *, finished: bool) -> str:
    """A new ONE_TIME request's job id: complete (the clock moved past it) or queued for an hour."""
    state = dc_state(app)
    if not finished:
        state.queued_for = timedelta(hours=1)
    base = f"http://s/data-connector/v1/accounts/{app.state.world.account_id}/requests"
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ) as http:
        body = {"description": "t", "scheduleInterval": "ONE_TIME", "effectiveFrom": iso(SANDBOX_TODAY)}
        created = (await http.post(base, json={**body, "serviceGroups": ["issues"]})).json()
        jobs = (await http.get(f"{base}/{created['id']}/jobs")).json()["results"]
    if finished:
        state.offset += state.queued_for + state.runs_for + timedelta(seconds=1)
    return str(jobs[0]["id"])
