"""Child process: serve the sandbox on loopback; print {"account": id} on stdout once the app is built."""

import json
import sys

import uvicorn

from acc_mcp.sandbox import World, build_app

port, large = int(sys.argv[1]), sys.argv[2] == "1"
world = World.build(large=large)
app = build_app(world)
print(json.dumps({"account": world.account_id}), flush=True)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
