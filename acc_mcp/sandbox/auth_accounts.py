"""APS Secure Service Accounts: create and list an app's service accounts and their keys.

`/authentication/` is outside the gateway, so these routes check their 2-legged bearer themselves: a token of a
confidential (server-to-server) app holding the endpoint's scope.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import auth_data as ad
from .app import Controls, IssuedToken
from .http import ApiError, json_body, ok, state_of

NAME_RE = re.compile(r"(?=.*[A-Za-z0-9])[A-Za-z0-9-]{5,100}")
FIRST_NAME_RE = re.compile(r"(?=.*[A-Za-z0-9])[A-Za-z0-9_-]{5,100}")


def _state(request: Request) -> ad.AuthState:
    state: ad.AuthState = state_of(request, "auth")
    return state


def _controls(request: Request) -> Controls:
    controls: Controls = request.app.state.controls
    return controls


def _two_legged(request: Request, *scopes: str) -> IssuedToken:
    """The SSA routes take a 2-legged token of a confidential app holding one of `scopes`."""
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        raise ApiError(401, "The token is not provided in the request.", code="AUTH-001")
    issued = _controls(request).live_token(auth[7:].strip())
    if issued is None or issued.user_id is not None:
        raise ApiError(401, "The token has expired, is invalid, or is not a two-legged token.", code="AUTH-006")
    if _state(request).apps[issued.client_id].public:
        raise ApiError(403, "Only a server-to-server application can own service accounts.")
    if not set(scopes) & set(issued.scopes):
        raise ApiError(403, f"The token lacks the scope {scopes[0]}.")
    return issued


def _account(request: Request, client_id: str) -> ad.ServiceAccount:
    sa = _state(request).service_accounts.get(request.path_params["serviceAccountId"])
    if sa is None or sa.created_by != client_id:
        raise ApiError(404, "The service account is not found.")
    return sa


async def create_service_account(request: Request) -> Response:
    issued = _two_legged(request, "application:service_account:write")
    body, state = await json_body(request), _state(request)
    for label, pattern in (("name", NAME_RE), ("firstName", FIRST_NAME_RE), ("lastName", NAME_RE)):
        if not isinstance(body.get(label), str) or not pattern.fullmatch(body[label]):
            raise ApiError(400, f"{label} is required: 5–100 letters, digits or dashes, one alphanumeric at least.")
    name, first, last = str(body["name"]), str(body["firstName"]), str(body["lastName"])
    owned = state.owned(issued.client_id)
    if len(owned) >= ad.MAX_SERVICE_ACCOUNTS:
        raise ApiError(403, f"An application can have at most {ad.MAX_SERVICE_ACCOUNTS} service accounts.")
    if any(sa.name == name for sa in owned):
        raise ApiError(400, f"A service account named {name!r} already exists.")
    sa = state.create_service_account(issued.client_id, name, first, last, _controls(request).now())
    return ok({"serviceAccountId": sa.id, "email": sa.email}, status=201)


async def list_service_accounts(request: Request) -> Response:
    issued = _two_legged(request, "application:service_account:read", "application:service_account:write")
    return ok({"serviceAccounts": [sa.details() for sa in _state(request).owned(issued.client_id)]})


async def get_service_account(request: Request) -> Response:
    issued = _two_legged(request, "application:service_account:read", "application:service_account:write")
    return ok(_account(request, issued.client_id).details())


async def create_key(request: Request) -> Response:
    sa = _account(request, _two_legged(request, "application:service_account_key:write").client_id)
    if sa.status != "ENABLED":
        raise ApiError(400, "The service account is not enabled.")
    if len(sa.keys) >= ad.MAX_KEYS:
        raise ApiError(403, f"A service account can have at most {ad.MAX_KEYS} keys.")
    kid, pem = _state(request).new_key(sa, _controls(request).now())
    return ok({"kid": kid, "privateKey": pem}, status=201)


async def list_keys(request: Request) -> Response:
    scopes = ("application:service_account_key:read", "application:service_account_key:write")
    sa = _account(request, _two_legged(request, *scopes).client_id)
    return ok({"keys": [key.details() for key in sa.keys.values()]})


def routes() -> list[BaseRoute]:
    v2, sa = "/authentication/v2", "/authentication/v2/service-accounts/{serviceAccountId}"
    return [
        Route(f"{v2}/service-accounts", create_service_account, methods=["POST"]),
        Route(f"{v2}/service-accounts", list_service_accounts, methods=["GET"]),
        Route(sa, get_service_account, methods=["GET"]),
        Route(f"{sa}/keys", create_key, methods=["POST"]),
        Route(f"{sa}/keys", list_keys, methods=["GET"]),
    ]
