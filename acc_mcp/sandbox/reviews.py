"""Placeholder: filled in by the reviews family work."""

from __future__ import annotations

from starlette.routing import BaseRoute

from .world import World


def seed(world: World) -> None:
    return None


def routes() -> list[BaseRoute]:
    return []
