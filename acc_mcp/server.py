"""Builds the MCP server from settings: the selected tools, the read-only gate, and the lifespan that
owns the one pooled API client."""

from __future__ import annotations

import copy
import gc
import re
from collections.abc import AsyncIterator, Callable
from collections.abc import Set as AbstractSet
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, cast

import httpx2
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, InputRequiredResult, TextContent
from mcp.types import Tool as MCPTool
from pydantic import ValidationError

from . import __version__
from .auth import make_provider
from .client import AccClient, TokenProvider
from .config import Settings
from .instructions import instructions
from .prompts import register_prompts
from .responses import clean_download_tree
from .safety import check_tool_arguments, validation_problem
from .tools import ALL_TOOLS, ToolSpec, select
from .tools.base import as_function
from .tools.data_connector_jobs import download_folder
from .tools.runtime import Runtime


class AccServer(MCPServer[Runtime]):
    """An MCPServer that hides write tools in read-only mode and trims schemas for the tool list."""

    def __init__(self, settings: Settings, specs: list[ToolSpec], *, today: date | None = None, **kwargs: Any) -> None:
        text = instructions(specs, today=today, read_only=settings.read_only)
        super().__init__("acc-mcp", version=__version__, instructions=text, **kwargs)
        self.specs = {s.name: s for s in specs}
        self.acc_settings = settings  # read by http_app and the --host check (MCPServer.settings is the SDK's own)
        self.read_only = settings.read_only
        # Every result is searched for names of tools this server does not show. Tool names are single words
        # with an underscore (list_issues): a text without "_" names none, and one with it is split into words
        # once, each looked up in a set, rather than searched name by name (a pattern is the fallback for any
        # other kind of name).
        shown = self.specs.keys() | {t.name for t in select(settings.toolsets)}
        hidden = [t.name for t in ALL_TOOLS if t.name not in shown]
        self._hidden = frozenset(hidden)
        self._hidden_names = (
            None
            if all(_SNAKE.fullmatch(n) for n in hidden)
            else re.compile(rf"\b({'|'.join(map(re.escape, hidden))})\b")
        )

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Runtime, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        # Unknown or invalid arguments: one short sentence naming the parameter, not a pydantic dump.
        if (tool := self._tool_manager.get_tool(name)) is not None:
            check_tool_arguments(name, tool.parameters, arguments)
        elif (hidden := next((s for s in ALL_TOOLS if s.name == name), None)) is not None:
            # A tool of a toolset that is off: say which one, rather than "unknown tool".
            raise ToolError(
                f"{name} is in the {hidden.toolset!r} toolset, which is not on; "
                f"set ACC_TOOLSETS=default,{hidden.toolset} (or all) and restart the server."
            )
        try:
            result = await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if tool is not None and isinstance(exc.__cause__, ValidationError):
                raise ToolError(validation_problem(exc.__cause__, tool.parameters, arguments)) from None
            raise ToolError(self._point(str(exc))) from None
        if isinstance(result, CallToolResult):
            for block in result.content:
                if isinstance(block, TextContent) and (pointed := self._point(block.text)) is not block.text:
                    block.text = pointed
        return result

    def _point(self, text: str) -> str:
        """`text`, plus where each tool it names but this server does not show lives: hints name only tools
        the model can call, or say how to get them."""
        named: AbstractSet[str]
        if self._hidden_names is not None:
            named = set(self._hidden_names.findall(text))
        elif self._hidden and "_" in text:
            named = self._hidden.intersection(_WORD.findall(text))
        else:
            return text
        if not named:
            return text
        notes = [
            f"{s.name} is in the {s.toolset!r} toolset, off here (ACC_TOOLSETS=default,{s.toolset})."
            for s in ALL_TOOLS
            if s.name in named
        ]
        return " ".join([text, *notes]) if notes else text

    async def list_tools(self) -> list[MCPTool]:
        tools = await super().list_tools()
        visible = [t for t in tools if not (self.read_only and self.specs[t.name].write)]
        return [t.model_copy(update={"input_schema": _trim(t.input_schema)}) for t in visible]


_SNAKE = re.compile(r"\w*_\w*")
_WORD = re.compile(r"\w+")
"""A tool name is a whole word of a text: a whole run of word characters (as the pattern `\\bname\\b` finds)."""


def _trim(schema: dict[str, Any]) -> dict[str, Any]:
    """A leaner copy of a tool's input schema: the tool list is context the user pays for on every turn.

    Drops the auto-generated titles (they repeat the names), and writes an optional `X | None` parameter
    as plain `X` without `default: null`: leaving it out already means "no filter".
    """
    out = copy.deepcopy(schema)
    out.pop("title", None)
    for prop in out.get("properties", {}).values():
        prop.pop("title", None)
        options = prop.get("anyOf")
        if isinstance(options, list):
            kept = [o for o in options if o != {"type": "null"}]
            if len(kept) == 1 and len(kept) < len(options):
                del prop["anyOf"]
                prop.update(kept[0])
                if prop.get("default", 0) is None:
                    del prop["default"]
        if prop.get("type") == "array":
            prop.get("items", {}).pop("title", None)
    return out


def _runtime(ctx: Context) -> Runtime:
    return cast(Runtime, ctx.request_context.lifespan_context)


def build_server(
    settings: Settings,
    *,
    tokens: TokenProvider | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    today: Callable[[], date] = date.today,
    now: Callable[[], datetime] | None = None,
) -> AccServer:
    specs = select(settings.toolsets)
    # Chosen now, so a missing setting fails at start-up with one line rather than on the first call.
    provider = tokens or make_provider(settings, transport=transport)

    @asynccontextmanager
    async def lifespan(_server: MCPServer[Runtime]) -> AsyncIterator[Runtime]:
        # A process killed mid-download left a temporary behind: remove it now, not at the next download.
        clean_download_tree(download_folder(settings))
        async with AccClient(settings, provider, transport=transport) as client:
            yield Runtime(settings, client, today=today, clock=now)

    fixed = today() if settings.demo else None  # the demo's dataset is dated around one fixed day
    server = AccServer(settings, specs, today=fixed, lifespan=lifespan, log_level="WARNING")
    for spec in specs:
        server.add_tool(
            as_function(spec, _runtime),
            name=spec.name,
            description=spec.description,
            annotations=spec.annotations,
            structured_output=False,
        )
    register_prompts(server, today=today)  # ecosystem: MCP prompts (acc_mcp/prompts.py)
    return server


def settle() -> None:
    """Tell the garbage collector that everything built so far (modules, schemas, the server) is permanent.

    Called once before serving. A long read (thousands of issues) allocates enough to set off full
    collections; without this each one rescans the few hundred thousand objects of start-up as well.
    No collection first: it would cost ~50 ms of start-up to free a little start-up garbage.
    """
    gc.freeze()
