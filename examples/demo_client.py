"""Drive the demo server with the MCP SDK's client: list the tools, then ask two questions.

    python examples/demo_client.py

Starts `acc-mcp demo` as a subprocess over stdio, exactly as Claude Desktop would.
"""

from __future__ import annotations

import sys

import anyio
from mcp import Client, StdioServerParameters


async def main() -> None:
    server = StdioServerParameters(command=sys.executable, args=["-m", "acc_mcp", "demo"])
    async with Client(server) as client:
        tools = await client.list_tools()
        print(f"{len(tools.tools)} tools:", ", ".join(t.name for t in tools.tools))

        projects = await client.call_tool("list_projects", {})
        print(projects.content[0].text)  # type: ignore[union-attr]

        progress = await client.call_tool(
            "get_review_progress", {"project": "hospital", "review": "Level 3 Structural"}
        )
        print(progress.content[0].text)  # type: ignore[union-attr]


if __name__ == "__main__":
    anyio.run(main)
