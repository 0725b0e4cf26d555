"""Contracts of the Account Admin tools: list_projects, get_project, list_project_users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Outcome, upstream
from tests.tools.contract import ADMIN, PROJECT, PROJECTS, USERS, Case, case, run_case

pytestmark = pytest.mark.anyio
ACCOUNT_PROJECTS = ADMIN + "/accounts/{account}/projects"
LIST = {"fields": "name,status,jobNumber,city", "sort": "name"}


def names_sorted(out: Outcome, ids: Mapping[str, Any]) -> None:
    names = [i["name"] for i in out.items]
    assert names == sorted(names) and len(names) == 5


def only(*names: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert [i["name"] for i in out.items] == list(names), out.text

    return check


def continues_with(*names: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert [i["name"] for i in out.items] == list(names), out.text
        assert "Showing 3-4 of 5" in out.text

    return check


LIST_PROJECTS = [
    case(
        "all-sorted-by-name",
        "list_projects",
        {},
        [upstream("GET", ACCOUNT_PROJECTS, {**LIST, "limit": 50, "offset": 0})],
        {PROJECTS},
        check=names_sorted,
    ),
    case(
        "name-filter",
        "list_projects",
        {"name": "river"},
        [upstream("GET", ACCOUNT_PROJECTS, {**LIST, "filter[name]": "river", "limit": 50, "offset": 0})],
        {PROJECTS},
        check=only("Riverside Tower"),
    ),
    case(
        "status-filter",
        "list_projects",
        {"status": "pending"},
        [upstream("GET", ACCOUNT_PROJECTS, {**LIST, "filter[status]": "pending", "limit": 50, "offset": 0})],
        {PROJECTS},
        check=only("Pier 9 Mixed-Use"),
    ),
    case(
        "limit",
        "list_projects",
        {"limit": 2},
        [upstream("GET", ACCOUNT_PROJECTS, {**LIST, "limit": 2, "offset": 0})],
        {PROJECTS},
        check=only("Eastgate Logistics Center", "Oakridge Middle School"),
    ),
    case(
        "cursor-continues-at-offset",
        "list_projects",
        {"limit": 2},
        [upstream("GET", ACCOUNT_PROJECTS, {**LIST, "limit": 2, "offset": 2})],
        {PROJECTS},
        before={"limit": 2},
        check=continues_with("Pier 9 Mixed-Use", "Riverside Tower"),
    ),
]


def project_detail(name: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.text.startswith(f"Project {name}\n"), out.text
        assert "id: " in out.text and "address: " in out.text

    return check


GET_PROJECT = [
    case(
        "by-name",
        "get_project",
        {"project": "hospital"},
        [upstream("GET", ADMIN + "/projects/{hospital}")],
        {PROJECTS, PROJECT},
        check=project_detail("St. Mary's Hospital Expansion"),
    ),
    case(
        "by-job-number",
        "get_project",
        {"project": "RVT-3928"},
        [upstream("GET", ADMIN + "/projects/{riverside}")],
        {PROJECTS, PROJECT},
        check=project_detail("Riverside Tower"),
    ),
    case(
        "by-id-no-lookup",
        "get_project",
        {"project": "{riverside}"},
        [upstream("GET", ADMIN + "/projects/{riverside}")],
        {PROJECT},
        check=project_detail("Riverside Tower"),
    ),
    case(
        "by-b-prefixed-id",
        "get_project",
        {"project": "b.{oakridge}"},
        [upstream("GET", ADMIN + "/projects/{oakridge}")],
        {PROJECT},
        check=project_detail("Oakridge Middle School"),
    ),
]


def member_lines(email: bool) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and all(i.get("status") and i.get("company") for i in out.items)
        assert ("@" in out.text) is email
        names = [i["name"] for i in out.items]
        assert names == sorted(names, key=str.lower) or len(names) == 1

    return check


def company_is(company: str) -> Any:
    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        assert out.items and all(company in i["company"] for i in out.items), out.text

    return check


HOSPITAL_USERS = ADMIN + "/projects/{hospital}/users"
LIST_PROJECT_USERS = [
    case(
        "all",
        "list_project_users",
        {"project": "hospital"},
        [upstream("GET", HOSPITAL_USERS, {"sort": "name", "limit": 50, "offset": 0})],
        {PROJECTS, USERS},
        check=member_lines(email=False),
    ),
    case(
        "by-id",
        "list_project_users",
        {"project": "{riverside}", "limit": 5},
        [upstream("GET", ADMIN + "/projects/{riverside}/users", {"sort": "name", "limit": 5, "offset": 0})],
        {USERS},
    ),
    case(
        "name-filter-shows-email",
        "list_project_users",
        {"project": "hospital", "name": "Wei Chen"},
        [upstream("GET", HOSPITAL_USERS, {"filter[name]": "Wei Chen", "sort": "name", "limit": 50, "offset": 0})],
        {PROJECTS, USERS},
        check=member_lines(email=True),
    ),
    case(
        "company-filter",
        "list_project_users",
        {"project": "hospital", "company": "Calder"},
        [upstream("GET", HOSPITAL_USERS, {"filter[companyName]": "Calder", "sort": "name", "limit": 50, "offset": 0})],
        {PROJECTS, USERS},
        check=company_is("Calder Structural Engineers"),
    ),
    case(
        "cursor-continues-at-offset",
        "list_project_users",
        {"project": "hospital", "limit": 10},
        [upstream("GET", HOSPITAL_USERS, {"sort": "name", "limit": 10, "offset": 10})],
        {USERS},
        before={"project": "hospital", "limit": 10},
    ),
]


@pytest.mark.parametrize("c", LIST_PROJECTS)
async def test_list_projects(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", GET_PROJECT)
async def test_get_project(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)


@pytest.mark.parametrize("c", LIST_PROJECT_USERS)
async def test_list_project_users(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
