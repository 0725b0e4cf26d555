"""The APS Authentication v2 calls, over authlib's OAuth 2 client: authorize URL, code exchange, refresh,
client credentials, the jwt-bearer grant (SSA), revoke, and userinfo.

Every failure becomes an `AuthError` whose message says what to do; none carries a token or a response
body. `InvalidGrant` is singled out because it means the sign-in is gone for good (a refresh token that
was used, revoked or expired) and the store must forget it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx2

from ..config import APS_HOST, Settings
from ..errors import AuthError, UpstreamError, scrub
from .tokens import TokenSet

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

# authlib is imported when a token request is made, not at start-up: most runs never need it, and it
# (with joserfc and cryptography) would add a tenth of a second to every server start.

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
USERINFO_URL = "https://api.userprofile.autodesk.com/userinfo"


class OAuthFailed(AuthError):
    """The token endpoint refused a request (an RFC 6749 error code)."""

    def __init__(self, message: str, *, error: str) -> None:
        super().__init__(message)
        self.error = error


class InvalidGrant(OAuthFailed):
    """The code, refresh token or assertion is no good: used, revoked, expired or badly signed."""


class OAuthClient:
    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        mode: str = "3lo",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not settings.client_id:
            raise AuthError("APS_CLIENT_ID is not set: give the client id of your APS app to sign in.")
        self.settings = settings
        self.client_id = settings.client_id
        self.secret = settings.client_secret.get_secret_value() if settings.client_secret else None
        self.mode = mode
        base = settings.base_url
        self.authorize_endpoint = f"{base}/authentication/v2/authorize"
        self.token_endpoint = f"{base}/authentication/v2/token"
        self.revoke_endpoint = f"{base}/authentication/v2/revoke"
        self.userinfo_endpoint = USERINFO_URL if base == APS_HOST else f"{base}/userinfo"
        self._transport = transport
        self.clock = clock

    @property
    def public(self) -> bool:
        """A "Desktop, Mobile, Single-Page App" has no secret: it proves itself with PKCE instead."""
        return self.secret is None

    def _session(self) -> AsyncOAuth2Client:
        from authlib.integrations.httpx_client import AsyncOAuth2Client

        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.secret,
            # Confidential apps authenticate with Basic; public ones send client_id in the body (APS docs).
            token_endpoint_auth_method="none" if self.public else "client_secret_basic",
            revocation_endpoint_auth_method="none" if self.public else "client_secret_basic",
            transport=self._transport,
            timeout=self.settings.timeout,
        )

    def authorization_url(self, redirect_uri: str, state: str, verifier: str) -> str:
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.settings.scopes,
            "state": state,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return f"{self.authorize_endpoint}?{urlencode(params)}"

    async def exchange_code(self, code: str, redirect_uri: str, verifier: str) -> TokenSet:
        return await self._token(
            "sign-in",
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=verifier,
        )

    async def refresh(self, refresh_token: str) -> TokenSet:
        return await self._token("refresh", grant_type="refresh_token", refresh_token=refresh_token)

    async def client_credentials(self) -> TokenSet:
        if self.public:
            raise AuthError("2-legged sign-in needs APS_CLIENT_SECRET (a Traditional Web App or Server-to-Server app).")
        return await self._token("2-legged sign-in", grant_type="client_credentials", scope=self.settings.scopes)

    async def jwt_bearer(self, assertion: str) -> TokenSet:
        if self.public:
            raise AuthError("SSA sign-in needs APS_CLIENT_SECRET of the app that owns the service account.")
        return await self._token("service-account sign-in", grant_type=JWT_BEARER, assertion=assertion)

    async def _token(self, what: str, **form: str) -> TokenSet:
        from authlib.integrations.base_client.errors import OAuthError

        async with self._session() as session:
            try:
                body = await session.fetch_token(self.token_endpoint, **form)
            except OAuthError as exc:
                raise _refused(what, exc.error or "invalid_request", exc.description) from None
            except httpx2.HTTPStatusError as exc:
                raise UpstreamError(
                    f"APS sign-in is unavailable ({exc.response.status_code}) during {what}; try again shortly."
                ) from None
            except (httpx2.HTTPError, ValueError) as exc:
                raise UpstreamError(f"Could not reach APS sign-in ({type(exc).__name__}) during {what}.") from None
        return TokenSet.from_response(dict(body), mode=self.mode, scope=self.settings.scopes, now=self.clock())

    async def revoke(self, token: str, hint: str) -> None:
        async with self._session() as session:
            try:
                response = await session.revoke_token(self.revoke_endpoint, token=token, token_type_hint=hint)
            except httpx2.HTTPError as exc:
                raise UpstreamError(f"Could not reach APS to revoke the sign-in ({type(exc).__name__}).") from None
        if response.status_code >= 400:
            raise UpstreamError(f"APS refused to revoke the {hint.replace('_', ' ')} ({response.status_code}).")

    async def userinfo(self, access_token: str) -> str | None:
        """ "Name <email>" of whoever signed in, or None when APS will not say (best effort: status only)."""
        async with httpx2.AsyncClient(transport=self._transport, timeout=self.settings.timeout) as http:
            try:
                response = await http.get(self.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"})
                info: Any = response.json() if response.status_code == 200 else None
            except (httpx2.HTTPError, ValueError):
                return None
        if not isinstance(info, dict):
            return None
        name = str(info.get("name") or info.get("preferred_username") or "").strip()
        email = str(info.get("email") or "").strip()
        return f"{name} <{email}>" if name and email else (name or email or None)


def _refused(what: str, error: str, description: str | None) -> OAuthFailed:
    reason = f" ({scrub(description, 160)})" if description else ""
    if error == "invalid_grant":
        return InvalidGrant(f"APS refused the {what}: invalid_grant{reason}.", error=error)
    if error == "invalid_client":
        return OAuthFailed(
            f"APS does not recognise this app (invalid_client){reason}. Check APS_CLIENT_ID and APS_CLIENT_SECRET.",
            error=error,
        )
    if error == "invalid_scope":
        return OAuthFailed(f"APS refused the scopes in APS_SCOPES (invalid_scope){reason}.", error=error)
    return OAuthFailed(f"APS refused the {what}: {error}{reason}.", error=error)
