"""APS Authentication v2 state for the sandbox: registered apps, consents, codes, refresh families, service accounts.

Kept apart from the routes (`auth.py`) so the rules that matter — loopback callbacks, PKCE S256, single-use
codes, refresh rotation with reuse detection (RS256 assertion checks: `auth_jwt`) — read as plain synchronous functions.
A handler awaits its body first and then checks and mutates this state with no await in between, so two
concurrent refreshes of one token cannot both succeed. Issued access tokens live in `Controls.issued`, where
the gateway checks them. joserfc and cryptography are imported lazily: they would double the sandbox's import
time, and only the SSA routes need them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import JSONResponse

from .app import Controls, IssuedToken
from .http import ApiError
from .world import World

SANDBOX_PUBLIC_CLIENT_ID = "sandbox-desktop-app"
"""A "Desktop, Mobile, Single-Page App": public client, no secret, must use PKCE."""
SANDBOX_CLIENT_ID = "sandbox-web-app"
"""A "Traditional Web App / Server-to-Server" app: confidential, owns service accounts."""
SANDBOX_CLIENT_SECRET = "sandbox-web-secret"

APS_TOKEN_URL = "https://developer.api.autodesk.com/authentication/v2/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials", JWT_BEARER)
CODE_TTL = 300
"""Authorization codes live 5 minutes (the reference)."""
CONSENT_TTL = 600
REFRESH_TTL = 15 * 86400
"""Refresh tokens live 15 days (the reference)."""
ASSERTION_MAX_LIFETIME = 300
ASSERTION_LEEWAY = 5
"""Seconds of clock skew tolerated on an assertion's `exp` horizon."""
MAX_SERVICE_ACCOUNTS, MAX_KEYS = 10, 3

_REFERENCE_SCOPES = (
    "user:read user:write user-profile:read viewables:read data:read data:write data:create data:search "
    "bucket:create bucket:read bucket:update bucket:delete code:all account:read account:write openid"
)
USER_SCOPES = frozenset(_REFERENCE_SCOPES.split())
APP_SCOPES = USER_SCOPES | {
    "application:service_account:write",
    "application:service_account:read",
    "application:service_account_key:write",
    "application:service_account_key:read",
}
VERIFIER_RE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
CHALLENGE_RE = re.compile(r"[A-Za-z0-9_-]{43}")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    """An RFC 6749 error: `{"error", "error_description"}`, 400 (401 for invalid_client)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = 401 if error == "invalid_client" else 400

    def response(self) -> JSONResponse:
        headers = dict(NO_STORE)
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="developer.api.autodesk.com"'
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=self.status, headers=headers)


@dataclass(frozen=True)
class ClientApp:
    client_id: str
    name: str
    secret: str | None
    """None: a public client (Desktop, Mobile, Single-Page App), which must use PKCE instead."""

    @property
    def public(self) -> bool:
        return self.secret is None


APPS = {
    SANDBOX_PUBLIC_CLIENT_ID: ClientApp(SANDBOX_PUBLIC_CLIENT_ID, "ACC MCP Desktop (sandbox)", None),
    SANDBOX_CLIENT_ID: ClientApp(SANDBOX_CLIENT_ID, "ACC MCP Web (sandbox)", SANDBOX_CLIENT_SECRET),
}


def sandbox_user(world: World) -> dict[str, Any]:
    """The user signed in to the sandbox's authorize page: the account admin (stable for a given world seed)."""
    return next(u for u in world.users if u["accessLevels"]["accountAdmin"])


def loopback_redirect(uri: str) -> bool:
    """The registered callbacks: any loopback http URI, on any port (RFC 8252 §7.3)."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "localhost", "::1")
        and parts.username is None
        and not parts.fragment
    )


def parse_scopes(raw: str, allowed: frozenset[str] = USER_SCOPES) -> tuple[str, ...]:
    if len(raw) > 2000:
        raise OAuthError("invalid_scope", "scope must not exceed 2000 characters.")
    scopes = tuple(dict.fromkeys(raw.split()))
    if len(scopes) > 50:
        raise OAuthError("invalid_scope", "scope must not contain more than 50 scopes.")
    for scope in scopes:
        if scope not in allowed and not scope.startswith("data:read:"):
            raise OAuthError("invalid_scope", f"Unknown or unsupported scope {scope!r}.")
    return scopes


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def go_time(at: float) -> str:
    """The reference's SSA timestamps are Go's time.String(): "2024-01-25 03:08:04.156576834 +0000 UTC"."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + "000 +0000 UTC"


@dataclass
class Consent:
    """An /authorize request waiting on the consent page."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None
    user_id: str
    expires_at: float


@dataclass
class AuthCode(Consent):
    """A consent the user allowed: single use, bound to its client, callback, scopes and code_challenge."""

    family: str = ""
    used: bool = False


@dataclass
class RefreshToken:
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    family: str
    expires_at: float
    used: bool = False
    revoked: bool = False


@dataclass
class ServiceAccountKey:
    kid: str
    public_pem: str
    created_at: float
    status: str = "ENABLED"
    accessed_at: float | None = None

    def details(self) -> dict[str, Any]:
        accessed = go_time(self.accessed_at or self.created_at)
        return {"kid": self.kid, "status": self.status, "createdAt": go_time(self.created_at), "accessedAt": accessed}


@dataclass
class ServiceAccount:
    id: str
    """Its Autodesk id: the `sub` of its assertions and of the tokens exchanged for them."""
    name: str
    first_name: str
    last_name: str
    created_by: str
    created_at: float
    status: str = "ENABLED"
    accessed_at: float | None = None
    keys: dict[str, ServiceAccountKey] = field(default_factory=dict)

    @property
    def email(self) -> str:
        return f"{self.name}@{self.created_by}.adskserviceaccount.autodesk.com"

    def details(self) -> dict[str, Any]:
        return {
            "serviceAccountId": self.id,
            "email": self.email,
            "createdBy": self.created_by,
            "status": self.status,
            "createdAt": go_time(self.created_at),
            "accessedAt": go_time(self.accessed_at or self.created_at),
            "expiresAt": go_time(self.created_at + 365 * 86400),
        }

    def user(self) -> dict[str, Any]:
        """A user record of its own (in the world users' shape) for /userinfo."""
        name = f"{self.first_name} {self.last_name}"
        return {
            "id": self.id,
            "autodeskId": self.id,
            "email": self.email,
            "name": name,
            "firstName": self.first_name,
            "lastName": self.last_name,
        }


@dataclass
class AuthState:
    """Everything /authentication/v2 remembers, plus its counters for `/_sandbox/stats`."""

    world: World
    apps: dict[str, ClientApp] = field(default_factory=lambda: dict(APPS))
    consents: dict[str, Consent] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    service_accounts: dict[str, ServiceAccount] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    """Every token-endpoint request by grant_type, success or not."""
    grants: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    refresh_reuse: int = 0
    revocations: int = 0

    def stats(self) -> dict[str, Any]:
        return {
            "requests": {g: self.requests[g] for g in GRANT_TYPES} | dict(self.requests),
            "grants": {g: self.grants[g] for g in GRANT_TYPES},
            "failures": dict(self.failures),
            "refreshReuse": self.refresh_reuse,
            "revocations": self.revocations,
        }

    def user(self, autodesk_id: str) -> dict[str, Any] | None:
        sa = self.service_accounts.get(autodesk_id)
        return sa.user() if sa is not None else self.world.user(autodesk_id)

    # tokens ----------------------------------------------------------------------------------------

    def issue(
        self,
        controls: Controls,
        client_id: str,
        user_id: str | None,
        scopes: tuple[str, ...],
        *,
        family: str | None = None,
        refresh_scopes: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """Mint an access token (and a refresh token of the same family when `refresh_scopes` is given)."""
        now, ttl = controls.now(), controls.access_token_ttl
        access = "sbx-at-" + secrets.token_urlsafe(32)
        controls.issued[access] = IssuedToken(client_id, user_id, scopes, now + ttl, family)
        body: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": ttl}
        if refresh_scopes is not None and family is not None and user_id is not None:
            token = "sbx-rt-" + secrets.token_urlsafe(32)
            self.refresh_tokens[token] = RefreshToken(client_id, user_id, refresh_scopes, family, now + REFRESH_TTL)
            body["refresh_token"] = token
        return body

    def revoke_family(self, controls: Controls, family: str) -> None:
        """Log the grant out: every access and refresh token descended from one authorization."""
        for issued in controls.issued.values():
            if issued.family == family:
                issued.revoked = True
        for token in self.refresh_tokens.values():
            if token.family == family:
                token.revoked = True

    def revoke(self, controls: Controls, client_id: str, token: str) -> None:
        """RFC 7009: a refresh token takes its family with it; unknown or foreign tokens are a no-op."""
        refresh = self.refresh_tokens.get(token)
        if refresh is not None and refresh.client_id == client_id:
            self.revoke_family(controls, refresh.family)
            return
        issued = controls.issued.get(token)
        if issued is not None and issued.client_id == client_id:
            issued.revoked = True

    # service accounts ------------------------------------------------------------------------------

    def create_service_account(
        self, client_id: str, name: str, first: str, last: str, now: float, account_id: str | None = None
    ) -> ServiceAccount:
        rng = self.world.rng(f"auth:sa:{len(self.service_accounts)}")
        sa_id = account_id or "".join(rng.choices(string.ascii_uppercase + string.digits, k=16))
        sa = ServiceAccount(sa_id, name, first, last, client_id, now)
        self.service_accounts[sa_id] = sa
        return sa

    def owned(self, client_id: str) -> list[ServiceAccount]:
        return [sa for sa in self.service_accounts.values() if sa.created_by == client_id]

    def new_key(self, sa: ServiceAccount, now: float) -> tuple[str, str]:
        """Generate an RSA-2048 pair; keep the public half, return (kid, private key PEM) once."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ).decode()
        public = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        kid = str(uuid.uuid4())
        sa.keys[kid] = ServiceAccountKey(kid, public.decode(), now)
        return kid, pem

    def register_key(self, service_account_id: str, client_id: str, kid: str, public_key_pem: str, now: float) -> None:
        """Register a key a test generated itself, creating the service account if need be."""
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        try:
            key = load_pem_public_key(public_key_pem.encode())
        except ValueError:
            raise ApiError(400, "publicKeyPem is not a PEM public key.") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise ApiError(400, "publicKeyPem must be an RSA public key (assertions are RS256).")
        sa = self.service_accounts.get(service_account_id)
        if sa is None:
            slug = service_account_id.lower()
            sa = self.create_service_account(client_id, f"sa-{slug}", "Service", "Account", now, service_account_id)
        elif sa.created_by != client_id:
            raise ApiError(400, f"Service account {service_account_id} belongs to client {sa.created_by}.")
        sa.keys[kid] = ServiceAccountKey(kid, public_key_pem, now)

    def register_key_json(self, body: Any, now: float) -> None:
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and body[k] for k in ("serviceAccountId", "kid", "publicKeyPem")
        ):
            raise ApiError(400, "serviceAccountKeys entries need serviceAccountId, kid and publicKeyPem strings.")
        client_id = str(body.get("clientId") or SANDBOX_CLIENT_ID)
        self.register_key(body["serviceAccountId"], client_id, body["kid"], body["publicKeyPem"], now)

    def find_key(self, kid: str) -> tuple[ServiceAccount, ServiceAccountKey] | None:
        for sa in self.service_accounts.values():
            if kid in sa.keys:
                return sa, sa.keys[kid]
        return None


def constant_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
