"""Spec kinds: a list tool and a get tool declared as data, each with a generic `run`.

    ListSpec(name="list_issues", endpoint="issues.issues.list", view=ISSUE, noun="issues",
             params=[Param("status", list[Status] | None, "Any of these.", None, to="filter[status]"), ...])

A spec names a registry endpoint; its parameters say where each argument goes upstream (`Param.to`) and how
it is converted (`Param.via`: a person's name to an id, a date range checked). The project parameter is added
when the endpoint's path has one; limit and cursor for lists, `full` for records. Every upstream name a spec
uses is checked against the registry when the spec is built, so a typo fails at import, not in front of a
model. The endpoints a tool calls — its own, its name lookups, its reference resolvers — are derived here.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mcp.types import ContentBlock

from ..endpoints import Endpoint, endpoint
from ..errors import UpstreamError
from ..views import View
from .base import SPREAD, Param, Run, ToolOutput, ToolSpec
from .counts import Getter, Source, run_counts
from .fanout import PROJECTS, gather, many, projects, run_fanout, single
from .listing import CURSOR, FULL, PROJECT, check_limit, limit_param, run_list, run_record
from .lookups import Names, names
from .overdue import OVERDUE, OverdueRule
from .refs import Ref, resolve
from .runtime import Runtime, Scope, paging_of

if TYPE_CHECKING:
    from ..paging import Call

PROJECT_LOOKUP = "admin.projects.list"
"""A project may be named instead of quoted by id: resolving the name lists the account's projects."""
Attach = Callable[[Runtime, dict[str, Any], dict[str, Any]], Awaitable[tuple[list[ContentBlock], str | None]]]
"""(runtime, record, arguments) → content to add after the text, and a note for the text."""


def _scoped(ep: Endpoint) -> tuple[bool, bool]:
    """Whether the path takes a project, and whether it takes an account."""
    names_ = {p.replace("_", "").lower() for p in ep.placeholders}
    return "projectid" in names_, "accountid" in names_


def _check(spec: str, params: Sequence[Param], fixed: Mapping[str, Any], eps: Sequence[Endpoint]) -> None:
    """Every upstream name a spec writes must be one the registry lists for one of its endpoints."""
    known = {n for ep in eps for n in (*ep.query, *ep.body, *(f"{{{p}}}" for p in ep.placeholders))}
    for name in [*(p.to for p in params if p.to and p.to != SPREAD), *fixed]:
        if name.split(".")[0] not in known:
            raise ValueError(f"{spec}: {name!r} is not a parameter of {', '.join(e.key for e in eps)}")


def _calls(eps: Sequence[Endpoint], params: Sequence[Param], sources: Sequence[Names], ref: Ref | None) -> list[str]:
    project = any(_scoped(ep)[0] for ep in eps)
    keys = [*(ep.key for ep in eps), *(ref.calls if ref else ()), *([PROJECT_LOOKUP] if project else [])]
    keys += [k for p in params if p.via for k in p.via.calls] + [k for s in sources for k in s.calls]
    return list(dict.fromkeys(keys))


def _split(fixed: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """A spec's fixed values as (path ids, upstream values): worked out once per spec, not per call."""
    return {k[1:-1]: str(v) for k, v in fixed.items() if k.startswith("{")}, {
        k: v for k, v in fixed.items() if not k.startswith("{")
    }


async def _request(
    rt: Runtime,
    scope: Scope,
    ep: Endpoint,
    params: Sequence[Param],
    fixed: tuple[dict[str, str], dict[str, Any]],
    args: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, str]]:
    """(query, JSON body or None, path ids) for one call, from the fixed values (`_split`) then the arguments."""
    post = ep.method == "POST"
    ids = dict(fixed[0])
    query: dict[str, Any] = {} if post else dict(fixed[1])
    body: dict[str, Any] = copy.deepcopy(fixed[1]) if post else {}
    for p in params:
        value = args.get(p.name)
        if p.to is None or value is None or value == [] or value == "":
            continue
        if p.via is not None:
            value = await p.via.convert(rt, scope, p.name, value)
            if value is None:
                continue
        if p.to == SPREAD:
            (body if post else query).update(value)
        elif p.to.startswith("{"):
            ids[p.to[1:-1]] = str(value)
        elif post:
            *parents, last = p.to.split(".")
            node = body
            for key in parents:
                node = node.setdefault(key, {})
            node[last] = value
        else:
            query[p.to] = value
    return query, (body if post else None), ids


@dataclass(frozen=True)
class ListSpec:
    """A list tool: one page of an endpoint's list, filtered by the arguments, rendered with `view`."""

    name: str
    description: str
    toolset: str
    endpoint: str
    view: View
    noun: str
    params: Sequence[Param] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Upstream values always sent (a default sort, the fields a view needs, `{treeId}`: a path id); an argument
    overrides them."""
    names: Sequence[Names] = ()
    routes: Mapping[str, str] = field(default_factory=dict)
    """Argument name → the endpoint used instead when it is given (a request's jobs, not the account's)."""
    views: Mapping[str, View] = field(default_factory=dict)
    """Argument name → the view used instead when it is given (emails when a person is looked up by name)."""
    nouns: Mapping[str, str] = field(default_factory=dict)
    """Argument name → the noun used instead when it is given (a package's files, not packages)."""
    group: str | None = None
    limit: int | None = 25
    """The default number of items; None: no `limit` parameter (a short list: 25 a page)."""
    maximum: int = 200
    default: bool = False
    not_found: str = "Call list_projects for the project id."
    fan_out: bool = False
    """No project, "all" or several: read each project concurrently (tools/fanout.py)."""
    group_keys: Mapping[str, Getter | None] = field(default_factory=dict)
    """Offer `group_by`: key → how to read it from a record (None: the view's field of that name); see
    tools/counts.py. `project` is added when the spec fans out."""
    overdue: OverdueRule | None = None
    """Offer `overdue`: where the due-date and status filters go, and which statuses can be overdue."""

    def tool(self) -> ToolSpec:
        eps = [endpoint(self.endpoint), *(endpoint(k) for k in self.routes.values())]
        _check(self.name, self.params, self.fixed, eps)
        project = _scoped(eps[0])[0]
        limit = [limit_param(self.limit, self.maximum)] if self.limit else []
        keys = {**self.group_keys, **({"project": None} if self.fan_out else {})}
        extra = [
            *([OVERDUE] if self.overdue else []),
            *([Param("group_by", Literal[tuple(keys)] | None, "Count all matches by this.", None)] if keys else []),
        ]
        where = [PROJECTS if self.fan_out else PROJECT] if project else []
        params = [*where, *self.params, *extra, *limit, CURSOR]
        fixed = _split(self.fixed)
        accounts = {ep.key: _scoped(ep)[1] for ep in eps}  # whether each path takes the account, once

        async def run(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
            key = next((k for p, k in self.routes.items() if args.get(p) is not None), self.endpoint)
            ep = endpoint(key)
            view = next((v for p, v in self.views.items() if args.get(p)), self.view)

            async def request(project: str | None) -> tuple[Call, Mapping[str, str]]:
                scope = await rt.scope(project, account=accounts[key])
                query, body, ids = await _request(rt, scope, ep, self.params, fixed, args)
                if self.overdue is not None and args.get("overdue"):
                    self.overdue.apply(query, body, rt.today())
                call = rt.call(key, scope, params=query, json=body, ids=ids)
                return call, (await names(rt, scope, self.names)) if self.names else {}

            by = args.get("group_by")

            async def count(sources: list[Source], failed: Sequence[str] = ()) -> ToolOutput:
                return await run_counts(
                    rt.read,
                    sources,
                    paging=paging_of(ep),
                    view=view,
                    noun=self.noun,
                    key=str(by),
                    getter=keys[str(by)],
                    today=rt.today(),
                    failed=failed,
                )

            if self.fan_out and many(args.get("project")):
                items = await projects(rt, args.get("project"))
                if by:
                    got, failed = await gather(items, lambda pid, _name: request(pid))
                    sources = [Source(n, c, m) for n, (c, m) in got.items()]
                    return await count(sources, failed)
                limit = check_limit(args, self.maximum)
                return await run_fanout(
                    rt, items=items, request=request, paging=paging_of(ep), view=view, noun=self.noun, limit=limit
                )
            call, found = await request(single(args.get("project")) if self.fan_out else args.get("project"))
            if by:
                # Counts of one project say which (the header of a count over several names how many).
                named = (await projects(rt, args["project"]))[0][1] if args.get("project") is not None else None
                return await count([Source(named, call, found)])
            return await run_list(
                rt,
                args,
                tool=self.name,
                paging=paging_of(ep),
                call=call,
                view=view,
                noun=next((n for p, n in self.nouns.items() if args.get(p)), self.noun),
                names=found,
                maximum=self.maximum,
                group=self.group,
                as_of=self.overdue is not None,
            )

        return _tool(self, params, run, _calls(eps, self.params, self.names, None))


@dataclass(frozen=True)
class GetSpec:
    """A get tool: one record, found by `ref` (a number, name, prefix or id), rendered with `view`."""

    name: str
    description: str
    toolset: str
    endpoint: str
    view: View
    header: Callable[[dict[str, Any]], str]
    ref: Ref | None = None
    ref_param: Param | None = None
    """The argument `ref` reads (e.g. `Param("issue", int | str, "Number or id.")`)."""
    params: Sequence[Param] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    names: Sequence[Names] = ()
    full: bool = True
    """Offer `full=true`: every field of the record."""
    attach: Attach | None = None
    also: Sequence[str] = ()
    """Registry keys `attach` calls (an issue's comments), so the tool's endpoint list stays exact."""
    default: bool = False
    not_found: str = "Call list_projects for the project id."

    def tool(self) -> ToolSpec:
        ep = endpoint(self.endpoint)
        _check(self.name, self.params, self.fixed, [ep])
        project, account = _scoped(ep)
        ref_params = [self.ref_param] if self.ref_param else []
        params = [*([PROJECT] if project else []), *ref_params, *self.params, *([FULL] if self.full else [])]
        fixed = _split(self.fixed)

        async def run(rt: Runtime, args: dict[str, Any]) -> ToolOutput:
            scope = await rt.scope(args.get("project"), account=account)
            query, _body, ids = await _request(rt, scope, ep, self.params, fixed, args)
            record: Any = None
            if self.ref is not None and self.ref_param is not None:
                found = await resolve(rt, scope, self.ref, args[self.ref_param.name])
                ids[self.ref.placeholder], record = found.id, found.record
            if record is None:
                record = await rt.read(rt.call(self.endpoint, scope, params=query, ids=ids))
            if not isinstance(record, dict):
                raise UpstreamError(f"ACC answered {self.endpoint} with something that is not a record.")
            extra, note = await self.attach(rt, record, args) if self.attach else ([], None)
            out = await run_record(
                rt,
                record,
                header=self.header(record),
                view=self.view,
                full=bool(args.get("full")),
                names=await names(rt, scope, self.names),
                note=note,
            )
            out.extra = extra
            return out

        calls = _calls([ep], self.params, self.names, self.ref)
        return _tool(self, params, run, list(dict.fromkeys([*calls, *self.also])))


def _tool(spec: ListSpec | GetSpec, params: list[Param], run: Run, calls: list[str]) -> ToolSpec:
    return ToolSpec(
        name=spec.name,
        description=spec.description,
        toolset=spec.toolset,
        params=params,
        run=run,
        calls=calls,
        default=spec.default,
        not_found=spec.not_found,
    )


def tools(*specs: ListSpec | GetSpec | ToolSpec) -> list[ToolSpec]:
    """A family's tools, in the order a model should see them."""
    return [s if isinstance(s, ToolSpec) else s.tool() for s in specs]
