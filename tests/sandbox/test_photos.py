from __future__ import annotations

from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.sandbox import World
from acc_mcp.sandbox.http import in_range, parse_range
from acc_mcp.sandbox.photos import PhotosState

pytestmark = pytest.mark.anyio


def url(project_id: str, tail: str = "photos:filter") -> str:
    return f"/construction/photos/v1/projects/{project_id}/{tail}"


def state_of(app: Starlette) -> PhotosState:
    state: PhotosState = app.state.families["photos"]
    return state


def live(app: Starlette, project_id: str) -> list[dict[str, Any]]:
    return [p for p in state_of(app).data.photos[project_id] if p["deletedAt"] is None]


async def everything(client: httpx2.AsyncClient, project_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Post the query, then keep posting nextPost.body to nextPost.url until there is no nextPost."""
    out: list[dict[str, Any]] = []
    r = await client.post(url(project_id), json=body)
    while True:
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["results"]) <= page["pagination"]["limit"]
        out += page["results"]
        nxt = page["pagination"].get("nextPost")
        if nxt is None:
            return out
        assert set(nxt["body"]) == {"cursorState"}
        r = await client.post(nxt["url"], json=nxt["body"])


async def test_cursor_pages_cover_each_photo_once(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    for project in world.projects:
        expected = live(sandbox_app, project["id"])
        assert 20 <= len(expected) <= 60
        got = await everything(sandbox_http, project["id"], {"limit": 7})
        ids = [p["id"] for p in got]
        assert len(ids) == len(set(ids)) == len(expected)
        assert set(ids) == {p["id"] for p in expected}
        created = [p["createdAt"] for p in got]
        assert created == sorted(created, reverse=True)  # default: newest first
        assert all("signedUrls" not in p for p in got)


async def test_cursor_is_opaque_stable_and_sealed(sandbox_http: httpx2.AsyncClient, world: World) -> None:
    pid, other = world.projects[0]["id"], world.projects[1]["id"]
    first = (await sandbox_http.post(url(pid), json={"limit": 5, "sort": ["takenAt", "asc"]})).json()
    again = (await sandbox_http.post(url(pid), json={"limit": 5, "sort": ["takenAt", "asc"]})).json()
    cursor = first["pagination"]["nextPost"]["body"]["cursorState"]
    assert cursor == again["pagination"]["nextPost"]["body"]["cursorState"]
    assert first["pagination"]["nextPost"]["url"].endswith(url(pid))
    # The cursor carries the query: the next page keeps the sort and limit, other body fields are ignored.
    second = (await sandbox_http.post(url(pid), json={"cursorState": cursor, "limit": 50})).json()
    assert len(second["results"]) == 5
    taken = [p["takenAt"] for p in first["results"] + second["results"]]
    assert taken == sorted(taken)
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for bad in (tampered, "not-a-cursor", 42):
        assert (await sandbox_http.post(url(pid), json={"cursorState": bad})).status_code == 400
    assert (await sandbox_http.post(url(other), json={"cursorState": cursor})).status_code == 400


async def test_filters_narrow(sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World) -> None:
    pid = world.projects[1]["id"]
    photos = live(sandbox_app, pid)
    author = photos[0]["createdBy"]
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"title": "Curtain Wall"}, lambda p: "curtain wall" in p["title"].lower()),
        ({"mediaType": ["INFRARED", "PHOTOSPHERE"]}, lambda p: p["mediaType"] in ("INFRARED", "PHOTOSPHERE")),
        ({"createdBy": [author]}, lambda p: p["createdBy"] == author),
        ({"id": [photos[3]["id"], photos[5]["id"]]}, lambda p: p["id"] in (photos[3]["id"], photos[5]["id"])),
        (
            {"takenAt": "2026-10-01T00:00:00..2026-10-31T23:59:59"},
            lambda p: in_range(p["takenAt"], parse_range("2026-10-01T00:00:00..2026-10-31T23:59:59", name="t")),
        ),
        ({"createdAt": "2026-09-01.."}, lambda p: p["createdAt"] >= "2026-09-01"),
        (
            {"title": "slab", "mediaType": ["NORMAL"]},
            lambda p: "slab" in p["title"].lower() and p["mediaType"] == "NORMAL",
        ),
    ]
    for filters, predicate in cases:
        got = await everything(sandbox_http, pid, {"filter": filters, "limit": 10})
        want = {p["id"] for p in photos if predicate(p)}
        assert {p["id"] for p in got} == want, filters
        assert 0 < len(want) < len(photos), filters


@pytest.mark.parametrize(
    "body",
    [
        {"limit": 51},
        {"limit": 0},
        {"limit": "10"},
        {"filter": {"type": ["ISSUE"]}},
        {"filter": {"createdAt": "yesterday"}},
        {"filter": {"mediaType": ["SELFIE"]}},
        {"filter": {"createdBy": "ABC"}},
        {"sort": ["title", "asc"]},
        {"sort": ["createdAt", "sideways"]},
        {"include": ["comments"]},
        {"offset": 25},
    ],
)
async def test_bad_filter_bodies_are_400(sandbox_http: httpx2.AsyncClient, world: World, body: dict[str, Any]) -> None:
    r = await sandbox_http.post(url(world.projects[0]["id"]), json=body)
    assert r.status_code == 400, body


async def test_get_photo_and_download_signed_files(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = world.projects[0]["id"]
    photo = live(sandbox_app, pid)[0]
    plain = (await sandbox_http.get(url(pid, f"photos/{photo['id']}"))).json()
    assert "signedUrls" not in plain and plain["id"] == photo["id"]
    r = await sandbox_http.get(url(pid, f"photos/{photo['id']}"), params={"include": "signedUrls"})
    assert r.status_code == 200
    body = r.json()
    assert {k: v for k, v in body.items() if k not in ("signedUrls", "urls")} == photo
    for key in ("thumbnailUrl", "fileUrl"):
        signed = body["signedUrls"][key]
        assert signed.startswith("https://developer.api.autodesk.com/sandbox-files/photos/")
        file = await sandbox_http.get(signed, headers={"Authorization": ""})  # S3 needs no bearer token
        assert file.status_code == 200
        assert file.headers["content-type"] == "image/jpeg"
        assert int(file.headers["content-length"]) == len(file.content)
        assert file.content[:2] == b"\xff\xd8" and file.content[-2:] == b"\xff\xd9"
        if key == "fileUrl":
            assert len(file.content) == photo["size"]
            assert 15_000 < len(file.content) < 70_000
        else:
            assert 2_000 < len(file.content) < 10_000


async def test_signed_urls_reject_tampering_and_expiry(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = world.projects[0]["id"]
    photo = live(sandbox_app, pid)[1]
    body = (await sandbox_http.get(url(pid, f"photos/{photo['id']}"), params={"include": "signedUrls"})).json()
    signed: str = body["signedUrls"]["fileUrl"]
    head, sig = signed.rsplit("X-Amz-Signature=", 1)
    forged = head + "X-Amz-Signature=" + ("0" if sig[0] != "0" else "1") + sig[1:]
    for bad in (
        forged,
        head.rstrip("&"),
        signed.replace("X-Amz-Expires=900", "X-Amz-Expires=99999"),
        signed.replace(".jpg?", "_t.jpg?", 1),
    ):
        r = await sandbox_http.get(bad)
        assert r.status_code == 403, bad
        assert b"<Error>" in r.content
    state = state_of(sandbox_app)
    issued = state.clock()
    state.clock = lambda: issued + state.ttl + 5
    assert (await sandbox_http.get(signed)).status_code == 403
    state.clock = lambda: issued + 1
    assert (await sandbox_http.get(signed)).status_code == 200


async def test_api_urls_need_the_bearer_token(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = world.projects[2]["id"]
    photo = live(sandbox_app, pid)[0]
    body = (await sandbox_http.get(url(pid, f"photos/{photo['id']}"))).json()
    thumb = body["urls"]["thumbnailUrl"]
    assert (await sandbox_http.get(thumb, headers={"Authorization": ""})).status_code == 401
    r = await sandbox_http.get(thumb)
    assert r.status_code == 200 and r.content[:2] == b"\xff\xd8"


async def test_missing_deleted_and_unknown(
    sandbox_http: httpx2.AsyncClient, sandbox_app: Starlette, world: World
) -> None:
    pid = world.projects[0]["id"]
    deleted = next(p for p in state_of(sandbox_app).data.photos[pid] if p["deletedAt"] is not None)
    assert (await sandbox_http.get(url(pid, f"photos/{deleted['id']}"))).status_code == 410
    nobody = "00000000-0000-4000-8000-000000000000"
    assert (await sandbox_http.get(url(pid, f"photos/{nobody}"))).status_code == 404
    assert (await sandbox_http.post(url(nobody), json={})).status_code == 404
    photo = live(sandbox_app, pid)[0]
    other = world.projects[1]["id"]
    assert (await sandbox_http.get(url(other, f"photos/{photo['id']}"))).status_code == 404
