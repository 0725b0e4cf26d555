"""The sandbox ASGI app: ACC's routes over a seeded world, with auth, rate limits and fault injection.

Each family module (admin, issues, …) provides `seed(world) -> state` and `routes() -> list[Route]`; the app
mounts every family's routes at the same paths as developer.api.autodesk.com. Around them a small ASGI
layer does what the real gateway does: checks the bearer token (401: the static demo token, or a token the
auth family issued, until it expires on the sandbox clock or is revoked), applies the rate limit (429 with
Retry-After), adds latency when asked, and replays injected faults. The `/_sandbox/*` routes let a test
that runs the sandbox in another process steer it and read its counters.
"""

from __future__ import annotations

import importlib
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .engine import KeyedRoute
from .http import ApiError, json_body
from .world import World

if TYPE_CHECKING:
    from .auth_data import AuthState

SANDBOX_TOKEN = "sandbox-demo-token"
"""The access token the sandbox accepts out of the box (what `acc-mcp demo` signs in with)."""

UNGATED = ("/_sandbox/", "/authentication/", "/sandbox-files/")
"""Paths outside the bearer-token gateway: test controls, OAuth, and signed-URL downloads (S3 in real APS)."""

FAMILIES = (
    "admin",
    "issues",
    "locations",
    "rfis",
    "reviews",
    "photos",
    "forms",
    "assets",
    "data_connector",
    "auth",
    "documents",
    "files",
)
DEFAULT_ACCESS_TOKEN_TTL = 3600
"""Seconds an issued access token lives, as APS documents (60 minutes)."""


class Family(Protocol):
    def seed(self, world: World) -> Any: ...
    def routes(self) -> list[BaseRoute]: ...


@dataclass
class Fault:
    """Answer the next `times` requests whose path contains `path` with `status` (and Retry-After)."""

    status: int
    path: str = ""
    times: int = 1
    retry_after: float | None = None


@dataclass
class IssuedToken:
    """An access token the auth family minted; the gateway accepts it until it expires or is revoked."""

    client_id: str
    user_id: str | None
    """The Autodesk id of the user it acts for; None for a 2-legged (client_credentials) token."""
    scopes: tuple[str, ...]
    expires_at: float
    """On the sandbox clock (`Controls.now()`)."""
    family: str | None = None
    """The grant family (one authorization or one SSA exchange) it belongs to, revoked as a whole."""
    revoked: bool = False


@dataclass
class Controls:
    """What a test can steer and observe: tokens, clock, latency, rate limit, faults, counters."""

    tokens: set[str] = field(default_factory=lambda: {SANDBOX_TOKEN})
    """Static tokens accepted forever (the demo token); issued tokens live in `issued`."""
    issued: dict[str, IssuedToken] = field(default_factory=dict)
    access_token_ttl: int = DEFAULT_ACCESS_TOKEN_TTL
    clock_offset: float = 0.0
    """Added to wall-clock time, so a test can expire tokens and codes without sleeping."""
    latency: float = 0.0
    rate_limit: int | None = None
    """Requests per rolling minute before 429s; None turns the limit off (requests are still counted)."""
    faults: list[Fault] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    """Gated requests by registry route, `"GET /construction/issues/v1/projects/{projectId}/issues"`."""
    statuses: Counter[int] = field(default_factory=Counter)
    peak_per_minute: int = 0
    _window: deque[float] = field(default_factory=deque)

    def now(self) -> float:
        """The sandbox clock used for token, code and assertion expiry."""
        return time.time() + self.clock_offset

    def advance_clock(self, seconds: float) -> None:
        self.clock_offset += seconds

    def live_token(self, token: str) -> IssuedToken | None:
        """The issued token if it is unexpired and unrevoked."""
        issued = self.issued.get(token)
        if issued is None or issued.revoked or self.now() >= issued.expires_at:
            return None
        return issued

    def accepts(self, token: str) -> bool:
        return token in self.tokens or self.live_token(token) is not None

    def stats(self) -> dict[str, Any]:
        return {
            "requests": sum(self.requests.values()),
            "byPath": dict(self.requests),
            "byRoute": dict(self.routes),
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "peakPerMinute": self.peak_per_minute,
            "rateLimit": self.rate_limit,
        }

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path in path:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def admit(self, now: float) -> float | None:
        """Count one request; return seconds to wait if it is over the rate limit."""
        window = self._window
        while window and now - window[0] >= 60.0:
            window.popleft()
        if self.rate_limit is not None and len(window) >= self.rate_limit:
            return max(0.0, 60.0 - (now - window[0]))
        window.append(now)
        self.peak_per_minute = max(self.peak_per_minute, len(window))
        return None


class Gateway:
    """The ASGI layer in front of the routes: auth, rate limit, latency, faults, counting."""

    def __init__(self, app: ASGIApp, controls: Controls, routes: list[KeyedRoute]) -> None:
        self.app = app
        self.controls = controls
        self.routes = routes

    def route_of(self, scope: Scope) -> str | None:
        """The registry route (`str(endpoint)`) this request is for, matched the way the router will."""
        for route in self.routes:
            if route.matches(scope)[0] is Match.FULL:
                return str(route.ep)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNGATED):
            await self.app(scope, receive, send)
            return
        controls = self.controls
        path: str = scope["path"]
        controls.requests[path] += 1
        if (route := self.route_of(scope)) is not None:
            controls.routes[route] += 1
        response = self._gate(scope, path)
        if controls.latency:
            await anyio.sleep(controls.latency)
        if response is None:
            await self.app(scope, receive, _status_spy(send, controls))
            return
        controls.statuses[response.status_code] += 1
        await response(scope, receive, send)

    def _gate(self, scope: Scope, path: str) -> Response | None:
        controls = self.controls
        headers = dict((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return ApiError(401, "The token is not provided in the request.", code="AUTH-001").response()
        if not controls.accepts(auth[7:].strip()):
            return ApiError(401, "The token is invalid or has expired.", code="AUTH-006").response()
        fault = controls.take_fault(path)
        if fault is not None:
            extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
            message = "Too many requests." if fault.status == 429 else f"Injected fault {fault.status}."
            return ApiError(fault.status, message, code=f"SANDBOX-{fault.status}", headers=extra).response()
        wait = controls.admit(time.monotonic())
        if wait is not None:
            return ApiError(
                429, "Rate limit exceeded.", code="RATE_LIMIT", headers={"Retry-After": str(max(1, round(wait)))}
            ).response()
        return None


def _status_spy(send: Send, controls: Controls) -> Send:
    async def spy(message: Any) -> None:
        if message["type"] == "http.response.start":
            controls.statuses[int(message["status"])] += 1
        await send(message)

    return spy


def _all_stats(request: Request) -> dict[str, Any]:
    stats = cast(Controls, request.app.state.controls).stats()
    auth = cast("AuthState | None", request.app.state.families.get("auth"))
    if auth is not None:
        stats["auth"] = auth.stats()
    return stats


async def _stats(request: Request) -> Response:
    return JSONResponse(_all_stats(request))


async def _configure(request: Request) -> Response:
    """POST {"latency": s, "rateLimit": n|null, "faults": [{status, path, times, retryAfter}], "revokeTokens": [...],
    "accessTokenTtl": s, "advanceClock": s, "serviceAccountKeys": [{serviceAccountId, clientId, kid, publicKeyPem}]}"""
    controls: Controls = request.app.state.controls
    body = await json_body(request)
    if "accessTokenTtl" in body:
        controls.access_token_ttl = int(body["accessTokenTtl"])
    if "advanceClock" in body:
        controls.advance_clock(float(body["advanceClock"]))
    if "serviceAccountKeys" in body:
        auth = cast("AuthState | None", request.app.state.families.get("auth"))
        if auth is None:
            raise ApiError(400, "The auth family is not loaded.")
        for key in body["serviceAccountKeys"]:
            auth.register_key_json(key, controls.now())
    if "latency" in body:
        controls.latency = float(body["latency"])
    if "rateLimit" in body:
        controls.rate_limit = None if body["rateLimit"] is None else int(body["rateLimit"])
    for f in body.get("faults", []):
        controls.faults.append(Fault(int(f["status"]), f.get("path", ""), int(f.get("times", 1)), f.get("retryAfter")))
    if "revokeTokens" in body:
        controls.tokens.difference_update(body["revokeTokens"])
        for token in body["revokeTokens"]:
            if token in controls.issued:
                controls.issued[token].revoked = True
    return JSONResponse(_all_stats(request))


def build_app(world: World | None = None, *, controls: Controls | None = None) -> Starlette:
    """A fresh sandbox (fresh state: writes made in one app are not seen by another)."""
    world = world or World.build()
    routes: list[BaseRoute] = [
        Route("/_sandbox/stats", _stats, methods=["GET"]),
        Route("/_sandbox/configure", _configure, methods=["POST"]),
    ]
    families: dict[str, Any] = {}
    for name in FAMILIES:
        module = cast(Family, importlib.import_module(f"{__package__}.{name}"))
        families[name] = module.seed(world)
        routes.extend(module.routes())

    async def api_error(_request: Request, exc: Exception) -> Response:
        return cast(ApiError, exc).response()

    async def not_found(_request: Request, _exc: Exception) -> Response:
        return ApiError(404, "The requested resource does not exist.").response()

    app = Starlette(routes=routes, exception_handlers={ApiError: api_error, 404: not_found})
    app.state.world = world
    app.state.families = families
    app.state.controls = controls or Controls()
    keyed = [r for r in routes if isinstance(r, KeyedRoute)]
    app.add_middleware(Gateway, controls=app.state.controls, routes=keyed)
    return app
