"""All tools, grouped by ACC family; `select` picks the ones a server exposes."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ConfigError
from . import (
    admin,
    analytics,
    assets,
    data_connector,
    data_connector_jobs,
    documents,
    files,
    forms,
    issues,
    locations,
    photos,
    reviews,
    rfis,
)
from .base import Param, ToolOutput, ToolSpec

ALL_TOOLS: tuple[ToolSpec, ...] = (
    *admin.TOOLS,
    *issues.TOOLS,
    *locations.TOOLS,
    *rfis.TOOLS,
    *reviews.TOOLS,
    *photos.TOOLS,
    *forms.TOOLS,
    *assets.TOOLS,
    *data_connector.TOOLS,
    *data_connector_jobs.TOOLS,
    *documents.TOOLS,
    *files.TOOLS,
    *analytics.TOOLS,
)
TOOLSETS: tuple[str, ...] = tuple(dict.fromkeys(t.toolset for t in ALL_TOOLS))


def select(toolsets: Sequence[str]) -> list[ToolSpec]:
    """`default`, `all`, or toolset names (combinable: `default,forms`). Unknown names are a ConfigError."""
    unknown = [name for name in toolsets if name not in (*TOOLSETS, "default", "all")]
    if unknown:
        raise ConfigError(
            f"ACC_TOOLSETS: unknown toolset {unknown[0]!r}; choose from default, all, {', '.join(TOOLSETS)}"
        )
    wanted = set(toolsets)
    return [t for t in ALL_TOOLS if "all" in wanted or t.toolset in wanted or ("default" in wanted and t.default)]


__all__ = ["ALL_TOOLS", "TOOLSETS", "Param", "ToolOutput", "ToolSpec", "select"]
