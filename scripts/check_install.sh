#!/usr/bin/env bash
# Install acc-mcp the ways the docs describe — pip into a fresh venv, `pipx install`, `uv tool install` — from
# a wheel built from this checkout, each into its own throw-away home, and run the demo's tool list from
# each. Unlike tests/test_install.py (offline, borrows dependencies), this resolves the dependencies from the
# package index like a user's machine does, so it needs the index (or a local mirror/cache).
#
#   scripts/check_install.sh          # pipx and uv are taken from PATH, else installed into a scratch venv
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
py="${PYTHON:-python3}"

echo "== build the wheel"
"$py" -m pip wheel -q --no-deps -w "$work/dist" "$root"
wheel="$(ls "$work"/dist/acc_mcp-*.whl)"; echo "   $(basename "$wheel")"

check() {  # label, path to the installed acc-mcp
  local n; n="$(cd "$work" && "$2" tools --json | "$py" -c 'import json,sys; print(len(json.load(sys.stdin)))')"
  echo "   $1: $2 → $n tools"
  [ "$n" -gt 0 ]
}

echo "== pip into a fresh venv"
"$py" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
check pip "$work/venv/bin/acc-mcp"

tools="$work/tools"
if ! command -v pipx >/dev/null || ! command -v uv >/dev/null; then
  "$py" -m venv "$tools" && "$tools/bin/pip" install -q pipx uv
fi
PATH="$PATH:$tools/bin"

echo "== pipx install"
PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/pipx/bin" pipx install -q "$wheel" >/dev/null
check pipx "$work/pipx/bin/acc-mcp"

echo "== uv tool install"
UV_TOOL_DIR="$work/uv/tools" UV_TOOL_BIN_DIR="$work/uv/bin" UV_CACHE_DIR="$work/uv/cache" \
  uv tool install -q "$wheel" ${UV_EXTRA_ARGS:-}
check uv "$work/uv/bin/acc-mcp"
echo "all install paths work"
