"""The recording seam the contract tests stand on: what it records, and how it names endpoints."""

from __future__ import annotations

import pytest

from tests.recording import Harness, template, upstream

pytestmark = pytest.mark.anyio


def test_templates_use_the_references_placeholder_names() -> None:
    project = "b0de364b-8b31-4fe5-99e2-f4159be213f2"
    base = "/construction/reviews/v1/projects/{projectId}/reviews"
    assert template("GET", f"/construction/reviews/v1/projects/{project}/reviews") == f"GET {base}"
    assert template("GET", f"/construction/reviews/v1/projects/{project}/reviews/x1") == f"GET {base}/{{reviewId}}"
    assert template("GET", f"/construction/reviews/v1/projects/{project}/reviews/x1/workflow") == (
        f"GET {base}/{{reviewId}}/workflow"
    )
    assert template("POST", f"/construction/rfis/v3/projects/{project}/search:rfis") == (
        "POST /construction/rfis/v3/projects/{projectId}/search:rfis"
    )
    assert template("GET", "/hq/v1/accounts/a/projects/p/companies") == (
        "GET /hq/v1/accounts/{account_id}/projects/{project_id}/companies"
    )
    # A wrong path or method never passes for a real endpoint.
    assert template("GET", f"/construction/issues/v1/projects/{project}/issue").endswith("(no such endpoint)")
    assert template("DELETE", f"/construction/issues/v1/projects/{project}/issues").endswith("(no such endpoint)")


def test_expected_queries_are_multi_dicts_whose_order_does_not_matter() -> None:
    assert upstream("GET", "/x", {"b": 2, "a": "1"}) == upstream("GET", "/x", [("a", "1"), ("b", "2")])
    assert upstream("GET", "/x", [("a", "1"), ("a", "2")]) != upstream("GET", "/x", {"a": "2"})


async def test_every_upstream_request_is_recorded_with_query_and_body(recorded: Harness) -> None:
    out = await recorded.call("search_rfis", {"project": "hospital", "search": "rebar", "limit": 3})
    assert not out.result.is_error and len(out.items) == 3
    templates = [r.template for r in recorded.log]
    assert templates.count("POST /construction/rfis/v3/projects/{projectId}/search:rfis") == 1
    assert "GET /construction/admin/v1/accounts/{accountId}/projects" in templates
    search = recorded.transport.to("POST /construction/rfis/v3/projects/{projectId}/search:rfis")[0]
    assert search.body == {
        "search": "rebar",
        "sort": [{"field": "createdAt", "order": "DESC"}],
        "limit": 3,
        "offset": 0,
    }
    projects = recorded.transport.to("GET /construction/admin/v1/accounts/{accountId}/projects")[0]
    assert projects.path == f"/construction/admin/v1/accounts/{recorded.ids['account']}/projects"
    assert ("limit", "200") in projects.query and projects.body is None
