"""The sandbox's service accounts: the JWT-bearer grant with a registered key, its rejections, and the SSA API
that creates accounts and keys (the 3LO/2LO flows and the shared helpers: test_auth.py)."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette

from acc_mcp.sandbox import SANDBOX_CLIENT_ID, auth_state
from tests.sandbox.test_auth import SECRET, SSA_SCOPES, TOKEN_URL, hubs, stats, three_legged, token
from tests.sandbox.test_auth import http as http  # the fixture: a client with no token of its own

pytestmark = pytest.mark.anyio


@cache
def rsa_pem(n: int) -> tuple[str, str]:
    """(private PEM, public PEM); cached so the module generates only a couple of keys."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


def assertion(private_pem: str, kid: str, sa_id: str, now: float, **claims: Any) -> str:
    body = {"iss": SANDBOX_CLIENT_ID, "sub": sa_id, "aud": TOKEN_URL, "exp": int(now) + 240, "scope": ["data:read"]}
    return jwt.encode({"alg": "RS256", "kid": kid}, body | claims, RSAKey.import_key(private_pem))


async def register_key(http: httpx2.AsyncClient, sa_id: str, kid: str, public_pem: str) -> None:
    key = {"serviceAccountId": sa_id, "clientId": SANDBOX_CLIENT_ID, "kid": kid, "publicKeyPem": public_pem}
    r = await http.post("/_sandbox/configure", json={"serviceAccountKeys": [key]})
    assert r.status_code == 200, r.text


async def exchange(http: httpx2.AsyncClient, jwt_value: str, **extra: str) -> httpx2.Response:
    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    return await token(http, SECRET, grant_type=grant, assertion=jwt_value, **extra)


async def test_jwt_bearer_with_a_registered_key(http: httpx2.AsyncClient, sandbox_app: Starlette) -> None:
    private, public = rsa_pem(0)
    await register_key(http, "SATESTACCOUNT001", "kid-1", public)
    now = sandbox_app.state.controls.now()
    r = await exchange(http, assertion(private, "kid-1", "SATESTACCOUNT001", now, scope=["data:read", "data:write"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and "refresh_token" not in body
    assert await hubs(http, body["access_token"]) == 200
    info = (await http.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})).json()
    assert info["sub"] == "SATESTACCOUNT001"
    narrowed = await exchange(http, assertion(private, "kid-1", "SATESTACCOUNT001", now), scope="data:read")
    assert narrowed.status_code == 200
    wider = await exchange(http, assertion(private, "kid-1", "SATESTACCOUNT001", now), scope="data:write")
    assert wider.json()["error"] == "invalid_scope"
    assert (await stats(http))["grants"]["urn:ietf:params:oauth:grant-type:jwt-bearer"] == 2


@pytest.mark.parametrize(
    ("claims", "kid", "signer", "needle"),
    [
        ({}, "kid-1", 1, "signature"),
        ({}, "kid-unknown", 0, "Unknown key"),
        ({"exp": -10}, "kid-1", 0, "Expired"),
        ({"exp": 400}, "kid-1", 0, "too far"),
        ({"aud": "https://example.com/token"}, "kid-1", 0, "aud"),
        ({"iss": "someone-else"}, "kid-1", 0, "iss"),
        ({"sub": "SOMEONEELSE"}, "kid-1", 0, "sub"),
        ({"scope": "data:read"}, "kid-1", 0, "scope"),
    ],
)
async def test_jwt_bearer_rejections(
    http: httpx2.AsyncClient, sandbox_app: Starlette, claims: dict[str, Any], kid: str, signer: int, needle: str
) -> None:
    await register_key(http, "SATESTACCOUNT001", "kid-1", rsa_pem(0)[1])
    now = sandbox_app.state.controls.now()
    if "exp" in claims:
        claims = claims | {"exp": int(now) + claims["exp"]}
    r = await exchange(http, assertion(rsa_pem(signer)[0], kid, "SATESTACCOUNT001", now, **claims))
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert needle.lower() in r.json()["error_description"].lower()
    assert (await stats(http))["failures"]["invalid_grant"] == 1


async def test_jwt_bearer_accepts_the_sandbox_own_token_url(sandbox_app: Starlette) -> None:
    auth_state(sandbox_app).register_key("SATESTACCOUNT002", SANDBOX_CLIENT_ID, "kid-2", rsa_pem(0)[1], time.time())
    transport = httpx2.ASGITransport(app=sandbox_app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as local:
        now = sandbox_app.state.controls.now()
        own = assertion(
            rsa_pem(0)[0], "kid-2", "SATESTACCOUNT002", now, aud="http://127.0.0.1:8765/authentication/v2/token"
        )
        assert (await exchange(local, own)).status_code == 200
        aps = assertion(rsa_pem(0)[0], "kid-2", "SATESTACCOUNT002", now)
        assert (await exchange(local, aps)).status_code == 200


async def test_service_account_and_key_via_the_ssa_api(http: httpx2.AsyncClient, sandbox_app: Starlette) -> None:
    two = (await token(http, SECRET, grant_type="client_credentials", scope=SSA_SCOPES)).json()
    bearer = {"Authorization": f"Bearer {two['access_token']}"}
    payload = {"name": "acc-mcp-robot", "firstName": "AccMcp", "lastName": "Robot"}
    created = await http.post("/authentication/v2/service-accounts", json=payload, headers=bearer)
    assert created.status_code == 201, created.text
    sa_id = created.json()["serviceAccountId"]
    assert created.json()["email"] == f"acc-mcp-robot@{SANDBOX_CLIENT_ID}.adskserviceaccount.autodesk.com"
    listed = (await http.get("/authentication/v2/service-accounts", headers=bearer)).json()["serviceAccounts"]
    assert [(sa["serviceAccountId"], sa["status"], sa["createdBy"]) for sa in listed] == [
        (sa_id, "ENABLED", SANDBOX_CLIENT_ID)
    ]
    key = await http.post(f"/authentication/v2/service-accounts/{sa_id}/keys", headers=bearer)
    assert key.status_code == 201
    kid, private = key.json()["kid"], key.json()["privateKey"]
    assert private.startswith("-----BEGIN") and "PRIVATE KEY" in private
    keys = (await http.get(f"/authentication/v2/service-accounts/{sa_id}/keys", headers=bearer)).json()["keys"]
    assert [k["kid"] for k in keys] == [kid] and "privateKey" not in keys[0]
    r = await exchange(http, assertion(private, kid, sa_id, sandbox_app.state.controls.now()))
    assert r.status_code == 200, r.text
    info = (await http.get("/userinfo", headers={"Authorization": f"Bearer {r.json()['access_token']}"})).json()
    assert info["sub"] == sa_id and info["email"] == created.json()["email"]


async def test_ssa_api_needs_a_two_legged_token_with_scope(http: httpx2.AsyncClient) -> None:
    payload = {"name": "robot-two", "firstName": "Robot", "lastName": "Second"}
    url = "/authentication/v2/service-accounts"
    assert (await http.post(url, json=payload)).status_code == 401
    three = await three_legged(http)
    r = await http.post(url, json=payload, headers={"Authorization": f"Bearer {three['access_token']}"})
    assert r.status_code == 401
    two = (await token(http, SECRET, grant_type="client_credentials", scope="data:read")).json()
    r = await http.post(url, json=payload, headers={"Authorization": f"Bearer {two['access_token']}"})
    assert r.status_code == 403
    two = (await token(http, SECRET, grant_type="client_credentials", scope=SSA_SCOPES)).json()
    r = await http.post(url, json={"name": "x"}, headers={"Authorization": f"Bearer {two['access_token']}"})
    assert r.status_code == 400
