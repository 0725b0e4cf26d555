"""Ask the demo server one tool call through a real MCP client: `python scripts/ask.py TOOL '{"k": "v"}'`.

For trying tools the way a model would (the "play the model" check): prints the text result, or the error.
"""

from __future__ import annotations

import json
import signal
import sys

import anyio
from mcp import Client

from acc_mcp.demo import demo_server


async def main(tool: str, raw: str) -> int:
    async with Client(demo_server()) as client:
        if tool == "tools/list":
            tools = await client.list_tools()
            print(json.dumps([t.model_dump(by_alias=True, exclude_none=True, mode="json") for t in tools.tools]))
            return 0
        result = await client.call_tool(tool, json.loads(raw or "{}"))
    print(("ERROR: " if result.is_error else "") + "\n".join(getattr(b, "text", f"[{b.type}]") for b in result.content))
    return 1 if result.is_error else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` is fine
    sys.exit(anyio.run(main, sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"))
