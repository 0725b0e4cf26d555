"""OpenAI Agents SDK: acc-mcp's tools as an agent's tools, one invoked with no model (a scripted call).

    ACC_MCP=/path/to/acc-mcp python openai_agents_example.py      # pip install openai-agents

A real agent would run `Runner.run(agent, "Which hospital issues are overdue?")` with a model; here the
agent's own FunctionTool is invoked directly, the way the Runner does after the model picks it.
"""

import asyncio
import json
import os

from agents import Agent, RunContextWrapper
from agents.mcp import MCPServerStdio
from agents.tool_context import ToolContext


async def main() -> None:
    command = os.environ.get("ACC_MCP", "acc-mcp")
    async with MCPServerStdio(name="acc", params={"command": command, "args": ["demo"]}) as acc:
        agent = Agent(name="ACC assistant", instructions="Answer with ACC data.", mcp_servers=[acc])
        tools = {t.name: t for t in await agent.get_all_tools(RunContextWrapper(context=None))}
        print(f"openai-agents: {len(tools)} tools from acc-mcp: {', '.join(sorted(tools))}")
        arguments = json.dumps({"project": "hospital", "status": ["open"], "limit": 3})
        context = ToolContext(context=None, tool_name="list_issues", tool_call_id="call-1", tool_arguments=arguments)
        result = await tools["list_issues"].on_invoke_tool(context, arguments)  # type: ignore[attr-defined]
        item = json.loads(result) if isinstance(result, str) and result.startswith("{") else result
        print(item["text"] if isinstance(item, dict) and "text" in item else item)


if __name__ == "__main__":
    asyncio.run(main())
