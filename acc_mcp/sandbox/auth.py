"""APS Authentication v2 (authorize, token, revoke), Secure Service Accounts, and /userinfo.

Two registered apps: a public desktop client that must use PKCE, and a confidential web/server app (3LO with
its secret, client_credentials, and owner of service accounts). Callbacks are any loopback URI on any port
(RFC 8252); anything else is a 400 page, never a redirect. The authorize page is a plain HTML form, so a test
drives the whole 3-legged flow over HTTP: GET /authorize, read the hidden `consent` field, POST it back with
`decision=allow|deny`, follow the 302 to the callback. Refresh tokens rotate; presenting a used one revokes
its whole grant family. The Secure Service Account routes are in `auth_accounts`; /userinfo is behind the
gateway.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from . import auth_accounts
from . import auth_data as ad
from .app import Controls
from .auth_data import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_PUBLIC_CLIENT_ID,
    AuthState,
    ClientApp,
    OAuthError,
    sandbox_user,
)
from .auth_jwt import verify_assertion
from .http import ApiError, ok, state_of
from .world import World

__all__ = ["SANDBOX_CLIENT_ID", "SANDBOX_CLIENT_SECRET", "SANDBOX_PUBLIC_CLIENT_ID", "auth_state", "sandbox_user"]

STATE_RE = re.compile(r"[A-Za-z0-9,._-]+")
"""The reference: state "can only contain alphanumeric characters, commas, periods, underscores, and hyphens"."""


def seed(world: World) -> AuthState:
    return AuthState(world)


def auth_state(app: Starlette) -> AuthState:
    """The auth family's state of a sandbox app (for in-process tests: register keys, inspect tokens)."""
    state: AuthState = app.state.families["auth"]
    return state


def _state(request: Request) -> AuthState:
    state: AuthState = state_of(request, "auth")
    return state


def _controls(request: Request) -> Controls:
    controls: Controls = request.app.state.controls
    return controls


def _form(request: Request, raw: bytes) -> dict[str, str]:
    """An x-www-form-urlencoded body; repeated parameters are an error (RFC 6749 §3.1)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "Send the body as application/x-www-form-urlencoded.")
    try:
        pairs = parse_qsl(raw.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The body is not UTF-8.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise OAuthError("invalid_request", f"Parameter {key} is repeated.")
        form[key] = value
    return {k: v for k, v in form.items() if v != ""}


def _require(form: dict[str, str], name: str) -> str:
    if name not in form:
        raise OAuthError("invalid_request", f"{name} is required.")
    return form[name]


def _client(state: AuthState, authorization: str | None, form: dict[str, str]) -> ClientApp:
    """HTTP Basic (confidential clients), or client_id (+ client_secret) in the body."""
    body_id, secret = form.get("client_id"), form.get("client_secret")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            raise OAuthError("invalid_client", "Client authentication must use the Basic scheme.")
        if secret is not None:
            raise OAuthError("invalid_request", "Send client credentials in the Authorization header or the body.")
        try:
            client_id, sep, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            sep = ""
        if not sep:
            raise OAuthError("invalid_client", "The Authorization header is not Basic base64(client_id:secret).")
        if body_id is not None and body_id != client_id:
            raise OAuthError("invalid_request", "client_id in the body differs from the Authorization header.")
    elif body_id is None:
        raise OAuthError("invalid_client", "Client authentication failed: send Basic credentials or client_id.")
    else:
        client_id = body_id
    app = state.apps.get(client_id)
    if app is None:
        raise OAuthError("invalid_client", f"Unknown client_id {client_id!r}.")
    if app.secret is None:
        if secret:
            raise OAuthError("invalid_client", "This public client has no secret; use PKCE instead.")
    elif secret is None:
        raise OAuthError("invalid_client", "This confidential client must authenticate with its secret (Basic).")
    elif not ad.constant_equal(secret, app.secret):
        raise OAuthError("invalid_client", "Invalid client credentials.")
    return app


# -- authorize ------------------------------------------------------------------------------------------


def _page(status: int, title: str, body: str) -> HTMLResponse:
    page = f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
    headers = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}
    return HTMLResponse(f"{page}<h1>{html.escape(title)}</h1>{body}</body></html>", status, headers=headers)


def _redirect(uri: str, params: dict[str, str | None]) -> Response:
    parts = urlsplit(uri)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    location = urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))
    return Response(status_code=302, headers={"Location": location, "Cache-Control": "no-store"})


def _consent(app: ClientApp, redirect_uri: str, q: dict[str, str], user_id: str, now: float) -> ad.Consent:
    """Validate the rest of an /authorize request; errors go back to the (registered) callback."""
    if q.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "The sandbox supports response_type=code only.")
    if q.get("response_mode") not in (None, "query"):
        raise OAuthError("invalid_request", "The sandbox supports response_mode=query only.")
    state = q.get("state")
    if state is not None and not STATE_RE.fullmatch(state):
        raise OAuthError("invalid_request", "state may only contain letters, digits, commas, periods, _ and -.")
    if not q.get("scope", "").strip():
        raise OAuthError("invalid_request", "scope is required.")
    scopes = ad.parse_scopes(q["scope"])
    challenge, method = q.get("code_challenge"), q.get("code_challenge_method")
    if challenge is None:
        if app.public:
            raise OAuthError("invalid_request", "Public clients must use PKCE: send code_challenge (S256).")
        if method is not None:
            raise OAuthError("invalid_request", "code_challenge_method was sent without code_challenge.")
    elif method != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256 (plain is not supported).")
    elif not ad.CHALLENGE_RE.fullmatch(challenge):
        raise OAuthError("invalid_request", "code_challenge must be BASE64URL(SHA256(code_verifier)), 43 chars.")
    return ad.Consent(app.client_id, redirect_uri, scopes, state, challenge, user_id, now + ad.CONSENT_TTL)


async def authorize(request: Request) -> Response:
    state, q = _state(request), request.query_params
    repeated = [k for k in ("client_id", "redirect_uri", "state", "scope") if len(q.getlist(k)) > 1]
    if repeated:
        return _page(400, "Invalid request", f"<p>Parameter {html.escape(repeated[0])} is repeated.</p>")
    app = state.apps.get(q.get("client_id") or "")
    if app is None:
        return _page(400, "Unknown application", "<p>client_id is missing or not a registered APS app.</p>")
    redirect_uri = q.get("redirect_uri") or ""
    if not ad.loopback_redirect(redirect_uri):
        detail = f"{redirect_uri!r} is not a registered callback URL of {app.name}."
        hint = "Registered: any loopback http://127.0.0.1:&lt;port&gt;/… or http://localhost:&lt;port&gt;/…"
        return _page(400, "Invalid redirect_uri", f"<p>{html.escape(detail)}</p><p>{hint}</p>")
    user = sandbox_user(state.world)
    try:
        params = {k: v for k, v in q.items() if v}  # an empty parameter counts as absent
        consent = _consent(app, redirect_uri, params, user["autodeskId"], _controls(request).now())
    except OAuthError as exc:
        return _redirect(
            redirect_uri, {"error": exc.error, "error_description": exc.description, "state": q.get("state")}
        )
    consent_id = secrets.token_urlsafe(24)
    state.consents[consent_id] = consent
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in consent.scopes)
    body = (
        f"<p>Signed in as <strong>{html.escape(user['name'])}</strong> ({html.escape(user['email'])}).</p>"
        f"<p><strong>{html.escape(app.name)}</strong> asks to access your Autodesk account:</p><ul>{scopes}</ul>"
        '<form method="post" action="/authentication/v2/authorize">'
        f'<input type="hidden" name="consent" value="{consent_id}">'
        '<button type="submit" name="decision" value="allow">Allow</button> '
        '<button type="submit" name="decision" value="deny">Deny</button></form>'
    )
    return _page(200, f"Authorize {app.name}", body)


async def authorize_decision(request: Request) -> Response:
    state, raw = _state(request), await request.body()
    try:
        form = _form(request, raw)
    except OAuthError as exc:
        return _page(400, "Invalid request", f"<p>{html.escape(exc.description)}</p>")
    decision = form.get("decision")
    if decision not in ("allow", "deny"):
        return _page(400, "Invalid request", "<p>decision must be allow or deny.</p>")
    now = _controls(request).now()
    consent = state.consents.pop(form.get("consent", ""), None)
    if consent is None or now >= consent.expires_at:
        return _page(400, "Request expired", "<p>This sign-in request expired or was already answered.</p>")
    if decision == "deny":
        params = {"error": "access_denied", "error_description": "The user denied access.", "state": consent.state}
        return _redirect(consent.redirect_uri, params)
    code = secrets.token_urlsafe(32)
    state.codes[code] = ad.AuthCode(**{**vars(consent), "expires_at": now + ad.CODE_TTL}, family=secrets.token_hex(8))
    return _redirect(consent.redirect_uri, {"code": code, "state": consent.state})


# -- token ----------------------------------------------------------------------------------------------

Form = dict[str, str]
Body = dict[str, Any]
Grant = Callable[[AuthState, Controls, ClientApp, Form, Request], Body]


def _authorization_code(state: AuthState, controls: Controls, app: ClientApp, form: Form, _: Request) -> Body:
    code, redirect_uri = _require(form, "code"), _require(form, "redirect_uri")
    record = state.codes.get(code)
    if record is None or record.client_id != app.client_id:
        raise OAuthError("invalid_grant", "The authorization code is invalid.")
    if record.used:
        state.revoke_family(controls, record.family)
        raise OAuthError("invalid_grant", "The authorization code was already used; its tokens are now revoked.")
    if controls.now() >= record.expires_at:
        raise OAuthError("invalid_grant", "The authorization code has expired (codes live 5 minutes).")
    if redirect_uri != record.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the one sent to /authorize.")
    verifier = form.get("code_verifier")
    if record.code_challenge is None:
        if verifier is not None:
            raise OAuthError("invalid_grant", "code_verifier sent, but /authorize had no code_challenge.")
    elif verifier is None:
        raise OAuthError("invalid_request", "code_verifier is required: /authorize was sent a code_challenge.")
    elif not ad.VERIFIER_RE.fullmatch(verifier):
        raise OAuthError("invalid_request", "code_verifier must be 43–128 characters of A-Z a-z 0-9 - . _ ~.")
    elif not ad.constant_equal(ad.s256(verifier), record.code_challenge):
        raise OAuthError("invalid_grant", "PKCE check failed: BASE64URL(SHA256(code_verifier)) != code_challenge.")
    record.used = True
    return state.issue(
        controls, app.client_id, record.user_id, record.scopes, family=record.family, refresh_scopes=record.scopes
    )


def _refresh_token(state: AuthState, controls: Controls, app: ClientApp, form: Form, _: Request) -> Body:
    record = state.refresh_tokens.get(_require(form, "refresh_token"))
    if record is None or record.client_id != app.client_id:
        raise OAuthError("invalid_grant", "The refresh token is invalid.")
    if record.revoked:
        raise OAuthError("invalid_grant", "The refresh token has been revoked.")
    if record.used:
        state.refresh_reuse += 1
        state.revoke_family(controls, record.family)
        raise OAuthError("invalid_grant", "Refresh token reuse: it was already used, so this grant is now revoked.")
    if controls.now() >= record.expires_at:
        raise OAuthError("invalid_grant", "The refresh token has expired (15 days).")
    scopes = record.scopes
    if "scope" in form:
        scopes = ad.parse_scopes(form["scope"])
        if not set(scopes) <= set(record.scopes):
            raise OAuthError("invalid_scope", "scope may only narrow the scopes originally granted.")
    record.used = True
    return state.issue(
        controls, app.client_id, record.user_id, scopes, family=record.family, refresh_scopes=record.scopes
    )


def _client_credentials(state: AuthState, controls: Controls, app: ClientApp, form: Form, _: Request) -> Body:
    if app.public:
        raise OAuthError("unauthorized_client", "client_credentials is for confidential (server-to-server) apps.")
    return state.issue(controls, app.client_id, None, ad.parse_scopes(form.get("scope", ""), ad.APP_SCOPES))


def _jwt_bearer(state: AuthState, controls: Controls, app: ClientApp, form: Form, request: Request) -> Body:
    if app.public:
        raise OAuthError("unauthorized_client", "JWT assertions are for confidential (server-to-server) apps.")
    own = f"{request.url.scheme}://{request.url.netloc}/authentication/v2/token"
    now = controls.now()
    sa, key, scopes = verify_assertion(state, app.client_id, _require(form, "assertion"), now, {ad.APS_TOKEN_URL, own})
    if "scope" in form:
        requested = ad.parse_scopes(form["scope"])
        if not set(requested) <= set(scopes):
            raise OAuthError("invalid_scope", "scope must be a subset of the assertion's scope.")
        scopes = requested
    sa.accessed_at = key.accessed_at = now
    return state.issue(controls, app.client_id, sa.id, scopes, family="ssa-" + secrets.token_hex(8))


GRANTS: dict[str, Grant] = {
    "authorization_code": _authorization_code,
    "refresh_token": _refresh_token,
    "client_credentials": _client_credentials,
    ad.JWT_BEARER: _jwt_bearer,
}


async def token(request: Request) -> Response:
    state, controls, raw = _state(request), _controls(request), await request.body()
    # No await from here on: checking and rotating a refresh token is atomic on the event loop.
    try:
        form = _form(request, raw)
        grant_type = form.get("grant_type")
        if grant_type is not None:
            state.requests[grant_type] += 1
        app = _client(state, request.headers.get("authorization"), form)
        grant = GRANTS.get(_require(form, "grant_type"))
        if grant is None:
            raise OAuthError("unsupported_grant_type", f"Unsupported grant_type {grant_type!r}.")
        body = grant(state, controls, app, form, request)
    except OAuthError as exc:
        state.failures[exc.error] += 1
        return exc.response()
    state.grants[form["grant_type"]] += 1
    return JSONResponse(body, headers=ad.NO_STORE)


async def revoke(request: Request) -> Response:
    state, raw = _state(request), await request.body()
    try:
        form = _form(request, raw)
        app = _client(state, request.headers.get("authorization"), form)
        value, hint = _require(form, "token"), _require(form, "token_type_hint")
        if hint not in ("access_token", "refresh_token"):
            raise OAuthError("unsupported_token_type", "token_type_hint must be access_token or refresh_token.")
    except OAuthError as exc:
        return exc.response()
    state.revoke(_controls(request), app.client_id, value)
    state.revocations += 1
    return Response(status_code=200)


# -- userinfo -------------------------------------------------------------------------------------------


async def userinfo(request: Request) -> Response:
    """Behind the gateway, so the token is valid; the demo token stands for the sandbox user."""
    state, controls = _state(request), _controls(request)
    value = request.headers.get("authorization", "")[7:].strip()
    if value in controls.tokens:
        user_id: str | None = sandbox_user(state.world)["autodeskId"]
    else:
        issued = controls.live_token(value)
        user_id = issued.user_id if issued is not None else None
    user = state.user(user_id) if user_id else None
    if user is None:
        headers = {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}
        raise ApiError(403, "userinfo needs a 3-legged token; a 2-legged token has no user.", headers=headers)
    return ok(
        {
            "sub": user["autodeskId"],
            "name": user["name"],
            "given_name": user["firstName"],
            "family_name": user["lastName"],
            "preferred_username": user["email"],
            "email": user["email"],
            "email_verified": True,
            "locale": "en-US",
            "country_code": "US",
            "eidm_guid": user["autodeskId"],
        }
        | ({"job_title": user["jobTitle"], "company": user["companyName"]} if "jobTitle" in user else {})
    )


def routes() -> list[BaseRoute]:
    v2 = "/authentication/v2"
    return [
        Route(f"{v2}/authorize", authorize, methods=["GET"]),
        Route(f"{v2}/authorize", authorize_decision, methods=["POST"]),
        Route(f"{v2}/token", token, methods=["POST"]),
        Route(f"{v2}/revoke", revoke, methods=["POST"]),
        *auth_accounts.routes(),
        Route("/userinfo", userinfo, methods=["GET"]),
    ]
