"""Paging contracts of the account-wide people and company lists: limit, and the cursor continuing at the
right offset (admin v1's `pagination` object, hq v1's bare arrays)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from tests.recording import upstream
from tests.tools.contract import ADMIN, Case, case, run_case

pytestmark = pytest.mark.anyio
COMPANIES = "GET /construction/admin/v1/accounts/{accountId}/companies"
USERS = "GET /hq/v1/accounts/{account_id}/users"
ACCOUNT_COMPANIES = ADMIN + "/accounts/{account}/companies"
ACCOUNT_USERS = "/hq/v1/accounts/{account}/users"

ROWS = [
    case(
        "companies-limit",
        "list_companies",
        {"limit": 3},
        [upstream("GET", ACCOUNT_COMPANIES, {"sort": "name", "limit": 3, "offset": 0})],
        {COMPANIES},
    ),
    case(
        "companies-cursor",
        "list_companies",
        {"limit": 3},
        [upstream("GET", ACCOUNT_COMPANIES, {"sort": "name", "limit": 3, "offset": 3})],
        {COMPANIES},
        before={"limit": 3},
    ),
    case(
        "users-limit",
        "list_account_users",
        {"limit": 4},
        [upstream("GET", ACCOUNT_USERS, {"sort": "name", "limit": 4, "offset": 0})],
        {USERS},
    ),
    case(
        "users-cursor",
        "list_account_users",
        {"limit": 4},
        [upstream("GET", ACCOUNT_USERS, {"sort": "name", "limit": 4, "offset": 4})],
        {USERS},
        before={"limit": 4},
    ),
]


@pytest.mark.parametrize("c", ROWS)
async def test_paging(sandbox_app: Starlette, c: Case) -> None:
    await run_case(sandbox_app, c)
