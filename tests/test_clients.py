"""`acc-mcp config <client>`: each client's documented format, per-OS locations, and merging with a backup."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from acc_mcp.cli import main
from acc_mcp.clients import CLIENTS, config_path, executable, merge_into, server_entry, snippet
from acc_mcp.errors import ConfigError

CMD = ["/opt/acc/bin/acc-mcp"]

# What each client's documentation shows (top-level key, entry fields), checked against their pages.
DOCUMENTED = {
    "claude-desktop": ("mcpServers", {"command", "args", "env"}),
    "claude-code": ("mcpServers", {"type", "command", "args", "env"}),
    "vscode": ("servers", {"type", "command", "args", "env"}),
    "cursor": ("mcpServers", {"command", "args", "env"}),
    "windsurf": ("mcpServers", {"command", "args", "env"}),
}


@pytest.mark.parametrize("client", list(CLIENTS))
def test_entry_in_each_clients_format(client: str) -> None:
    key, fields = DOCUMENTED[client]
    entry = server_entry(client, command=CMD, env={"APS_CLIENT_ID": "abc"})
    assert set(entry) == fields
    assert entry["command"] == CMD[0] and entry["args"] == [] and entry["env"] == {"APS_CLIENT_ID": "abc"}
    if "type" in fields:
        assert entry["type"] == "stdio"
    demo = snippet(client, "acc-demo", server_entry(client, command=CMD, demo=True))
    assert list(demo) == [key] and demo[key]["acc-demo"]["args"] == ["demo"] and "env" not in demo[key]["acc-demo"]


USER_PATHS = {
    ("claude-desktop", "macos"): "/Users/ann/Library/Application Support/Claude/claude_desktop_config.json",
    ("claude-desktop", "windows"): r"C:\Users\ann\AppData\Roaming\Claude\claude_desktop_config.json",
    ("claude-desktop", "linux"): "/home/ann/.config/Claude/claude_desktop_config.json",
    ("claude-code", "macos"): "/Users/ann/.claude.json",
    ("claude-code", "windows"): r"C:\Users\ann\.claude.json",
    ("claude-code", "linux"): "/home/ann/.claude.json",
    ("vscode", "macos"): "/Users/ann/Library/Application Support/Code/User/mcp.json",
    ("vscode", "windows"): r"C:\Users\ann\AppData\Roaming\Code\User\mcp.json",
    ("vscode", "linux"): "/home/ann/.config/Code/User/mcp.json",
    ("cursor", "macos"): "/Users/ann/.cursor/mcp.json",
    ("cursor", "windows"): r"C:\Users\ann\.cursor\mcp.json",
    ("cursor", "linux"): "/home/ann/.cursor/mcp.json",
    ("windsurf", "macos"): "/Users/ann/.codeium/windsurf/mcp_config.json",
    ("windsurf", "windows"): r"C:\Users\ann\.codeium\windsurf\mcp_config.json",
    ("windsurf", "linux"): "/home/ann/.codeium/windsurf/mcp_config.json",
}
HOMES = {"macos": "/Users/ann", "windows": r"C:\Users\ann", "linux": "/home/ann"}


@pytest.mark.parametrize(("client", "os_name"), list(USER_PATHS))
def test_user_config_location_per_os(client: str, os_name: str) -> None:
    environ = {"APPDATA": r"C:\Users\ann\AppData\Roaming"} if os_name == "windows" else {}
    path = config_path(client, "user", os_name=os_name, home=HOMES[os_name], environ=environ)  # type: ignore[arg-type]
    expected = (PureWindowsPath if os_name == "windows" else PurePosixPath)(USER_PATHS[client, os_name])
    assert path == expected


def test_project_config_locations() -> None:
    where = {c: config_path(c, "project", os_name="linux", cwd="/src/job") for c in CLIENTS if CLIENTS[c].project_path}
    assert where == {
        "claude-code": PurePosixPath("/src/job/.mcp.json"),
        "vscode": PurePosixPath("/src/job/.vscode/mcp.json"),
        "cursor": PurePosixPath("/src/job/.cursor/mcp.json"),
    }
    with pytest.raises(ConfigError, match="no project config"):
        config_path("windsurf", "project")


@pytest.mark.parametrize("client", list(CLIENTS))
def test_merge_keeps_other_servers_and_settings(client: str, tmp_path: Path) -> None:
    key = CLIENTS[client].servers_key
    path = tmp_path / "config.json"
    existing = {
        key: {"github": {"command": "docker", "args": ["run", "-i", "ghcr.io/github/github-mcp-server"]}},
        "inputs": [{"id": "token", "type": "promptString"}],
        "theme": "dark",
    }
    path.write_text(json.dumps(existing))
    os.chmod(path, 0o600)
    written = merge_into(path, client, "acc", server_entry(client, command=CMD))
    after = json.loads(path.read_text())
    assert after[key]["github"] == existing[key]["github"]  # type: ignore[index]
    assert after["inputs"] == existing["inputs"] and after["theme"] == "dark"
    assert after[key]["acc"]["command"] == CMD[0] and not written.replaced
    assert written.backup is not None and json.loads(written.backup.read_text()) == existing
    assert path.stat().st_mode & 0o777 == 0o600
    # Again: the entry is replaced, not duplicated; a second backup of the first result is kept.
    again = merge_into(path, client, "acc", server_entry(client, command=[*CMD, "--read-only"]))
    assert again.replaced and list(json.loads(path.read_text())[key]) == ["github", "acc"]


def test_merge_creates_missing_file_and_folders(tmp_path: Path) -> None:
    path = tmp_path / "Code" / "User" / "mcp.json"
    written = merge_into(path, "vscode", "acc-demo", server_entry("vscode", command=CMD, demo=True))
    assert written.backup is None
    assert json.loads(path.read_text()) == {
        "servers": {"acc-demo": {"type": "stdio", "command": CMD[0], "args": ["demo"]}}
    }


def test_merge_refuses_a_file_it_cannot_rewrite_faithfully(tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    jsonc = '{\n  // my servers\n  "servers": {}\n}\n'
    path.write_text(jsonc)
    with pytest.raises(ConfigError, match="not plain JSON"):
        merge_into(path, "vscode", "acc", server_entry("vscode", command=CMD))
    assert path.read_text() == jsonc and list(tmp_path.iterdir()) == [path]
    path.write_text('{"servers": []}')
    with pytest.raises(ConfigError, match="'servers' is not an object"):
        merge_into(path, "vscode", "acc", server_entry("vscode", command=CMD))


def test_executable_is_absolute_and_runs_this_installation() -> None:
    command = executable()
    assert Path(command[0]).is_absolute()
    assert command == [str(Path(sys.executable).parent / "acc-mcp")] or command[1:] == ["-m", "acc_mcp"]


def test_config_command_prints_and_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("APS_ACCESS_TOKEN", "ACC_TOOLSETS", "ACC_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APS_CLIENT_ID", "my-app")
    monkeypatch.setenv("ACC_ACCOUNT_ID", "b.1234")
    monkeypatch.setenv("APS_CLIENT_SECRET", "s3cret")

    assert main(["config", "cursor", "--read-only"]) == 0
    out, err = capsys.readouterr()
    entry = json.loads(out)["mcpServers"]["acc"]
    assert entry["env"] == {"APS_CLIENT_ID": "my-app", "ACC_ACCOUNT_ID": "b.1234", "ACC_READ_ONLY": "true"}
    assert "s3cret" not in out + err and "Left out APS_CLIENT_SECRET" in err
    assert str(tmp_path / ".cursor" / "mcp.json") in err

    target = tmp_path / ".cursor" / "mcp.json"
    target.parent.mkdir()
    target.write_text(json.dumps({"mcpServers": {"other": {"command": "x"}}}))
    assert main(["config", "cursor", "--write", "--toolsets", "all"]) == 0
    _, err = capsys.readouterr()
    data = json.loads(target.read_text())
    assert set(data["mcpServers"]) == {"other", "acc"} and data["mcpServers"]["acc"]["env"]["ACC_TOOLSETS"] == "all"
    assert "Added server 'acc'" in err and "backup:" in err

    assert main(["config", "claude-code", "--demo"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["mcpServers"]["acc-demo"]["args"][-1] == "demo"
    assert "claude mcp add --scope user acc-demo -- " in err and "while Claude Code is running" in err

    monkeypatch.delenv("APS_CLIENT_ID")
    assert main(["config", "windsurf", "--write"]) == 2  # would write an entry that cannot sign in
    assert "APS_CLIENT_ID" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["config", "notepad"])
