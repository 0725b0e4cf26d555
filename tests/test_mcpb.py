"""The Claude Desktop extension manifest stays in step with the package (scripts/build_mcpb.sh validates it
with Anthropic's mcpb CLI and packs it)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import anyio
from mcp import Client

from acc_mcp import __version__
from acc_mcp.demo import demo_server

ROOT = Path(__file__).resolve().parents[1]


def test_manifest_matches_the_package() -> None:
    manifest = json.loads((ROOT / "mcpb" / "manifest.json").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert manifest["manifest_version"] == "0.4" and manifest["server"]["type"] == "uv"
    assert manifest["version"] == project["version"] == __version__
    assert manifest["license"] == project["license"]
    assert (ROOT / "mcpb" / manifest["server"]["entry_point"]).is_file()
    env = manifest["server"]["mcp_config"]["env"]
    assert all(v.removeprefix("${user_config.").removesuffix("}") in manifest["user_config"] for v in env.values())

    async def default_tools() -> list[str]:
        async with Client(demo_server()) as client:
            return [t.name for t in (await client.list_tools()).tools]

    assert [t["name"] for t in manifest["tools"]] == anyio.run(default_tools)
