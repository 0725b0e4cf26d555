"""pydantic-ai: acc-mcp as an MCP toolset, one tool invoked with no model (a scripted call).

    ACC_MCP=/path/to/acc-mcp python pydantic_ai_example.py      # pip install "pydantic-ai-slim[mcp]"

A real agent would be `Agent("openai:gpt-5", toolsets=[acc]).run("…")`; here the toolset is asked for its
tools and one is called through the toolset interface the agent uses.
"""

import asyncio
import os

from fastmcp.client.transports import StdioTransport
from pydantic_ai import RunContext
from pydantic_ai.mcp import MCPToolset
from pydantic_ai.models.test import TestModel
from pydantic_ai.usage import RunUsage


async def main() -> None:
    acc = MCPToolset(StdioTransport(os.environ.get("ACC_MCP", "acc-mcp"), ["demo"]))
    async with acc:
        ctx = RunContext(deps=None, model=TestModel(), usage=RunUsage())
        tools = await acc.get_tools(ctx)
        print(f"pydantic-ai: {len(tools)} tools from acc-mcp: {', '.join(sorted(tools))}")
        args = {"project": "hospital", "review": "Level 3 Structural"}
        print(await acc.call_tool("get_review_progress", args, ctx, tools["get_review_progress"]))


if __name__ == "__main__":
    asyncio.run(main())
