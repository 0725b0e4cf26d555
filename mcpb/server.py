"""Entry point of the Claude Desktop extension bundle: `uv run server.py` in the unpacked bundle."""

from acc_mcp.cli import main

raise SystemExit(main(["serve"]))
