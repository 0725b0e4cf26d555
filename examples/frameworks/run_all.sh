#!/usr/bin/env bash
# Run each agent-framework example against `acc-mcp demo`, each framework in its own virtual environment
# (they are heavy, and langchain-mcp-adapters needs mcp<2), with no language model: each example loads
# acc-mcp's tools through the framework and invokes one through the framework's own tool interface.
#
#   examples/frameworks/run_all.sh            # creates examples/frameworks/.venvs/* on first run (a few minutes)
#   ACC_MCP=/abs/path/to/acc-mcp examples/frameworks/run_all.sh
#
# acc-mcp itself runs from its own installation (ACC_MCP, else the `acc-mcp` on PATH): the frameworks'
# environments never import it, they start it over stdio as a client application would.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venvs="${ACC_FRAMEWORK_VENVS:-$here/.venvs}"
export ACC_MCP="${ACC_MCP:-$(command -v acc-mcp)}"
[ -x "$ACC_MCP" ] || { echo "acc-mcp not found: pip install -e . first, or set ACC_MCP" >&2; exit 2; }

run() {  # name, pip requirements…, then the example file last
  local name="$1"; shift
  local example="${*: -1}"; local reqs=("${@:1:$#-1}")
  if [ ! -x "$venvs/$name/bin/python" ]; then
    python3 -m venv "$venvs/$name"
    "$venvs/$name/bin/pip" install -q "${reqs[@]}"
  fi
  echo "=== $name ($("$venvs/$name/bin/python" -c 'import importlib.metadata as m; print("mcp", m.version("mcp"))'))"
  local start=$SECONDS
  "$venvs/$name/bin/python" "$here/$example"
  echo "--- $name ok in $((SECONDS - start)) s"
}

run openai_agents openai-agents openai_agents_example.py
run pydantic_ai "pydantic-ai-slim[mcp]" pydantic_ai_example.py
run langgraph langchain-mcp-adapters langgraph langgraph_example.py
echo "all framework examples passed"
