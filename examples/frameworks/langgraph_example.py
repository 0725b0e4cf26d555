"""LangChain / LangGraph: acc-mcp's tools through langchain-mcp-adapters, run by a LangGraph ToolNode with
no model (the tool call a model would make is scripted).

    ACC_MCP=/path/to/acc-mcp python langgraph_example.py      # pip install langchain-mcp-adapters langgraph

langchain-mcp-adapters still requires mcp<2, so it lives in its own environment and talks to acc-mcp (mcp 2)
over stdio, the way deployments run it anyway.
"""

import asyncio
import os

from langchain_core.messages import AIMessage
from langchain_mcp_adapters.client import MultiServerMCPClient
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode


async def main() -> None:
    client = MultiServerMCPClient(
        {"acc": {"transport": "stdio", "command": os.environ.get("ACC_MCP", "acc-mcp"), "args": ["demo"]}}
    )
    tools = await client.get_tools()
    print(f"langchain-mcp-adapters: {len(tools)} tools from acc-mcp: {', '.join(sorted(t.name for t in tools))}")
    search = next(t for t in tools if t.name == "search_rfis")
    print(await search.ainvoke({"project": "hospital", "status": ["open"], "limit": 3}))

    # The same tools in a LangGraph graph: its ToolNode executes the call a model would have made.
    graph = StateGraph(MessagesState)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "tools")
    graph.add_edge("tools", END)
    call = {"name": "list_reviews", "args": {"project": "hospital", "status": "OPEN", "limit": 3}, "id": "call-1"}
    state = await graph.compile().ainvoke({"messages": [AIMessage(content="", tool_calls=[call])]})
    print(state["messages"][-1].content)


if __name__ == "__main__":
    asyncio.run(main())
