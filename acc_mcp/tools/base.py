"""What a tool is, and how it becomes an MCP tool.

A `ToolSpec` names the tool's parameters (type, description, default, and where each goes upstream), the
registry endpoints it calls, its toolset and whether it writes; `run` does the work with a `Runtime` and the
validated arguments and returns a `ToolOutput`. Family modules rarely write a ToolSpec by hand: `ListSpec`
and `GetSpec` (tools/spec.py) build one with a generic `run`. `as_function` gives the SDK a function whose
signature is built from the parameters, so the SDK validates arguments and publishes the JSON schema;
`AccError`s become `ToolError` text the model can act on.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ContentBlock, TextContent, ToolAnnotations
from pydantic import Field

from ..auth.providers import request_token
from ..deadline import tool_call
from ..endpoints import endpoint
from ..safety import tool_error_text
from .forgive import forgiving
from .runtime import one_call

if TYPE_CHECKING:
    from .runtime import Runtime, Scope

REQUIRED: Any = inspect.Parameter.empty
SPREAD = "*"
"""A `Param.to` whose converter returns several upstream keys at once (a dict)."""


@dataclass(frozen=True)
class Via:
    """How a tool argument becomes an upstream value (`convert(rt, scope, param name, value)`), and the
    registry endpoints that takes (a name lookup, say)."""

    convert: Callable[[Runtime, Scope, str, Any], Awaitable[Any]]
    calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    name: str
    type: Any
    description: str
    default: Any = REQUIRED
    to: str | None = None
    """Where the value goes upstream: a query key (`filter[status]`), a body path for a POST (`filter.status`),
    a path placeholder (`{requestId}`), or SPREAD. None: the tool reads it itself."""
    via: Via | None = None


@dataclass
class ToolOutput:
    text: str
    structured: dict[str, Any] | None = None
    extra: list[ContentBlock] = field(default_factory=list)
    """More content after the text (an image, say)."""


Args = dict[str, Any]
Run = Callable[["Runtime", Args], Awaitable[ToolOutput]]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    toolset: str
    params: Sequence[Param]
    run: Run
    calls: Sequence[str]
    """Registry keys of every endpoint the tool may call, name lookups included."""
    default: bool = False
    """Part of the `default` toolset."""
    write: bool = False
    destructive: bool = False
    idempotent: bool = False
    """A write that, repeated with the same arguments, changes nothing more (an update that sets values)."""
    writes_when: str | None = None
    """The argument that makes this read tool write (load_data's `new`): clients are told it is not read-only,
    while the tool stays listed in read-only mode and refuses only that argument itself."""
    not_found: str = "Check the ids you passed."
    """What to do after a 404: which lookup tool finds valid ids."""

    @property
    def endpoints(self) -> list[str]:
        """ "METHOD /path" of each ACC endpoint the tool calls (shown by `acc-mcp tools`)."""
        return [str(endpoint(key)) for key in self.calls]

    @property
    def annotations(self) -> ToolAnnotations:
        # No title: clients fall back to the name, and every token here is paid on every turn.
        writes = self.write or self.writes_when is not None
        return ToolAnnotations(
            read_only_hint=not writes,
            destructive_hint=self.destructive if writes else None,
            idempotent_hint=self.idempotent or not writes,
            open_world_hint=True,
        )


_ANNOTATIONS: dict[tuple[int, str], tuple[Any, Any]] = {}
"""(id of a parameter type, description) → (that type, its annotation): a parameter shared by many tools (project,
cursor, limit, …) is annotated once at start-up. Keyed by identity, as equal unions and Literals may differ in
order; the type is kept in the value so that its id stays its own."""


def _annotation(p: Param) -> Any:
    key = (id(p.type), p.description)
    if (known := _ANNOTATIONS.get(key)) is None:
        annotation = Annotated[forgiving(p.type), Field(description=p.description)]  # type: ignore[valid-type]
        known = _ANNOTATIONS[key] = (p.type, annotation)
    return known[1]


def as_function(spec: ToolSpec, runtime_of: Callable[[Context], Runtime]) -> Callable[..., Awaitable[CallToolResult]]:
    """A function the SDK can register: typed keyword parameters from the spec, plus the context."""

    async def tool(ctx: Context, **arguments: Any) -> CallToolResult:
        runtime = runtime_of(ctx)
        if spec.write and runtime.settings.read_only:
            raise ToolError(
                f"{spec.name} changes data in ACC and this server runs read-only (ACC_READ_ONLY=true). "
                "Ask the user to enable writes if this change is intended."
            )
        # With passthrough (HTTP, many users) the call runs with its own request's token and caches.
        authorization = (ctx.headers or {}).get("authorization") if runtime.settings.auth_passthrough else None
        limit = runtime.settings.call_timeout
        try:
            # One overall deadline for the call (retries and Retry-After included), progress on long waits.
            with (
                request_token(authorization),
                tool_call(limit, lambda n, m: ctx.report_progress(n, None, m)),
                one_call(),
            ):
                out = await spec.run(runtime, arguments)
        except Exception as exc:
            raise ToolError(tool_error_text(spec.name, exc, spec.not_found, limit)) from None
        content: list[ContentBlock] = [TextContent(type="text", text=out.text), *out.extra]
        return CallToolResult(content=content, structured_content=out.structured)

    parameters = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)]
    for p in spec.params:
        parameters.append(
            inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(p), default=p.default)
        )
    tool.__signature__ = inspect.Signature(parameters, return_annotation=CallToolResult)  # type: ignore[attr-defined]
    tool.__annotations__ = {"ctx": Context, "return": CallToolResult}
    tool.__name__ = spec.name
    tool.__doc__ = spec.description
    return tool
