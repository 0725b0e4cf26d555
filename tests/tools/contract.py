"""Table-driven contract tests: arguments in → the exact upstream request(s) out, per tool.

A `Case` is one row: the tool's arguments; the exact requests expected at the endpoint(s) they name (method,
path with real ids, query as a multi-dict, JSON body); the set of every endpoint the call may touch (name
lookups included); optionally a check of the output a model reads. Strings may name sandbox ids with
`{hospital}`, `{user[Wei Chen]}`, … (see `tests.recording.sandbox_ids`). Endpoint sets are written as
`METHOD /template` with ACC's placeholder names and are not filled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.recording import Harness, Outcome, Upstream, fill, recorded_server, upstream

# Endpoint templates, as ACC's reference writes them.
PROJECTS = "GET /construction/admin/v1/accounts/{accountId}/projects"
PROJECT = "GET /construction/admin/v1/projects/{projectId}"
USERS = "GET /construction/admin/v1/projects/{projectId}/users"
COMPANIES = "GET /hq/v1/accounts/{account_id}/projects/{project_id}/companies"
ISSUES = "GET /construction/issues/v1/projects/{projectId}/issues"
ISSUE = "GET /construction/issues/v1/projects/{projectId}/issues/{issueId}"
ISSUE_TYPES = "GET /construction/issues/v1/projects/{projectId}/issue-types"
RFI_SEARCH = "POST /construction/rfis/v3/projects/{projectId}/search:rfis"
RFI = "GET /construction/rfis/v3/projects/{projectId}/rfis/{rfiId}"
REVIEWS = "GET /construction/reviews/v1/projects/{projectId}/reviews"
REVIEW = "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}"
REVIEW_WORKFLOW = "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/workflow"
REVIEW_PROGRESS = "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/progress"
PHOTOS = "POST /construction/photos/v1/projects/{projectId}/photos:filter"
PHOTO = "GET /construction/photos/v1/projects/{projectId}/photos/{photoId}"
DOWNLOAD = "GET <signed download URL>"
DC_CREATE = "POST /data-connector/v1/accounts/{accountId}/requests"
DC_REQUESTS = "GET /data-connector/v1/accounts/{accountId}/requests"
DC_JOBS = "GET /data-connector/v1/accounts/{accountId}/jobs"
DC_REQUEST_JOBS = "GET /data-connector/v1/accounts/{accountId}/requests/{requestId}/jobs"

NAMES = frozenset({USERS, COMPANIES})
"""What resolving people and company ids to names costs: project users and hq project companies."""

# Base paths, with sandbox ids to fill.
ADMIN = "/construction/admin/v1"
ISSUES_BASE = "/construction/issues/v1/projects/{hospital}"
ACCOUNT = "/data-connector/v1/accounts/{account}"


class Matching:
    """An expected value matched by a regular expression (for the one value a test cannot know: now)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and re.fullmatch(self.pattern, other) is not None

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"Matching({self.pattern!r})"


Check = Callable[[Outcome, Mapping[str, Any]], None]


@dataclass(frozen=True)
class Case:
    tool: str
    args: dict[str, Any]
    requests: list[Upstream]
    """Exactly the requests expected at every endpoint named here (in any order)."""
    endpoints: frozenset[str]
    """Every other endpoint the call touches (lookups): with those of `requests`, exactly what is called."""
    check: Check | None = None
    before: dict[str, Any] | None = None
    """A first call of the same tool; its cursor (if any) continues into `args`, and its requests are not counted."""
    error: str | None = None
    """The call must fail with this text in the message (and send only `requests`)."""
    exact: bool = True
    """False for a row about the output only (its requests and endpoints are not checked)."""
    setup: tuple[tuple[str, dict[str, Any]], ...] = ()
    """Calls (tool, arguments) made first, e.g. to create records; their requests are not counted."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Extra server settings."""


def case(
    id: str,
    tool: str,
    args: dict[str, Any],
    requests: list[Upstream],
    endpoints: set[str] | frozenset[str],
    *,
    check: Check | None = None,
    before: dict[str, Any] | None = None,
    error: str | None = None,
    setup: tuple[tuple[str, dict[str, Any]], ...] = (),
    exact: bool = True,
    marks: Any = (),
) -> Any:
    c = Case(tool, args, requests, frozenset(endpoints), check, before, error, exact, setup)
    return pytest.param(c, id=id, marks=marks)


def _filled(request: Upstream, ids: Mapping[str, Any]) -> Upstream:
    return upstream(request.method, fill(request.path, ids), fill(request.query, ids), fill(request.body, ids))


async def run_case(app: Starlette, c: Case) -> tuple[list[Upstream], Outcome]:
    """Run one row on a fresh server; the assertions run after the server is closed, for readable failures."""
    async with recorded_server(app, **c.extra) as h:
        ids: dict[str, Any] = dict(h.ids)
        args = fill(c.args, ids)
        for tool, arguments in c.setup:
            done = await h.call(tool, fill(arguments, ids))
            assert not done.result.is_error, done.text
        h.log.clear()
        if c.before is not None:
            first = await h.call(c.tool, fill(c.before, ids))
            assert not first.result.is_error, first.text
            if "cursor" in first.data:
                args["cursor"] = first.data["cursor"]
            ids["next_token"] = await _next_token(h)
            h.log.clear()
        out = await h.call(c.tool, args)
        log = list(h.log)
    if c.error is None:
        assert not out.result.is_error, out.text
    else:
        assert out.result.is_error and c.error in out.text, out.text
    if c.check is not None:
        c.check(out, ids)
    if not c.exact:
        return log, out
    expected = sorted((_filled(r, ids) for r in c.requests), key=str)
    named = {r.template for r in c.requests}
    sent = sorted((r for r in log if r.template in named), key=str)
    assert sent == expected, "\n".join(["sent:", *map(str, sent), "expected:", *map(str, expected)])
    called, endpoints = {r.template for r in log}, c.endpoints | named
    assert called == endpoints, f"also called {called - endpoints}, not called {endpoints - called}"
    return log, out


async def _next_token(h: Harness) -> str | None:
    """The upstream continuation token of the last POST the first call made (photos' `nextPost`)."""
    posts = [r for r in h.log if r.method == "POST"]
    if not posts:
        return None
    body = await h.replay(posts[-1])
    next_post = (body.get("pagination") or {}).get("nextPost") or {}
    token = (next_post.get("body") or {}).get("cursorState")
    return str(token) if token else None


# --- output checks ----------------------------------------------------------------------------------


def line_of(out: Outcome, needle: str) -> str:
    hits = [ln for ln in out.lines if needle in ln]
    assert len(hits) == 1, f"{needle!r} in {out.text}"
    return hits[0]


def overdue_rule(open_statuses: set[str], today: str = "2026-11-02", key: str = "due") -> Check:
    """Every open item due before today says "overdue"; none due today or later does; closed ones show no due
    (`key`: the field that holds the due date, "step due" for reviews)."""

    def check(out: Outcome, ids: Mapping[str, Any]) -> None:
        rows = out.items
        assert rows
        lines = [ln for ln in out.lines if not ln.endswith(":") and not ln.startswith("Showing")]
        assert len(lines) == len(rows)
        for row, line in zip(rows, lines, strict=True):
            due = str(row.get(key) or "")
            if row["status"] in open_statuses and due:
                assert (", overdue" in line) == (due[:10] < today), line
            else:
                assert key not in row and "overdue" not in line and f" · {key} " not in line, line

    return check
