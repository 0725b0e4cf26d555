"""Streamable HTTP for teams: stateless workers, a health endpoint, and the MCP authorization handshake.

- **Stateless.** Every POST to `/mcp` carries everything it needs (no `Mcp-Session-Id` is kept on the server),
  so any number of worker processes or machines can sit behind a plain round-robin load balancer: no sticky
  sessions, no shared store. The only per-process state is caches (names for ids), keyed per user.
- **`GET /health`** answers `{"status": "ok", …}` without touching ACC, for load-balancer and container checks.
- **Passthrough** (`ACC_AUTH_PASSTHROUGH=true`): each request's `Authorization: Bearer <APS token>` is used for
  that request only. A request to `/mcp` without one gets `401` and
  `WWW-Authenticate: Bearer resource_metadata="<public url>/.well-known/oauth-protected-resource/mcp"`; that
  document (RFC 9728) names Autodesk's authorization server, so an MCP client that implements the MCP
  authorization flow can sign the user in at Autodesk and retry with the token.

The public URL (what clients and the load balancer use, e.g. `https://acc-mcp.example.com`) comes from
`ACC_PUBLIC_URL`; without it, the address the server listens on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from . import __version__

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .server import AccServer

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MCP_PATH = "/mcp"
HEALTH_PATH = "/health"
METADATA_PREFIX = "/.well-known/oauth-protected-resource"


def public_url(host: str, port: int, environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    configured = env.get("ACC_PUBLIC_URL", "").strip().rstrip("/")
    if configured:
        return configured
    shown = f"[{host}]" if ":" in host else ("127.0.0.1" if host in ("0.0.0.0", "") else host)
    return f"http://{shown}:{port}"


def protected_resource_metadata(server: AccServer, resource: str) -> dict[str, Any]:
    """RFC 9728 metadata for the MCP endpoint: Autodesk (APS) is the authorization server."""
    settings = server.acc_settings
    return {
        "resource": resource,
        "authorization_servers": [settings.base_url.rstrip("/")],
        "scopes_supported": settings.scopes.split(),
        "bearer_methods_supported": ["header"],
        "resource_name": "acc-mcp (Autodesk Construction Cloud)",
        "resource_documentation": "https://github.com/acc-mcp/acc-mcp/blob/main/docs/deploy-http.md",
    }


class RequireBearer:
    """ASGI middleware: a request to the MCP endpoint without a bearer token gets the RFC 9728 challenge."""

    def __init__(self, app: ASGIApp, metadata_url: str) -> None:
        self.app = app
        self.challenge = f'Bearer resource_metadata="{metadata_url}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") == MCP_PATH and scope["method"] != "OPTIONS":
            headers = dict(scope["headers"])
            scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                response = JSONResponse(
                    {
                        "error": "invalid_token",
                        "error_description": "Sign in to Autodesk: send Authorization: Bearer <APS access token>",
                    },
                    status_code=401,
                    headers={"WWW-Authenticate": self.challenge},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def build_http_app(server: AccServer, *, host: str = "127.0.0.1", port: int = 8000) -> Starlette:
    """The ASGI app `acc-mcp --transport http` serves (also usable under any ASGI server: `uvicorn --factory`)."""
    base = public_url(host, port)
    resource = base + MCP_PATH
    metadata_path = METADATA_PREFIX + MCP_PATH
    passthrough = server.acc_settings.auth_passthrough

    def route(path: str) -> Callable[[Callable[[Request], Awaitable[Response]]], Any]:
        decorator: Callable[[Callable[[Request], Awaitable[Response]]], Any]
        decorator = server.custom_route(path, methods=["GET"], include_in_schema=False)
        return decorator

    @route(HEALTH_PATH)
    async def health(_request: Request) -> Response:
        return JSONResponse(
            {"status": "ok", "version": __version__, "tools": len(server.specs), "stateless": True, "pid": os.getpid()}
        )

    if passthrough:
        metadata = protected_resource_metadata(server, resource)

        async def metadata_handler(_request: Request) -> Response:
            return JSONResponse(metadata, headers={"Cache-Control": "public, max-age=3600"})

        route(metadata_path)(metadata_handler)
        route(METADATA_PREFIX)(metadata_handler)

    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, host=host, transport_security=_security(host, base)
    )
    if passthrough:
        app.add_middleware(RequireBearer, metadata_url=base + metadata_path)
    return app


def _security(host: str, base: str) -> TransportSecuritySettings | None:
    """On loopback the SDK accepts only loopback Host headers (DNS-rebinding protection); a proxy in front
    that forwards the public host name (ACC_PUBLIC_URL) is let through too. None: the SDK's default."""
    if host not in LOOPBACK or base.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:")):
        return None
    public = urlsplit(base)
    return TransportSecuritySettings(
        allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*", public.netloc],
        allowed_origins=[
            "http://127.0.0.1:*",
            "http://localhost:*",
            "http://[::1]:*",
            f"{public.scheme}://{public.netloc}",
        ],
    )


def run_http(server: AccServer, host: str, port: int) -> None:
    """Serve `server` over stateless streamable HTTP, saying where on stderr."""
    import anyio
    import uvicorn

    app = build_http_app(server, host=host, port=port)
    base = public_url(host, port, {})
    mode = "passthrough: each request's Authorization bearer token" if server.acc_settings.auth_passthrough else ""
    # stderr, never stdout: a client may read stdout as protocol.
    sys.stderr.write(
        f"acc-mcp {__version__}: MCP (streamable HTTP, stateless) on {base}{MCP_PATH}  health: {base}{HEALTH_PATH}"
        + (f"  [{mode}]" if mode else "")
        + "\n"
    )
    sys.stderr.flush()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    anyio.run(uvicorn.Server(config).serve)
