"""The built wheel installs and runs on its own: `acc-mcp tools` and `acc-mcp demo` (over stdio) from a fresh
virtual environment, outside the source tree.

The wheel is built with `pip wheel --no-deps` (a few seconds). The fresh environment gets only the wheel;
its dependencies are borrowed from the test environment through a `.pth` line (a path line in a `.pth` file
does not run that folder's own `.pth` files, so the editable install of acc-mcp there stays invisible), which
keeps the test offline and fast. `scripts/check_install.sh` does the full thing — pip, pipx and uv tool
installs from the wheel with their own dependencies — when a network or package cache is at hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("install")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp / "dist").glob("acc_mcp-*.whl")
    env_dir = tmp / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_wheel_runs_from_a_fresh_environment(installed: Path, tmp_path: Path) -> None:
    bindir = installed / ("Scripts" if sys.platform == "win32" else "bin")
    exe = bindir / "acc-mcp"
    assert exe.is_file()
    where = subprocess.run(
        [str(bindir / "python"), "-c", "import acc_mcp; print(acc_mcp.__file__)"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(installed)), where  # the wheel's copy, not the source tree's
    tools = subprocess.run([str(exe), "tools", "--json"], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "list_issues" in {row["name"] for row in json.loads(tools.stdout)}

    async def over_stdio() -> tuple[list[str], str]:
        async with Client(StdioServerParameters(command=str(exe), args=["demo"], cwd=str(tmp_path))) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            photo = await client.call_tool("search_photos", {"project": "hospital", "limit": 1})
            return names, photo.content[0].text  # type: ignore[union-attr]

    names, text = anyio.run(over_stdio)
    assert "get_review_progress" in names and "photo" in text.lower()
    # `acc-mcp config` from that installation names that installation's executable.
    printed = subprocess.run([str(exe), "config", "cursor", "--demo"], cwd=tmp_path, capture_output=True, text=True)
    assert json.loads(printed.stdout)["mcpServers"]["acc-demo"]["command"] == str(exe)
