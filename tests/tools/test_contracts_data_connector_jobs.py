"""Contracts of the Data Connector tools that follow a request: get, update and delete it; get (and wait for)
or cancel a job; download a file of its extract."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import ACCOUNT, DOWNLOAD, Case, case, run_case

pytestmark = pytest.mark.anyio
REQUESTS = ACCOUNT + "/requests"
JOBS = ACCOUNT + "/jobs"
WEEKLY = "{request[Weekly issues + RFIs extract]}"
JOB = "{job[Weekly issues + RFIs extract]}"
LOOKUP = upstream("GET", REQUESTS, {"sort": "desc", "sortFields": "createdAt", "limit": 100, "offset": 0})
JOB_LOOKUP = upstream("GET", JOBS, {"sort": "desc", "limit": 100, "offset": 0})
DOWNLOADS = tempfile.mkdtemp(prefix="acc-mcp-contracts-")
"""Contract rows that download save here (a temp folder, never the user's cache)."""


def saved(*, members: bool = False, header: str | None = None) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.data["path"].startswith(DOWNLOADS) and out.data["size"] > 0, out.text
        assert "Signature" not in out.text and "sandbox-files" not in out.text
        if members:
            assert "issues_issues.csv" in out.data["members"]
        if header:
            assert out.data["header"][0] == header and len(out.data["rows"]) == 5

    return check


def says(text: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert text in out.text, out.text

    return check


def download(id: str, args: dict[str, Any], requests: list[Any], endpoints: set[str], **kw: Any) -> Any:
    c = case(id, "download_data_connector_file", args, requests, endpoints, **kw).values[0]
    return pytest.param(Case(**{**c.__dict__, "extra": {"download_dir": DOWNLOADS}}), id=id)


REQUEST = [
    case("by-id", "get_data_connector_request", {"request": WEEKLY}, [upstream("GET", f"{REQUESTS}/{WEEKLY}")], set()),
    case(
        "by-name",
        "get_data_connector_request",
        {"request": "weekly issues"},
        [LOOKUP, upstream("GET", f"{REQUESTS}/{WEEKLY}")],
        set(),
    ),
    case(
        "full",
        "get_data_connector_request",
        {"request": WEEKLY, "full": True},
        [upstream("GET", f"{REQUESTS}/{WEEKLY}")],
        set(),
        check=says("createdByEmail: "),
    ),
]
UPDATE = [
    case(
        "pause",
        "update_data_connector_request",
        {"request": WEEKLY, "active": False},
        [upstream("PATCH", f"{REQUESTS}/{WEEKLY}", body={"isActive": False})],
        set(),
    ),
    case(
        "schedule-and-services",
        "update_data_connector_request",
        {
            "request": WEEKLY,
            "description": "Fortnightly issues",
            "schedule": "WEEK",
            "every": 2,
            "start": "2026-11-09",
            "end": "2027-01-31",
            "service_groups": ["Issues", "rfis"],
        },
        [
            upstream(
                "PATCH",
                f"{REQUESTS}/{WEEKLY}",
                body={
                    "description": "Fortnightly issues",
                    "scheduleInterval": "WEEK",
                    "reoccuringInterval": 2,
                    "effectiveFrom": "2026-11-09T00:00:00.000Z",
                    "effectiveTo": "2027-01-31T00:00:00.000Z",
                    "serviceGroups": ["issues", "rfis"],
                },
            )
        ],
        set(),
    ),
    case("nothing-sends-nothing", "update_data_connector_request", {"request": WEEKLY}, [], set(), error="Nothing"),
]
DELETE = [
    case(
        "by-id",
        "delete_data_connector_request",
        {"request": WEEKLY},
        [upstream("DELETE", f"{REQUESTS}/{WEEKLY}")],
        set(),
    ),
    case(
        "by-name",
        "delete_data_connector_request",
        {"request": "admin snapshot"},
        [LOOKUP, upstream("DELETE", REQUESTS + "/{request[Account admin snapshot]}")],
        set(),
    ),
    case(
        "after-delete-is-404-and-sent-once",
        "delete_data_connector_request",
        {"request": WEEKLY},
        [upstream("DELETE", f"{REQUESTS}/{WEEKLY}")],
        set(),
        setup=(("delete_data_connector_request", {"request": WEEKLY}),),
        error="list_data_connector_requests",
    ),
]
LISTING = upstream("GET", f"{JOBS}/{JOB}/data-listing")
GET_JOB = [
    case(
        "newest-of-the-account",
        "get_data_connector_job",
        {},
        [upstream("GET", JOBS, {"sort": "desc", "limit": 1}), upstream("GET", f"{JOBS}/{JOB}"), LISTING],
        set(),
        check=says("autodesk_data_extract.zip"),
    ),
    case(
        "newest-of-a-request",
        "get_data_connector_job",
        {"request": WEEKLY},
        [
            upstream("GET", f"{REQUESTS}/{WEEKLY}/jobs", {"sort": "desc", "limit": 1}),
            upstream("GET", f"{JOBS}/{JOB}"),
            LISTING,
        ],
        set(),
    ),
    case(
        "finished-job-is-not-waited-for",
        "get_data_connector_job",
        {"job": JOB, "wait": 20},
        [upstream("GET", f"{JOBS}/{JOB}"), LISTING],
        set(),
    ),
    case(
        "failed-job-has-no-files",
        "get_data_connector_job",
        {"job": "{failed_job}"},
        [upstream("GET", JOBS + "/{failed_job}")],
        set(),
    ),
]
CANCEL = [
    case(
        "finished-job-is-not-cancelled",
        "cancel_data_connector_job",
        {"job": JOB},
        [upstream("GET", f"{JOBS}/{JOB}")],
        set(),
        check=says("nothing to cancel"),
    ),
    case(
        "failed-job-says-so",
        "cancel_data_connector_job",
        {"job": "{failed_job}"},
        [upstream("GET", JOBS + "/{failed_job}")],
        set(),
        check=says("(failed)"),
    ),
    case(
        "unknown-prefix",
        "cancel_data_connector_job",
        {"job": "0badc0de"},
        [JOB_LOOKUP],
        set(),
        error="list_data_connector_jobs",
    ),
]
FILES = [
    download(
        "zip",
        {"job": JOB, "file": "autodesk_data_extract.zip"},
        [LISTING, upstream("GET", f"{JOBS}/{JOB}/data/autodesk_data_extract.zip")],
        {DOWNLOAD},
        check=saved(members=True),
    ),
    download(
        "csv",
        {"job": JOB, "file": "issues_issues.csv"},
        [LISTING, upstream("GET", f"{JOBS}/{JOB}/data/issues_issues.csv")],
        {DOWNLOAD},
        check=saved(header="issue_id"),
    ),
    download("escaping-name-sends-nothing", {"job": JOB, "file": "../x.csv"}, [], set(), error="download folder"),
    download("unknown-file", {"job": JOB, "file": "nope.csv"}, [LISTING], set(), error="has no file"),
]


@pytest.mark.parametrize("c", REQUEST)
async def test_get_data_connector_request(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", UPDATE)
async def test_update_data_connector_request(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", DELETE)
async def test_delete_data_connector_request(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", GET_JOB)
async def test_get_data_connector_job(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", CANCEL)
async def test_cancel_data_connector_job(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", FILES)
async def test_download_data_connector_file(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
