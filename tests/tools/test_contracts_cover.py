"""The contract tables cover the whole tool surface: every tool the server lists (all toolsets) has a table, and
every parameter of every tool appears in at least one row that passes."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from starlette.applications import Starlette

from acc_mcp.demo import demo_server
from tests.tools.contract import Case

pytestmark = pytest.mark.anyio
GENERIC = {"limit", "cursor", "full"}
MODULES = [
    importlib.import_module(f"tests.tools.{m.name}")
    for m in pkgutil.iter_modules([str(Path(__file__).parent)])
    if m.name.startswith("test_contracts_") and m.name != "test_contracts_cover"
]
"""Every table module: tests/tools/test_contracts_*.py."""


def rows() -> list[tuple[str, set[str], bool]]:
    """(tool, the arguments it is called with, expected to pass) for every row of every table.

    Two table forms: `case(...)` rows (tests/tools/contract.py), and plain tuples `(tool, arguments, …)`.
    """
    out: list[tuple[str, set[str], bool]] = []
    for module in MODULES:
        for value in vars(module).values():
            if not isinstance(value, list):
                continue
            for param in value:
                values = getattr(param, "values", None)  # a pytest.param
                if isinstance(values, tuple) and values and isinstance(values[0], Case):
                    case = values[0]
                    used = set(case.args) | set(case.before or {}) | ({"cursor"} if case.before is not None else set())
                    out.append((case.tool, used, not any(m.name == "xfail" for m in param.marks)))
                elif isinstance(param, tuple) and len(param) > 2 and isinstance(param[1], dict):
                    out.append((str(param[0]), set(param[1]), True))
    return out


async def test_every_tool_and_parameter_has_a_contract_row(sandbox_app: Starlette) -> None:
    async with Client(demo_server({"toolsets": "all"}, app=sandbox_app)) as client:
        tools = {t.name: set(t.input_schema.get("properties", {})) for t in (await client.list_tools()).tools}
    covered: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for tool, used, passing in rows():
        counts[tool] = counts.get(tool, 0) + 1
        if passing:
            covered.setdefault(tool, set()).update(used)
    assert set(counts) == set(tools), f"tools without a table: {set(tools) - set(counts)}"
    # limit, cursor and full are one implementation in the spec kinds' generic runners: a row for each on some
    # tool covers that code; every other parameter is the tool's own and needs a row of its own.
    missing: dict[str, Any] = {name: params - covered.get(name, set()) - GENERIC for name, params in tools.items()}
    assert not any(missing.values()), f"parameters no passing row uses: { {k: v for k, v in missing.items() if v} }"
    used_anywhere = set().union(*covered.values())
    assert used_anywhere >= GENERIC, f"generic parameters no row uses: {GENERIC - used_anywhere}"
    few = {name: n for name, n in counts.items() if n < 3 and len(tools[name] - GENERIC) >= 3}
    assert not few, f"tools with three or more parameters of their own but fewer than three rows: {few}"
