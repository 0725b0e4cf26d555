"""Settings from the environment and command-line flags.

Every value is checked when the server starts, so a typo in `ACC_REGION` or `ACC_TOOLSETS` fails at once
with one clear line instead of surfacing later as a confusing tool error. Secrets are `SecretStr` so that
a settings object never prints a token.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .errors import ConfigError

APS_HOST = "https://developer.api.autodesk.com"
REGIONS = ("US", "EMEA", "AUS", "CAN", "DEU", "IND", "JPN", "GBR")
Region = Literal["US", "EMEA", "AUS", "CAN", "DEU", "IND", "JPN", "GBR"]

ENV_VARS: dict[str, str] = {
    "ACC_BASE_URL": "base_url",
    "APS_ACCESS_TOKEN": "access_token",
    "APS_CLIENT_ID": "client_id",
    "APS_CLIENT_SECRET": "client_secret",
    "ACC_ACCOUNT_ID": "account_id",
    "ACC_REGION": "region",
    "ACC_TOOLSETS": "toolsets",
    "ACC_READ_ONLY": "read_only",
    "ACC_MAX_RESULT_TOKENS": "max_result_tokens",
    "ACC_TIMEOUT": "timeout",
    "ACC_CALL_TIMEOUT": "call_timeout",
    "ACC_ALLOW_REMOTE": "allow_remote",
    "APS_AUTH_MODE": "auth_mode",
    "APS_SCOPES": "scopes",
    "APS_CALLBACK_URL": "callback_url",
    "APS_SSA_ID": "ssa_id",
    "APS_SSA_KEY_ID": "ssa_key_id",
    "APS_SSA_PRIVATE_KEY": "ssa_private_key",
    "APS_SSA_PRIVATE_KEY_FILE": "ssa_private_key_file",
    "ACC_TOKEN_STORE": "token_store",
    "ACC_TOKEN_STORE_DIR": "token_store_dir",
    "ACC_AUTH_PASSTHROUGH": "auth_passthrough",
    "ACC_DOWNLOAD_DIR": "download_dir",
    "ACC_ANALYTICS_DIR": "analytics_dir",
    "ACC_QUERY_TIMEOUT": "query_timeout",
}
DEFAULT_SCOPES = "data:read data:write data:create account:read"
DEFAULT_CALLBACK = "http://127.0.0.1:8910/callback"
DEFAULT_CALL_TIMEOUT = 45.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
AuthMode = Literal["auto", "token", "3lo", "2lo", "ssa"]
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def is_loopback(host: str | None) -> bool:
    """True for a name or address that can only mean this machine."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseModel):
    """What the server needs to know; build with `Settings.load()`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = APS_HOST
    access_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    account_id: str | None = None
    region: Region = "US"
    toolsets: tuple[str, ...] = ("default",)
    read_only: bool = False
    max_result_tokens: int = Field(default=4000, ge=500, le=20000)
    timeout: float = Field(default=30.0, gt=0, le=600)
    """Seconds one HTTP request may take."""
    call_timeout: float = Field(default=DEFAULT_CALL_TIMEOUT, gt=0, le=600)
    """Seconds one whole tool call may take, retries and Retry-After waits included (ACC_CALL_TIMEOUT).

    Below the usual client time-out (60 s in the MCP SDKs), so the model gets an answer it can act on
    instead of the client giving up on a call that is still running.
    """
    allow_remote: bool = False
    """Serve HTTP on a non-loopback address without authentication (ACC_ALLOW_REMOTE): off unless asked."""
    demo: bool = False
    """Serve against the in-process sandbox instead of APS."""
    auth_mode: AuthMode = "auto"
    """How to sign in; `auto` picks from what is configured (see `acc_mcp.auth.choose_mode`)."""
    scopes: str = DEFAULT_SCOPES
    callback_url: str = DEFAULT_CALLBACK
    """The app's registered callback URL; `acc-mcp login` listens on its port on 127.0.0.1."""
    ssa_id: str | None = None
    ssa_key_id: str | None = None
    ssa_private_key: SecretStr | None = None
    ssa_private_key_file: str | None = None
    token_store: Literal["file", "keyring"] = "file"
    token_store_dir: str | None = None
    auth_passthrough: bool = False
    """HTTP transport only: use each request's `Authorization: Bearer` APS token instead of a stored one."""
    download_dir: str | None = None
    """Where downloaded files are saved (ACC_DOWNLOAD_DIR); None: a per-user cache folder (platformdirs)."""
    analytics_dir: str | None = None
    """Where loaded Data Connector extracts are kept (ACC_ANALYTICS_DIR; default: the per-user data folder)."""
    query_timeout: float = Field(default=10.0, gt=0, le=300)
    """Seconds one query_data query may run before it is interrupted (ACC_QUERY_TIMEOUT)."""

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local sandbox)")
        parts = urlsplit(value)
        if not parts.hostname:
            raise ValueError("must be a URL with a host, e.g. https://developer.api.autodesk.com")
        # Plain http would carry the bearer token in clear text: only to this machine (a local sandbox).
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise ValueError("plain http:// is only allowed for a loopback host (127.0.0.1, localhost); use https://")
        return value.rstrip("/")

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        # Hub ids ("b.<uuid>") are accepted wherever an account id is.
        return value.strip().removeprefix("b.") or None if value else None

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("toolsets", mode="before")
    @classmethod
    def _toolsets(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip().lower() for part in value.split(",") if part.strip()]
        return tuple(value) or ("default",)

    @field_validator("auth_mode", "token_store", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: str) -> str:
        scopes = value.replace(",", " ").split()
        if not scopes:
            raise ValueError("give at least one scope, e.g. data:read")
        return " ".join(scopes)

    @field_validator("callback_url")
    @classmethod
    def _callback(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or not parts.port:
            raise ValueError("must be a loopback URL with a port, e.g. http://127.0.0.1:8910/callback")
        return value

    @field_validator("read_only", "auth_passthrough", "allow_remote", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        if isinstance(value, str):
            low = value.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError("must be true or false")
        return value

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Environment first, then flags (`overrides`, None meaning "not given"); raises `ConfigError`."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {field: env[var] for var, field in ENV_VARS.items() if env.get(var, "") != ""}
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err["loc"] else "settings"
            var = next((v for v, f in ENV_VARS.items() if f == field), field)
            message = str(err["msg"]).removeprefix("Value error, ")
            if field == "region":
                message = f"must be one of {', '.join(REGIONS)}"
            elif err["type"] == "literal_error":
                message = str(err["msg"]).replace("Input should be", "must be")
            raise ConfigError(f"{var}: {message}") from None
