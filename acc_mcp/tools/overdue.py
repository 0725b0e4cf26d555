"""The `overdue` filter, declared once per list spec: due before today and in a status where that matters.

"Today" is the runtime's (the demo's fixed day in the sandbox), and every list header states it, so the model
and the user judge "overdue" against the same date. Due today is not overdue; a closed item never is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..errors import InvalidInput
from .base import Param

OVERDUE = Param("overdue", bool, "Due before today, not done.", False)


@dataclass(frozen=True)
class OverdueRule:
    """Where the due-date range and the status filter go upstream, and the statuses that can be overdue."""

    due: str
    """Upstream key of the due-date range filter (`filter[dueDate]`, or a body path `filter.dueDate`)."""
    status: str
    open: Sequence[str]

    def apply(self, query: dict[str, Any], body: dict[str, Any] | None, today: date) -> None:
        """Narrow one request to overdue items: due on or before yesterday, in one of the open statuses
        (intersected with any status the caller asked for)."""
        target = body if body is not None else query
        wanted = _get(target, self.status)
        asked = [wanted] if isinstance(wanted, str) else list(wanted or [])
        statuses = [s for s in asked if s in self.open] if asked else list(self.open)
        if not statuses:
            raise InvalidInput(f"overdue: only {', '.join(self.open)} items can be overdue; drop status or overdue.")
        _set(target, self.status, statuses)
        _set(target, self.due, f"..{today - timedelta(days=1)}")


def _get(target: dict[str, Any], path: str) -> Any:
    node: Any = target
    for part in path.split(".") if "[" not in path else [path]:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _set(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".") if "[" not in path else [path]
    node = target
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
