"""`--help` lists the environment, `tools` shows every toolset, `--transport http` says where it listens."""

from __future__ import annotations

import pytest

from acc_mcp.cli import main
from acc_mcp.cli_extra import CLIENT_KEYS
from acc_mcp.clients import CLIENTS
from acc_mcp.config import ENV_VARS
from acc_mcp.tools import TOOLSETS

from .procs import free_port, running


def test_help_lists_every_environment_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ENV_VARS:
        stem = name.removesuffix("_DIR").removesuffix("_SECRET").removesuffix("_KEY_ID")
        assert stem in out, name
    assert "ACC_LOG_LEVEL" in out and "ACC_PUBLIC_URL" in out and "acc-mcp config" in out


def test_the_config_command_offers_every_client() -> None:
    assert tuple(CLIENTS) == CLIENT_KEYS  # cli_extra names them so that serving does not import clients.py


def test_tools_shows_every_toolset_and_which_are_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "--toolsets", "issues,rfis"]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = {
        line.split()[1]: line.split()[0]
        for line in lines[lines.index("Toolsets (ACC_TOOLSETS=issues,rfis):") + 1 :]
        if line.startswith("  ")
    }
    assert set(table) == set(TOOLSETS)
    assert table["issues"] == table["rfis"] == "on" and table["reviews"] == "off"
    assert main(["tools", "--read-only"]) == 0
    out = capsys.readouterr().out
    assert "read-only" in out and "part data_connector  1/9" in out


def test_http_says_where_it_listens() -> None:
    port = free_port()
    with running(["demo", "--transport", "http", "--port", str(port)], f"http://127.0.0.1:{port}/health") as proc:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
    assert f"http://127.0.0.1:{port}/mcp" in line and f"http://127.0.0.1:{port}/health" in line
