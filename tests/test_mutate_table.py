"""The planted-bug table (scripts/mutants.py, run by scripts/mutate.py) still applies to the code, so a refactor
that moves a mutant's text fails here (in seconds) instead of when someone next runs the mutation check (in
minutes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _mutate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutate_script", ROOT / "scripts" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_every_mutant_applies_exactly_once() -> None:
    mutate = _mutate()
    assert mutate.check_table(mutate.MUTANTS) == []
    assert len(mutate.MUTANTS) >= 60
