"""The ACC sandbox: a local emulation of the ACC APIs over a deterministic dataset."""

from .app import SANDBOX_TOKEN, Controls, Fault, build_app
from .world import World

__all__ = ["SANDBOX_TOKEN", "Controls", "Fault", "World", "build_app"]
