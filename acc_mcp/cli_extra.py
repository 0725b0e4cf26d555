"""Command-line pieces kept out of cli.py: `acc-mcp config`, the environment list in `--help`, and the
toolset overview printed by `acc-mcp tools`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

CLIENT_KEYS = ("claude-desktop", "claude-code", "vscode", "cursor", "windsurf")
"""The clients `acc-mcp config` knows (the keys of `clients.CLIENTS`, which is imported only by that command)."""

ENV_HELP = """\
environment variables (flags of the same name override them):
  APS_CLIENT_ID / APS_CLIENT_SECRET   your APS app (sign-in flows; no secret for a desktop app)
  APS_ACCESS_TOKEN                    an APS access token to use as is
  APS_AUTH_MODE                       auto | token | 3lo | 2lo | ssa                  (auto)
  APS_SCOPES                          scopes to ask for         (data:read data:write data:create account:read)
  APS_CALLBACK_URL                    the app's loopback callback      (http://127.0.0.1:8910/callback)
  APS_SSA_ID / APS_SSA_KEY_ID         Secure Service Account and key ids
  APS_SSA_PRIVATE_KEY_FILE            its private key, PEM file (or APS_SSA_PRIVATE_KEY: PEM text)
  ACC_TOKEN_STORE / _DIR              file | keyring; the store's folder     (file, per-user data folder)
  ACC_AUTH_PASSTHROUGH                HTTP: use each request's bearer token   (false)
  ACC_DOWNLOAD_DIR                    where downloads are saved               (user cache)
  ACC_PUBLIC_URL                      HTTP: the URL clients reach, for OAuth metadata  (the listen address)
  ACC_ACCOUNT_ID                      ACC account id or hub id b.…           (found from your hubs)
  ACC_REGION                          US EMEA AUS CAN DEU IND JPN GBR        (US)
  ACC_TOOLSETS                        default | all | admin,issues,rfis,…    (default; see `acc-mcp tools`)
  ACC_READ_ONLY                       true hides and refuses write tools     (false)
  ACC_MAX_RESULT_TOKENS               token budget of one result, 500-20000  (4000)
  ACC_BASE_URL                        API host     (https://developer.api.autodesk.com)
  ACC_TIMEOUT                         seconds per request                    (30)
  ACC_CALL_TIMEOUT                    seconds per tool call, retries included (45)
  ACC_ALLOW_REMOTE                    HTTP: serve a non-loopback --host without auth (false)
  ACC_ANALYTICS_DIR                   where loaded extracts are kept         (per-user data folder)
  ACC_QUERY_TIMEOUT                   seconds one query_data query may run   (10)
  ACC_LOG_LEVEL                       log level on stderr: DEBUG INFO WARNING ERROR  (WARNING)

set up a client: acc-mcp config claude-desktop|claude-code|vscode|cursor|windsurf [--demo] [--write]
docs: README.md, docs/clients.md, docs/accounts.md, docs/troubleshooting.md, docs/deploy-http.md
"""


def add_config_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "config",
        help="print (or --write) a client's config entry for this installation",
        description="Print the entry that starts this acc-mcp (by absolute path) in a client's own format, "
        "or merge it into the client's config file with --write (a backup is kept, other servers stay).",
    )
    p.add_argument("client", choices=list(CLIENT_KEYS), help="the MCP client")
    p.add_argument("--demo", action="store_true", help="an entry for the built-in sandbox (no account needed)")
    p.add_argument("--write", action="store_true", help="merge into the client's config file, keeping a backup")
    p.add_argument(
        "--scope",
        choices=["user", "project"],
        default="user",
        help="user-wide file (default) or the project's (.mcp.json, .vscode/mcp.json, .cursor/mcp.json)",
    )
    p.add_argument("--name", help="server name in the client (default: acc, or acc-demo with --demo)")
    p.add_argument("--env", action="append", default=[], metavar="NAME=value", help="add an environment variable")
    p.add_argument("--read-only", action="store_true", help="set ACC_READ_ONLY=true in the entry")
    p.add_argument("--toolsets", help="set ACC_TOOLSETS in the entry")


def config_command(args: argparse.Namespace) -> int:
    from .clients import run_config

    out, err = run_config(
        args.client,
        name=args.name,
        demo=args.demo,
        scope=args.scope,
        write=args.write,
        env_pairs=args.env,
        read_only=args.read_only,
        toolsets=args.toolsets,
    )
    sys.stdout.write(out)
    sys.stderr.write(err)
    return 0


def toolset_lines(selected: Sequence[str], read_only: bool) -> list[str]:
    """Every toolset, whether it is on, and its tools (`*` = in the default toolset)."""
    from .tools import ALL_TOOLS, TOOLSETS, select

    on = {t.name for t in select(selected)}
    lines = [f"Toolsets (ACC_TOOLSETS={','.join(selected)}{', read-only' if read_only else ''}):"]
    for toolset in TOOLSETS:
        tools = [t for t in ALL_TOOLS if t.toolset == toolset]
        count = sum(t.name in on and not (read_only and t.write) for t in tools)
        state = "on" if count == len(tools) else ("part" if count else "off")
        names = ", ".join(f"{t.name}{'*' if t.default else ''}" for t in tools)
        lines.append(f"  {state:<4} {toolset:<15} {count}/{len(tools)}  {names}")
    lines.append("Turn toolsets on with ACC_TOOLSETS=default,data_connector or --toolsets; `all` for everything.")
    return lines
