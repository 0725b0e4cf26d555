"""The ACC sandbox: a local emulation of the ACC APIs over a deterministic dataset."""

from .app import SANDBOX_TOKEN, Controls, Fault, IssuedToken, build_app
from .auth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_PUBLIC_CLIENT_ID, auth_state, sandbox_user
from .world import World

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_PUBLIC_CLIENT_ID",
    "SANDBOX_TOKEN",
    "Controls",
    "Fault",
    "IssuedToken",
    "World",
    "auth_state",
    "build_app",
    "sandbox_user",
]
