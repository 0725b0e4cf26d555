"""Every sandbox response against the reference: the example responses' shapes, and the official OpenAPI schemas.

For each endpoint the sandbox serves that has an example response (tests/reference/examples.json, vendored by
scripts/vendor_reference.py), the sandbox's answer must have the example's shape: the same top-level kind, and
every key of the example present with a compatible JSON type, recursively into the first item of each list.
A null in the sandbox's answer is accepted where the example has a value only for fields the reference documents
as optional or unset (`OPTIONAL`). Where the example itself disagrees with the reference text, `ALLOWED` says so.
Admin and Issues responses are also validated against Autodesk's OpenAPI specs (tests/reference/openapi/).
"""

from __future__ import annotations

import copy
import fnmatch
from typing import Any
from urllib.parse import quote

import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.endpoints import endpoint
from acc_mcp.sandbox import World
from acc_mcp.sandbox.engine import KeyedRoute

from .reference import EXAMPLES, response_schema

pytestmark = pytest.mark.anyio


ALLOWED: dict[tuple[str, str], str] = {
    # (endpoint key, JSON path in the example; both fnmatch patterns): why the sandbox may differ there.
    ("dc.*", "$*.projectIdList"): "the example JSON-encodes the list in a string; the text says 'array: string'",
    ("dc.job_data.*", "$*.size"): "the example writes the size as a string ('123456'); the text says 'int'",
    ("reviews.*", "$*.steps[[]0].*"): "the example's first step is a REVIEWER, the sandbox's is the INITIATOR, "
    "which has no duration, due-date type or group review; REVIEWER steps carry all three (checked below)",
}
"""Places where the reference's example is itself inconsistent with the reference text (or, for the steps, not
comparable item by item), so the sandbox follows the text. Besides these, an example value of "" is a
placeholder with no type (the RFIs and Data Connector examples write booleans and numbers that way)."""
OPTIONAL = frozenset(
    # Unset until something happens: deletion, archiving, a review's current step, a copy, an answer.
    "deletedAt deletedBy deletedOn archivedAt archivedBy currentStepId currentStepDueDate copiedFileVersionUrn "  # noqa: SIM905
    "folderUrn suggestedAnswer officialResponse bubbleUrn "
    # Optional attributes the reference lists as unset when not given.
    "addressLine2 address_line_2 imageUrl image_url thumbnailImageUrl templateId businessUnitId aboutMe about_me "
    "extension gpsCoordinates locationId startDate endDate callbackUrl dateRange effectiveTo value "
    # Forms: a PDF only for PDF forms, a signature once submitted, a reopener once reopened. Assets: the root
    # category has no parent; an attribute may have no default.
    "pdfUrl lastSubmitterSignature lastReopenedBy parentId defaultValue".split()
)
"""Fields the sandbox may send as null where the example shows a value (the reference documents them as
optional or unset); a null anywhere else is a mismatch."""
CONDITIONAL = ("nextUrl", "previousUrl", "nextPost", "cursorState", "nextOffset")
"""Present only when there is another page, as the reference says; the examples show a middle page."""
QUERIES: dict[str, dict[str, str]] = {
    "issues.types.list": {"include": "subtypes"},
    "issues.root_causes.list": {"include": "rootCauses"},
    "photos.photos.get": {"include": "signedUrls"},
    "assets.assets.list": {"includeCustomAttributes": "true"},
    "assets.categories.list": {"includeUid": "true"},
    "assets.category_attributes.list": {"includeInherited": "true"},
}


def served(app: Starlette) -> list[str]:
    """The registry keys the sandbox mounts, in mount order."""
    return list(dict.fromkeys(r.ep.key for r in app.routes if isinstance(r, KeyedRoute)))


def _placeholders(app: Starlette, world: World) -> dict[str, str]:
    """A real value for every path placeholder, chosen so lists come back non-empty."""
    families = app.state.families
    project = world.projects[0]
    pid = project["id"]
    issues = families["issues"].project(project).issues
    issue = next(i for i in issues if i["commentCount"] and i["attachmentCount"] and not i["deleted"])
    reviews = families["reviews"]
    review = next(r for r in reviews.reviews[pid] if reviews.progress[r["id"]] and reviews.versions[r["id"]])
    version = next(v for (p, v), items in reviews.approvals.items() if p == pid and items)
    photo = next(p for p in families["photos"].data.photos[pid] if p["deletedAt"] is None)
    dc = families["data_connector"]
    job = next(j for j in dc.jobs.values() if j.outcome == "success" and j.cancelled_at is None and not j.large)
    member = world.project_members(pid)[0]
    return {
        "projectId": pid,
        "project_id": pid,
        "accountId": world.account_id,
        "account_id": world.account_id,
        "userId": member["id"],
        "user_id": world.users[0]["id"],
        "company_id": world.companies[0]["id"],
        "issueId": issue["id"],
        "reviewId": review["id"],
        "workflowId": review["workflowId"],
        "versionId": quote(version, safe=""),
        "photoId": photo["id"],
        "rfiId": families["rfis"].project(project).rfis[0]["id"],
        "requestId": job.spec["id"],
        "jobId": job.id,
        "treeId": "default",
        "categoryId": "3",  # Air Handling Units: the attributes it inherits (includeInherited)
    }


BODIES: dict[str, Any] = {
    "dc.requests.create": {
        "description": "Shape check",
        "scheduleInterval": "ONE_TIME",
        "effectiveFrom": "2026-11-02T16:00:00.000Z",
        "serviceGroups": ["admin"],
    },
    "dc.requests.update": {"description": "Shape check, renamed"},
    "photos.photos.filter": {"include": ["signedUrls"]},
}


def _documents(app: Starlette, world: World, key: str) -> dict[str, str]:
    """Placeholders of the documents families, where `versionId` is a spec version or a Revit host model."""
    docs = app.state.families["documents"].project(world.projects[0])
    values = {
        "packageId": docs.packages[0]["id"],
        "folder_id": quote(next(iter(docs.folders)), safe=""),
        "id": docs.naming["id"],
    }
    if key.startswith("autospecs."):
        values["versionId"] = docs.spec_versions[-1]["id"]
    if key.startswith("rcm."):
        values["versionId"] = quote(next(iter(docs.links)), safe="")
    if key == "files.exports.create":
        BODIES[key] = {"fileVersions": [docs.files[0]["urn"]]}
    return values


async def _answer(http: httpx2.AsyncClient, app: Starlette, world: World, key: str) -> Any:
    ep = endpoint(key)
    values = {**_placeholders(app, world), **_documents(app, world, key)}
    if "name" in ep.placeholders:  # a file of the job's extract
        listing = ep.path.rsplit("/data/", 1)[0].format(**values) + "/data-listing"
        values["name"] = (await http.get(listing)).json()[0]["name"]
    path = ep.path.format(**values)
    body = BODIES.get(key, {}) if ep.method in ("POST", "PATCH") else None
    r = await http.request(ep.method, path, params=QUERIES.get(key), json=body)
    assert r.status_code in (200, 201, 202), (key, r.status_code, r.text)
    return r.json()


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}[type(value)]


def mismatches(example: Any, actual: Any, path: str = "$") -> list[str]:
    """Where `actual` does not have `example`'s shape (an empty list means it does)."""
    if example is None or example == "":
        return []
    if actual is None:
        name = path.rsplit(".", 1)[-1]
        return [] if name in OPTIONAL else [f"{path}: example has a value, sandbox sent null"]
    if _kind(example) != _kind(actual):
        return [f"{path}: example is {_kind(example)}, sandbox sent {_kind(actual)}"]
    if isinstance(example, dict):
        missing = [f"{path}.{k}: missing" for k in example if k not in actual and k not in CONDITIONAL]
        return missing + [m for k in example if k in actual for m in mismatches(example[k], actual[k], f"{path}.{k}")]
    if isinstance(example, list) and example and actual:
        return mismatches(example[0], actual[0], f"{path}[0]")
    return []


async def test_every_served_endpoint_has_the_example_shape(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    checked, problems = [], []
    for key in served(sandbox_app):
        examples = EXAMPLES.get(key, {}).get("examples") or []
        if not examples:
            continue
        actual = await _answer(sandbox_http, sandbox_app, world, key)
        for example in examples:
            found = [m for m in mismatches(example, actual) if not _allowed(key, m.split(":")[0])]
            problems += [f"{key} {m}" for m in found]
        checked.append(key)
    assert not problems, "\n".join(problems)
    # Every served endpoint with an example is checked (new endpoints join automatically).
    assert len(checked) == len([k for k in served(sandbox_app) if EXAMPLES.get(k, {}).get("examples")]) >= 40
    unused = [k for k, _ in ALLOWED if not fnmatch.filter(checked, k)]
    assert not unused, f"allow-list entries for unchecked endpoints: {unused}"
    workflow = await _answer(sandbox_http, sandbox_app, world, "reviews.workflows.get")
    reviewer = next(s for s in workflow["steps"] if s["type"] == "REVIEWER")
    assert {"duration", "dueDateType", "groupReview"} <= set(reviewer)


def _allowed(key: str, path: str) -> bool:
    return any(fnmatch.fnmatch(key, k) and fnmatch.fnmatch(path, p) for k, p in ALLOWED)


def test_the_shape_check_has_teeth() -> None:
    example = {"pagination": {"limit": 1, "totalResults": 3}, "results": [{"id": "a", "n": 1, "tags": ["t"]}]}
    assert mismatches(example, copy.deepcopy(example)) == []
    assert mismatches(example, {"pagination": {"limit": 1}, "results": []}) == ["$.pagination.totalResults: missing"]
    assert mismatches({"pagination": {"nextUrl": "x"}}, {"pagination": {}}) == []  # only when there is more
    assert mismatches(example, {**example, "results": [{"id": "a", "n": "1", "tags": [2]}]}) == [
        "$.results[0].n: example is number, sandbox sent string",
        "$.results[0].tags[0]: example is string, sandbox sent number",
    ]
    assert mismatches([example], example) == ["$: example is array, sandbox sent object"]
    assert mismatches(example, {**example, "results": [{"id": "b", "n": 2, "tags": []}]}) == []
    assert mismatches(example, {**example, "results": [{"id": None, "n": 2, "tags": []}]}) == [
        "$.results[0].id: example has a value, sandbox sent null"
    ]
    assert mismatches({"deletedAt": "2020-01-01"}, {"deletedAt": None}) == []  # documented as unset


# the official OpenAPI schemas ---------------------------------------------------------------------------------


async def test_admin_and_issues_responses_validate_against_openapi(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    validated = []
    for key in served(sandbox_app):
        ep = endpoint(key)
        if not key.startswith(("admin.", "hq.", "issues.")):
            continue
        validator = response_schema(ep.method, ep.path)
        assert validator is not None, f"{key}: no 200 schema for {ep} in the OpenAPI specs"
        body = await _answer(sandbox_http, sandbox_app, world, key)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{key}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        validated.append(key)
    assert len(validated) >= 17, validated
    # The check has teeth: a wrong type fails.
    issue_page = response_schema("GET", endpoint("issues.issues.list").path)
    assert issue_page is not None and not issue_page.is_valid({"results": [{"displayId": "7"}]})
