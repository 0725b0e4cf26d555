#!/usr/bin/env bash
# Build the Claude Desktop extension bundle (dist/acc-mcp.mcpb) from mcpb/manifest.json and validate it
# with Anthropic's `mcpb` CLI (npm: @anthropic-ai/mcpb; set MCPB=/path/to/mcpb, else npx fetches it).
# The bundle uses the "uv" server type: Claude Desktop runs `uv run server.py` in it, which installs acc-mcp
# and its dependencies from the bundled pyproject.toml — no Python needed on the user's machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mcpb="${MCPB:-npx --yes @anthropic-ai/mcpb}"
stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
cp "$root/mcpb/manifest.json" "$root/mcpb/server.py" "$root/pyproject.toml" "$root/README.md" "$stage/"
cp -r "$root/acc_mcp" "$stage/acc_mcp"
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
$mcpb validate "$stage/manifest.json"
mkdir -p "$root/dist"
$mcpb pack "$stage" "$root/dist/acc-mcp.mcpb"
$mcpb info "$root/dist/acc-mcp.mcpb"
