"""The sandbox is written from the reference alone: it imports nothing from the client side."""

from __future__ import annotations

import ast
from pathlib import Path

import acc_mcp.sandbox

FORBIDDEN = ("acc_mcp.client", "acc_mcp.tools", "acc_mcp.render", "acc_mcp.paging")
"""`acc_mcp.endpoints` is allowed: mechanical facts (method, path, paging style, limits) from the reference."""


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = "acc_mcp" if node.level == 2 else "acc_mcp.sandbox" if node.level == 1 else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return names


def test_sandbox_imports_nothing_from_the_client_side() -> None:
    folder = Path(acc_mcp.sandbox.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert len(modules) > 20
    for module in modules:
        bad = sorted(n for n in _imports(module) if n.startswith(FORBIDDEN))
        assert not bad, f"{module.name} imports {bad}"
    assert "acc_mcp.endpoints.endpoint" in _imports(folder / "engine.py")  # the check sees relative imports


def test_no_sandbox_module_is_over_400_lines() -> None:
    folder = Path(acc_mcp.sandbox.__file__).parent
    sizes = {m.name: len(m.read_text().splitlines()) for m in folder.glob("*.py")}
    assert max(sizes.values()) <= 400, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
