"""`acc-mcp config <client>`: a working server entry for each MCP client, and where that client keeps it.

Each client's documented format, as of 2026-11:

- Claude Desktop: `claude_desktop_config.json`, top-level `mcpServers`, entries `{command, args, env}`;
  macOS `~/Library/Application Support/Claude/`, Windows `%APPDATA%\\Claude\\` (there is no official Linux
  build; community builds read `~/.config/Claude/`).
- Claude Code: user scope `~/.claude.json`, project scope `.mcp.json` at the project root; top-level
  `mcpServers`, entries `{type: "stdio", command, args, env}` (`claude mcp add` writes the same).
- VS Code: user profile `Code/User/mcp.json` or workspace `.vscode/mcp.json`; top-level **`servers`**
  (not `mcpServers`), entries `{type: "stdio", command, args, env}`; the file may also hold `inputs`.
- Cursor: `~/.cursor/mcp.json` (global) or `.cursor/mcp.json` (project); `mcpServers`, `{command, args, env}`.
- Windsurf: `~/.codeium/windsurf/mcp_config.json` (global only); `mcpServers`, `{command, args, env}`.

The entry names the installed executable by its absolute path: desktop apps start servers with a minimal
PATH, so a bare `acc-mcp` usually is not found. Secrets are never copied from the environment into a config
file; the server signs in from its token store (`acc-mcp login`) instead.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from .errors import ConfigError

OS = Literal["macos", "windows", "linux"]
Scope = Literal["user", "project"]


@dataclass(frozen=True)
class ClientFormat:
    key: str
    title: str
    servers_key: str
    """The top-level object that maps server names to entries."""
    typed: bool
    """Whether an entry carries `"type": "stdio"`."""
    user_paths: Mapping[str, str]
    """Per OS, the user-wide file; `~` is the home folder, `%APPDATA%` the roaming app-data folder."""
    project_path: str | None
    docs: str


CLIENTS: dict[str, ClientFormat] = {
    c.key: c
    for c in (
        ClientFormat(
            "claude-desktop",
            "Claude Desktop",
            "mcpServers",
            False,
            {
                "macos": "~/Library/Application Support/Claude/claude_desktop_config.json",
                "windows": "%APPDATA%/Claude/claude_desktop_config.json",
                "linux": "~/.config/Claude/claude_desktop_config.json",
            },
            None,
            "https://modelcontextprotocol.io/docs/develop/connect-local-servers",
        ),
        ClientFormat(
            "claude-code",
            "Claude Code",
            "mcpServers",
            True,
            {"macos": "~/.claude.json", "windows": "~/.claude.json", "linux": "~/.claude.json"},
            ".mcp.json",
            "https://docs.claude.com/en/docs/claude-code/mcp",
        ),
        ClientFormat(
            "vscode",
            "VS Code",
            "servers",
            True,
            {
                "macos": "~/Library/Application Support/Code/User/mcp.json",
                "windows": "%APPDATA%/Code/User/mcp.json",
                "linux": "~/.config/Code/User/mcp.json",
            },
            ".vscode/mcp.json",
            "https://code.visualstudio.com/docs/copilot/reference/mcp-configuration",
        ),
        ClientFormat(
            "cursor",
            "Cursor",
            "mcpServers",
            False,
            {"macos": "~/.cursor/mcp.json", "windows": "~/.cursor/mcp.json", "linux": "~/.cursor/mcp.json"},
            ".cursor/mcp.json",
            "https://cursor.com/docs/context/mcp",
        ),
        ClientFormat(
            "windsurf",
            "Windsurf",
            "mcpServers",
            False,
            {
                "macos": "~/.codeium/windsurf/mcp_config.json",
                "windows": "~/.codeium/windsurf/mcp_config.json",
                "linux": "~/.codeium/windsurf/mcp_config.json",
            },
            None,
            "https://docs.windsurf.com/windsurf/cascade/mcp",
        ),
    )
}

# Settings worth carrying into a client's config when they are set here. Secrets are left out on purpose.
CARRIED_ENV = (
    "APS_CLIENT_ID",
    "ACC_ACCOUNT_ID",
    "ACC_REGION",
    "ACC_TOOLSETS",
    "ACC_READ_ONLY",
    "ACC_MAX_RESULT_TOKENS",
    "APS_AUTH_MODE",
    "APS_SCOPES",
    "APS_CALLBACK_URL",
    "APS_SSA_ID",
    "APS_SSA_KEY_ID",
    "APS_SSA_PRIVATE_KEY_FILE",
    "ACC_TOKEN_STORE",
    "ACC_TOKEN_STORE_DIR",
    "ACC_BASE_URL",
    "ACC_TIMEOUT",
    "ACC_LOG_LEVEL",
)
SECRET_ENV = ("APS_ACCESS_TOKEN", "APS_CLIENT_SECRET", "APS_SSA_PRIVATE_KEY")


def current_os() -> OS:
    if sys.platform == "darwin":
        return "macos"
    if sys.platform.startswith("win"):
        return "windows"
    return "linux"


def executable(os_name: OS | None = None) -> list[str]:
    """The absolute command that starts this installation of acc-mcp.

    The script installed beside this interpreter when there is one (a venv, pipx, `uv tool`), else the one on
    PATH, else this interpreter with `-m acc_mcp` — which always works.
    """
    windows = (os_name or current_os()) == "windows"
    script = Path(sys.executable).parent / ("acc-mcp.exe" if windows else "acc-mcp")
    if script.is_file():
        return [str(script.absolute())]
    found = shutil.which("acc-mcp")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "acc_mcp"]


def server_entry(
    client: str,
    *,
    command: list[str],
    demo: bool = False,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One server's entry in `client`'s format."""
    fmt = _format(client)
    entry: dict[str, Any] = {"type": "stdio"} if fmt.typed else {}
    entry["command"] = command[0]
    entry["args"] = [*command[1:], *(["demo"] if demo else [])]
    if env:
        entry["env"] = dict(env)
    return entry


def carried_env(environ: Mapping[str, str], extra: Mapping[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The settings to write into the entry, and the names of secrets that were set but left out."""
    env = {k: environ[k] for k in CARRIED_ENV if environ.get(k)}
    env.update(extra or {})
    skipped = [k for k in SECRET_ENV if environ.get(k) and k not in env]
    return env, skipped


def snippet(client: str, name: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The smallest whole config file holding the entry."""
    return {_format(client).servers_key: {name: dict(entry)}}


def config_path(
    client: str,
    scope: Scope = "user",
    *,
    os_name: OS | None = None,
    home: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> PurePath:
    """Where `client` keeps its config for `scope`, on `os_name` (this machine's by default)."""
    fmt = _format(client)
    os_name = os_name or current_os()
    environ = os.environ if environ is None else environ
    pure: type[PurePath] = PureWindowsPath if os_name == "windows" else PurePosixPath
    if scope == "project":
        if fmt.project_path is None:
            raise ConfigError(f"{fmt.title} has no project config; use --scope user")
        return pure(cwd or os.getcwd(), fmt.project_path)
    template = fmt.user_paths[os_name]
    home = home or str(Path.home())
    if template.startswith("~/"):
        return pure(home, template[2:])
    if template.startswith("%APPDATA%/"):
        appdata = environ.get("APPDATA") or str(pure(home, "AppData", "Roaming"))
        return pure(appdata, template[len("%APPDATA%/") :])
    return pure(template)


@dataclass(frozen=True)
class Written:
    path: Path
    backup: Path | None
    replaced: bool
    """True when an entry of that name was already there."""


def merge_into(path: Path, client: str, name: str, entry: Mapping[str, Any]) -> Written:
    """Add (or replace) server `name` in the config file at `path`, keeping everything else in it.

    The old file is copied to `<file>.bak-<timestamp>` first. A file that is not plain JSON (comments,
    trailing commas) is left alone: it is the user's, and rewriting it would drop what they wrote.
    """
    fmt = _format(client)
    data: dict[str, Any] = {}
    backup: Path | None = None
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if text.strip():
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ConfigError(
                    f"{path} is not plain JSON ({exc.msg}, line {exc.lineno}); add the entry printed by "
                    f"`acc-mcp config {client}` by hand"
                ) from None
            if not isinstance(loaded, dict):
                raise ConfigError(f"{path}: expected a JSON object at the top")
            data = loaded
        backup = path.with_name(f"{path.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
        shutil.copy2(path, backup)
    servers = data.setdefault(fmt.servers_key, {})
    if not isinstance(servers, dict):
        raise ConfigError(f"{path}: {fmt.servers_key!r} is not an object")
    replaced = name in servers
    servers[name] = dict(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.acc-mcp-tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if backup is not None:
        shutil.copymode(backup, tmp)
    os.replace(tmp, path)
    return Written(path, backup, replaced)


def _format(client: str) -> ClientFormat:
    try:
        return CLIENTS[client]
    except KeyError:
        raise ConfigError(f"unknown client {client!r}; choose from {', '.join(CLIENTS)}") from None


def run_config(
    client: str,
    *,
    name: str | None,
    demo: bool,
    scope: Scope,
    write: bool,
    env_pairs: list[str],
    read_only: bool,
    toolsets: str | None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The `config` command: (stdout text, stderr text)."""
    environ = os.environ if environ is None else environ
    fmt = _format(client)
    extra: dict[str, str] = {}
    for pair in env_pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--env {pair!r}: write it as NAME=value")
        extra[key] = value
    if read_only:
        extra["ACC_READ_ONLY"] = "true"
    if toolsets:
        extra["ACC_TOOLSETS"] = toolsets
    notes: list[str] = []
    if demo:
        env = extra
    else:
        env, skipped = carried_env(environ, extra)
        if skipped:
            notes.append(
                f"Left out {', '.join(skipped)}: secrets stay out of config files "
                "(run `acc-mcp login` once, or pass --env NAME=value if you must)."
            )
        if not env.get("APS_CLIENT_ID") and not env.get("APS_ACCESS_TOKEN"):
            if write:
                raise ConfigError(
                    "APS_CLIENT_ID: export it (or pass --env APS_CLIENT_ID=…) so the entry can sign in, "
                    "or use --demo for the sandbox"
                )
            env = {"APS_CLIENT_ID": "<your APS client id>", **env}
            notes.append("Set APS_CLIENT_ID in the entry (or export it and run this again), then `acc-mcp login`.")
    name = name or ("acc-demo" if demo else "acc")
    entry = server_entry(client, command=executable(), demo=demo, env=env)
    path = config_path(client, scope)
    if not write:
        out = json.dumps(snippet(client, name, entry), indent=2)
        notes.append(f"{fmt.title} reads this from {path} (add --write to merge it in, keeping a backup).")
        if client == "claude-code":
            notes.append("Or, while Claude Code is running: " + claude_code_command(name, entry, scope))
        if client == "claude-desktop" and current_os() == "linux":
            notes.append("Claude Desktop has no official Linux build; this is where community builds look.")
        return out + "\n", "\n".join(notes) + "\n"
    written = merge_into(Path(path), client, name, entry)
    did = "Replaced" if written.replaced else "Added"
    kept = f" (backup: {written.backup})" if written.backup else ""
    notes.append(f"{did} server {name!r} in {written.path}{kept}")
    notes.append(f"Restart {fmt.title} (or reload its MCP servers) to pick it up.")
    return "", "\n".join(notes) + "\n"


def claude_code_command(name: str, entry: Mapping[str, Any], scope: Scope) -> str:
    """The equivalent `claude mcp add` line."""
    import shlex

    parts = ["claude", "mcp", "add", "--scope", scope]
    for key, value in (entry.get("env") or {}).items():
        parts += ["--env", f"{key}={value}"]
    parts += [name, "--", entry["command"], *entry.get("args", [])]
    return shlex.join(parts)
