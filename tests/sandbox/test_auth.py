"""The sandbox's APS Authentication v2: 3LO with PKCE through the consent page, refresh rotation, 2LO, revocation
(service accounts and the JWT-bearer grant: test_auth_service_accounts.py)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import anyio
import httpx2
import pytest
from starlette.applications import Starlette

from acc_mcp.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_PUBLIC_CLIENT_ID,
    SANDBOX_TOKEN,
    World,
    sandbox_user,
)

pytestmark = pytest.mark.anyio

BASE = "https://developer.api.autodesk.com"
TOKEN_URL = f"{BASE}/authentication/v2/token"
CALLBACK = "http://127.0.0.1:53682/callback"
SECRET = (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)
SSA_SCOPES = "application:service_account:write application:service_account_key:write data:read"


@pytest.fixture
async def http(sandbox_app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    """A client with no token of its own: every test signs in."""
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=sandbox_app), base_url=BASE) as client:
        yield client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


async def consent_page(http: httpx2.AsyncClient, **params: str) -> httpx2.Response:
    query = {"response_type": "code", "client_id": SANDBOX_PUBLIC_CLIENT_ID, "redirect_uri": CALLBACK}
    query |= {"scope": "data:read user-profile:read", "state": "st-1", "code_challenge_method": "S256"}
    return await http.get("/authentication/v2/authorize", params=query | params)


async def sign_in(http: httpx2.AsyncClient, challenge: str, decision: str = "allow", **params: str) -> dict[str, str]:
    """Drive the consent page like a browser: GET it, post its form back, return the callback's query."""
    page = await consent_page(http, code_challenge=challenge, **params)
    assert page.status_code == 200, page.text
    assert '<form method="post" action="/authentication/v2/authorize">' in page.text
    match = re.search(r'<input type="hidden" name="consent" value="([^"]+)">', page.text)
    assert match and f'name="decision" value="{decision}"' in page.text
    r = await http.post("/authentication/v2/authorize", data={"consent": match.group(1), "decision": decision})
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith(params.get("redirect_uri", CALLBACK))
    return dict(parse_qsl(urlsplit(location).query))


async def token(http: httpx2.AsyncClient, auth: tuple[str, str] | None = None, /, **data: str) -> httpx2.Response:
    if auth is None:
        return await http.post("/authentication/v2/token", data=data)
    return await http.post("/authentication/v2/token", data=data, auth=auth)


async def three_legged(http: httpx2.AsyncClient) -> dict[str, Any]:
    verifier, challenge = pkce()
    code = (await sign_in(http, challenge))["code"]
    r = await token(
        http,
        grant_type="authorization_code",
        client_id=SANDBOX_PUBLIC_CLIENT_ID,
        code=code,
        redirect_uri=CALLBACK,
        code_verifier=verifier,
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def hubs(http: httpx2.AsyncClient, access_token: str) -> int:
    r = await http.get("/project/v1/hubs", headers={"Authorization": f"Bearer {access_token}"})
    return r.status_code


async def stats(http: httpx2.AsyncClient) -> dict[str, Any]:
    body: dict[str, Any] = (await http.get("/_sandbox/stats")).json()["auth"]
    return body


async def test_pkce_flow_through_the_consent_page(http: httpx2.AsyncClient, world: World) -> None:
    body = await three_legged(http)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"] != body["refresh_token"]
    assert await hubs(http, body["access_token"]) == 200
    info = (await http.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})).json()
    user = sandbox_user(world)
    assert user["accessLevels"]["accountAdmin"]
    assert info["sub"] == user["autodeskId"] and info["email"] == user["email"]
    assert info["given_name"] == user["firstName"] and info["email_verified"] is True


async def test_callback_keeps_state_and_any_loopback_port(http: httpx2.AsyncClient) -> None:
    callback = "http://localhost:61111/cb?x=1"
    query = await sign_in(http, pkce()[1], redirect_uri=callback, state="abc.123_-,")
    assert query["state"] == "abc.123_-," and query["x"] == "1" and query["code"]


async def test_wrong_verifier_is_invalid_grant(http: httpx2.AsyncClient) -> None:
    code = (await sign_in(http, pkce()[1]))["code"]
    data = {"client_id": SANDBOX_PUBLIC_CLIENT_ID, "code": code, "redirect_uri": CALLBACK}
    r = await token(http, grant_type="authorization_code", code_verifier=pkce()[0], **data)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert "code_challenge" in r.json()["error_description"]
    r = await token(http, grant_type="authorization_code", code_verifier="short", **data)
    assert r.json()["error"] == "invalid_request"
    r = await token(http, grant_type="authorization_code", **data)
    assert r.json()["error"] == "invalid_request"


async def test_code_is_single_use_and_reuse_revokes(http: httpx2.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = (await sign_in(http, challenge))["code"]
    data = {"client_id": SANDBOX_PUBLIC_CLIENT_ID, "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    first = await token(http, grant_type="authorization_code", **data)
    assert first.status_code == 200
    again = await token(http, grant_type="authorization_code", **data)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert await hubs(http, first.json()["access_token"]) == 401


async def test_code_bound_to_redirect_and_expires(http: httpx2.AsyncClient, sandbox_app: Starlette) -> None:
    verifier, challenge = pkce()
    code = (await sign_in(http, challenge))["code"]
    data = {"client_id": SANDBOX_PUBLIC_CLIENT_ID, "code": code, "code_verifier": verifier}
    r = await token(http, grant_type="authorization_code", redirect_uri="http://127.0.0.1:1/other", **data)
    assert r.json()["error"] == "invalid_grant"
    sandbox_app.state.controls.advance_clock(301)
    r = await token(http, grant_type="authorization_code", redirect_uri=CALLBACK, **data)
    assert r.json()["error"] == "invalid_grant" and "expired" in r.json()["error_description"]


@pytest.mark.parametrize(
    "params",
    [
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": "http://127.0.0.1.evil.example/callback"},
        {"redirect_uri": "http://example.com:8080/callback"},
        {"client_id": "not-registered"},
    ],
)
async def test_bad_client_or_redirect_is_400_without_redirect(http: httpx2.AsyncClient, params: dict[str, str]) -> None:
    r = await consent_page(http, code_challenge=pkce()[1], **params)
    assert r.status_code == 400 and "location" not in r.headers


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({}, "invalid_request"),  # a public client without code_challenge
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "x" * 43, "scope": ""}, "invalid_request"),
        ({"code_challenge": "x" * 43, "scope": "data:read nope:nope"}, "invalid_scope"),
        ({"code_challenge": "x" * 43, "response_type": "token"}, "unsupported_response_type"),
    ],
)
async def test_other_authorize_errors_go_back_to_the_callback(
    http: httpx2.AsyncClient, params: dict[str, str], error: str
) -> None:
    r = await consent_page(http, **params)
    assert r.status_code == 302
    query = dict(parse_qsl(urlsplit(r.headers["location"]).query))
    assert r.headers["location"].startswith(CALLBACK)
    assert query["error"] == error and query["state"] == "st-1" and query["error_description"]


async def test_deny_is_access_denied(http: httpx2.AsyncClient) -> None:
    query = await sign_in(http, pkce()[1], decision="deny")
    assert query["error"] == "access_denied" and query["state"] == "st-1" and "code" not in query


async def test_consent_is_single_use(http: httpx2.AsyncClient) -> None:
    page = await consent_page(http, code_challenge=pkce()[1])
    consent = re.search(r'name="consent" value="([^"]+)"', page.text)
    assert consent
    form = {"consent": consent.group(1), "decision": "allow"}
    assert (await http.post("/authentication/v2/authorize", data=form)).status_code == 302
    assert (await http.post("/authentication/v2/authorize", data=form)).status_code == 400


async def test_confidential_3lo_needs_the_secret(http: httpx2.AsyncClient) -> None:
    page = await consent_page(http, client_id=SANDBOX_CLIENT_ID, code_challenge=pkce()[1])
    assert page.status_code == 200  # a confidential client may use PKCE too
    r = await consent_page(http, client_id=SANDBOX_CLIENT_ID, code_challenge_method="")
    assert r.status_code == 200  # ... but need not
    consent = re.search(r'name="consent" value="([^"]+)"', r.text)
    assert consent
    cb = await http.post("/authentication/v2/authorize", data={"consent": consent.group(1), "decision": "allow"})
    code = dict(parse_qsl(urlsplit(cb.headers["location"]).query))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    r = await token(http, client_id=SANDBOX_CLIENT_ID, **data)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = await token(http, SECRET, **data)
    assert r.status_code == 200 and r.json()["refresh_token"]


async def test_refresh_rotation_and_reuse_detection(http: httpx2.AsyncClient) -> None:
    first = await three_legged(http)
    refresh = {"grant_type": "refresh_token", "client_id": SANDBOX_PUBLIC_CLIENT_ID}
    second = await token(http, refresh_token=first["refresh_token"], **refresh)
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["access_token"] != first["access_token"]
    assert await hubs(http, rotated["access_token"]) == 200
    reuse = await token(http, refresh_token=first["refresh_token"], **refresh)
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    # The whole family is logged out: the rotated tokens are dead too.
    assert await hubs(http, rotated["access_token"]) == 401
    assert await hubs(http, first["access_token"]) == 401
    dead = await token(http, refresh_token=rotated["refresh_token"], **refresh)
    assert dead.json()["error"] == "invalid_grant"
    auth = await stats(http)
    assert auth["refreshReuse"] == 1
    assert auth["requests"]["refresh_token"] == 3 and auth["grants"]["refresh_token"] == 1


async def test_refresh_scope_may_only_narrow(http: httpx2.AsyncClient) -> None:
    first = await three_legged(http)
    data = {"grant_type": "refresh_token", "client_id": SANDBOX_PUBLIC_CLIENT_ID}
    wider = await token(http, refresh_token=first["refresh_token"], scope="data:read data:write", **data)
    assert wider.json()["error"] == "invalid_scope"
    narrower = await token(http, refresh_token=first["refresh_token"], scope="data:read", **data)
    assert narrower.status_code == 200


async def test_concurrent_refreshes_one_wins(http: httpx2.AsyncClient) -> None:
    first = await three_legged(http)
    results: list[httpx2.Response] = []

    async def refresh() -> None:
        data = {"grant_type": "refresh_token", "client_id": SANDBOX_PUBLIC_CLIENT_ID}
        results.append(await token(http, refresh_token=first["refresh_token"], **data))

    async with anyio.create_task_group() as tg:
        tg.start_soon(refresh)
        tg.start_soon(refresh)
    assert sorted(r.status_code for r in results) == [200, 400]


async def test_expiry_via_advance_clock(http: httpx2.AsyncClient) -> None:
    body = await three_legged(http)
    r = await http.post("/_sandbox/configure", json={"advanceClock": 3601})
    assert r.status_code == 200
    assert await hubs(http, body["access_token"]) == 401
    assert (await http.get("/project/v1/hubs", headers={"Authorization": "Bearer x"})).status_code == 401
    assert await hubs(http, SANDBOX_TOKEN) == 200  # the demo token never expires
    refreshed = await token(
        http, grant_type="refresh_token", client_id=SANDBOX_PUBLIC_CLIENT_ID, refresh_token=body["refresh_token"]
    )
    assert refreshed.status_code == 200 and await hubs(http, refreshed.json()["access_token"]) == 200


async def test_access_token_ttl_is_configurable(http: httpx2.AsyncClient, sandbox_app: Starlette) -> None:
    await http.post("/_sandbox/configure", json={"accessTokenTtl": 60})
    r = await token(http, SECRET, grant_type="client_credentials", scope="data:read")
    assert r.json()["expires_in"] == 60 and await hubs(http, r.json()["access_token"]) == 200
    sandbox_app.state.controls.advance_clock(61)
    assert await hubs(http, r.json()["access_token"]) == 401


async def test_client_credentials_needs_the_secret(http: httpx2.AsyncClient) -> None:
    no_secret = await token(http, grant_type="client_credentials", client_id=SANDBOX_CLIENT_ID, scope="data:read")
    assert no_secret.status_code == 401 and no_secret.json()["error"] == "invalid_client"
    wrong = await token(http, (SANDBOX_CLIENT_ID, "nope"), grant_type="client_credentials")
    assert wrong.status_code == 401 and "www-authenticate" in wrong.headers
    public = await token(http, grant_type="client_credentials", client_id=SANDBOX_PUBLIC_CLIENT_ID)
    assert public.status_code == 400 and public.json()["error"] == "unauthorized_client"
    good = await token(http, SECRET, grant_type="client_credentials", scope="data:read")
    assert good.status_code == 200 and "refresh_token" not in good.json()
    assert good.headers["cache-control"] == "no-store"
    assert await hubs(http, good.json()["access_token"]) == 200
    unknown = await token(http, SECRET, grant_type="password")
    assert unknown.json()["error"] == "unsupported_grant_type"


async def test_userinfo_3lo_vs_2lo(http: httpx2.AsyncClient, world: World) -> None:
    two = (await token(http, SECRET, grant_type="client_credentials", scope="data:read")).json()
    r = await http.get("/userinfo", headers={"Authorization": f"Bearer {two['access_token']}"})
    assert r.status_code == 403 and r.json()["developerMessage"]
    demo = await http.get("/userinfo", headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
    assert demo.json()["sub"] == sandbox_user(world)["autodeskId"]
    assert (await http.get("/userinfo")).status_code == 401


async def test_revoke(http: httpx2.AsyncClient) -> None:
    body = await three_legged(http)
    data = {"client_id": SANDBOX_PUBLIC_CLIENT_ID}
    r = await http.post(
        "/authentication/v2/revoke", data=data | {"token": body["access_token"], "token_type_hint": "access_token"}
    )
    assert r.status_code == 200 and r.content == b""
    assert await hubs(http, body["access_token"]) == 401
    refreshed = await token(
        http, grant_type="refresh_token", refresh_token=body["refresh_token"], client_id=SANDBOX_PUBLIC_CLIENT_ID
    )
    assert refreshed.status_code == 200  # revoking an access token leaves its refresh token alone
    new = refreshed.json()
    r = await http.post(
        "/authentication/v2/revoke", data=data | {"token": new["refresh_token"], "token_type_hint": "refresh_token"}
    )
    assert r.status_code == 200
    assert await hubs(http, new["access_token"]) == 401  # a refresh token takes its family with it
    again = await token(
        http, grant_type="refresh_token", refresh_token=new["refresh_token"], client_id=SANDBOX_PUBLIC_CLIENT_ID
    )
    assert again.json()["error"] == "invalid_grant"
    unknown = await http.post(
        "/authentication/v2/revoke", data=data | {"token": "never-issued", "token_type_hint": "access_token"}
    )
    assert unknown.status_code == 200
    assert (await stats(http))["revocations"] == 3


async def test_token_endpoint_stats(http: httpx2.AsyncClient) -> None:
    await three_legged(http)
    await token(http, SECRET, grant_type="client_credentials")
    await token(http, ("nobody", "x"), grant_type="client_credentials")
    auth = await stats(http)
    assert auth["grants"] == {
        "authorization_code": 1,
        "refresh_token": 0,
        "client_credentials": 1,
        "urn:ietf:params:oauth:grant-type:jwt-bearer": 0,
    }
    assert auth["requests"]["client_credentials"] == 2 and auth["requests"]["refresh_token"] == 0
    assert auth["failures"] == {"invalid_client": 1}
    assert auth["refreshReuse"] == 0 and auth["revocations"] == 0
