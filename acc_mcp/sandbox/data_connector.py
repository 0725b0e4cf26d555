"""Placeholder: filled in by the data_connector family work."""

from __future__ import annotations

from starlette.routing import BaseRoute

from .world import World


def seed(world: World) -> None:
    return None


def routes() -> list[BaseRoute]:
    return []
