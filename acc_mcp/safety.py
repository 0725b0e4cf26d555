"""Guards at the edges: what goes into an error, a log line, a URL path, a file name or an image.

Each function here is small and independent of the tool layer, so that the tool layer (which changes
often) calls it in one line:

- `clean_text` / `echo`: error text the model (and a terminal) sees is bounded and has no control
  characters (ESC, NUL, bidi overrides are written as escapes).
- `check_arguments`: unknown arguments, over-long strings and schema violations become one short sentence
  naming the parameter and what it accepts, instead of a pydantic dump with a documentation URL.
- `tool_error_text`: any exception a tool raises becomes a sentence; never a bare "Error executing tool".
- `check_id`: ids that are path tricks (`.`, `..`) are refused.
- `redact` / `install_log_redaction`: log records of every logger (httpx2's and httpcore2's children
  included) lose query strings of signed URLs, cookies, Authorization values and known tokens.
- `check_file_host` / `sniff_image`: file bytes are fetched only from the hosts ACC's signed URLs use (or
  the configured API host), never from loopback or private addresses; only a real image is attached.
- `safe_child`: a download's file name cannot escape its folder.
- `check_bind`: a non-loopback HTTP address is not served without authentication unless allowed.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from .config import Settings, is_loopback
from .errors import AccError, ConfigError, InvalidInput, NotFound, UpstreamError

log = logging.getLogger("acc_mcp.safety")

MAX_ERROR_CHARS = 600
"""An error the model reads is a sentence or two: past this it is cut."""
MAX_ECHO_CHARS = 80
"""How much of a rejected input an error repeats."""
MAX_ARGUMENT_CHARS = 4000
"""No parameter of any tool needs more text than this (a filter string of 64 KB only breaks the URL)."""

# --- text ------------------------------------------------------------------------------------------


def _escape(char: str) -> str:
    if char in "\n\t\r":
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _unsafe(char: str) -> bool:
    # Cc: controls (ESC, NUL); Cf: format characters (RLO and the other bidi overrides, zero-width);
    # Cs/Co/Cn: surrogates, private use, unassigned; Zl/Zp: line and paragraph separators.
    return (not char.isprintable() and char != " ") or unicodedata.category(char) in ("Cf", "Zl", "Zp")


def clean_text(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """`text` on one line, control and format characters escaped, at most `limit` characters."""
    out = "".join(_escape(c) if _unsafe(c) else c for c in text)
    out = re.sub(r" {2,}", " ", out).strip()
    return out if len(out) <= limit else out[: limit - 1] + "…"


def echo(value: Any, limit: int = MAX_ECHO_CHARS) -> str:
    """A rejected input as an error may quote it: repr-like, escaped, and cut to `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    cut = len(text) > limit
    # Every character kept (a trailing space is what makes "limit " unknown), the unsafe ones escaped.
    shown = "".join(("\\n" if c == "\n" else _escape(c)) if _unsafe(c) or c in "\t\r" else c for c in text[:limit])
    return f"'{shown}…' ({len(text):,} characters)" if cut else f"'{shown}'"


# --- ids -------------------------------------------------------------------------------------------


def check_id(value: str, what: str = "id") -> str:
    """Refuse ids that are path segments in disguise: `.`, `..` (and any run of dots)."""
    if value.strip(".") == "":
        raise InvalidInput(f"{what} {echo(value)} is not a valid ACC id.")
    return value


def check_path(path: str) -> None:
    """A request path with a `.` or `..` segment would be normalised into another endpoint: refuse it."""
    if "." not in path and "%" not in path:
        return  # every refused segment has a dot, plain or escaped
    segments = path.split("/")
    if any(s in (".", "..") or s.lower() in ("%2e", "%2e%2e", ".%2e", "%2e.") for s in segments):
        raise InvalidInput("A path segment of '.' or '..' is not a valid ACC id.")


# --- arguments -------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _accepts(schema: Mapping[str, Any]) -> str:
    """What a property's schema accepts, in words: `one of A, B`, `a whole number`, `a list of strings`."""
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return f"{schema['const']}"
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        words = [_accepts(o) for o in options if o.get("type") != "null"]
        return " or ".join(dict.fromkeys(w for w in words if w)) or "a value"
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") or {}
        inner = _accepts(items) if items else ""
        plural = {"a string": "strings", "a whole number": "whole numbers", "a number": "numbers"}.get(inner)
        return f"a list of {plural}" if plural else "a list" + (f" of {inner}" if inner else "")
    if isinstance(kind, str):
        word = _TYPE_WORDS.get(kind, kind)
        bounds = [
            f"at least {schema['minimum']}" if "minimum" in schema else "",
            f"at most {schema['maximum']}" if "maximum" in schema else "",
        ]
        extra = " and ".join(b for b in bounds if b)
        return word + (f" ({extra})" if extra else "")
    return ""


def _too_long(value: Any, limit: int) -> int | None:
    if isinstance(value, str):
        return len(value) if len(value) > limit else None
    if isinstance(value, list | tuple):
        for item in value:
            if (n := _too_long(item, limit)) is not None:
                return n
        return len(value) if len(value) > 1000 else None
    if isinstance(value, dict):
        for item in value.values():
            if (n := _too_long(item, limit)) is not None:
                return n
    return None


def argument_problem(tool: str, schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> str | None:
    """One sentence about arguments the schema cannot take (unknown names, oversized values), or None.

    Only the checks the SDK's own validation does not make: a value of the wrong type is reported from that
    validation (`validation_problem`), so arguments are validated once per call, not twice.
    """
    properties: Mapping[str, Any] = schema.get("properties") or {}
    unknown = [k for k in arguments if k not in properties]
    if unknown:
        names = ", ".join(properties) or "none"
        return (
            f"{tool} has no parameter {echo(unknown[0], 40)}"
            + (f" (nor {len(unknown) - 1} more of those given)" if len(unknown) > 1 else "")
            + f". Its parameters: {names}."
        )
    for name, value in arguments.items():
        length = _too_long(value, MAX_ARGUMENT_CHARS)
        if length is not None:
            return f"{name} is too long ({length:,}); at most {MAX_ARGUMENT_CHARS:,} characters (or 1,000 items)."
    return None


def validation_problem(exc: ValidationError, schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    """The SDK's validation failure as one sentence naming the parameter and what it accepts (not a pydantic
    dump with a documentation URL)."""
    return clean_text(_validation_sentence(exc, schema.get("properties") or {}, arguments))


def _validation_sentence(exc: ValidationError, properties: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    errors = exc.errors()
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ())]
    name = loc[0] if loc else "arguments"
    prop = properties.get(name, {})
    if first.get("type") == "missing":
        return f"{name} is required ({_accepts(prop) or 'see the tool description'})."
    accepts = _accepts(prop) if prop else ""
    given = first.get("input", arguments.get(name))
    where = name + "".join(f"[{p}]" for p in loc[1:2] if p.isdigit())
    text = f"{where} must be {accepts}" if accepts else f"{where}: {first.get('msg', 'invalid value')}"
    return f"{text}; got {echo(given, 40)}."


def check_tool_arguments(tool: str, schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> None:
    """Raise the SDK's `ToolError` with `argument_problem`'s sentence when the arguments are not acceptable."""
    problem = argument_problem(tool, schema, arguments)
    if problem:
        raise ToolError(clean_text(problem))


# --- the error a tool returns ----------------------------------------------------------------------


def acc_error(exc: BaseException) -> AccError | None:
    """`exc` itself, or the first `AccError` inside an exception group."""
    if isinstance(exc, AccError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = acc_error(inner)
            if found is not None:
                return found
    return None


def tool_error_text(tool: str, exc: BaseException, not_found_hint: str = "", call_timeout: float = 0) -> str:
    """What the model reads when `tool` raised `exc`: always a sentence it can act on, never empty."""
    error = acc_error(exc)
    if error is not None:
        hint = f" {not_found_hint}" if isinstance(error, NotFound) and not_found_hint else ""
        return clean_text(f"{error}{hint}")
    if isinstance(exc, TimeoutError):
        return clean_text(
            f"{tool} did not finish within {call_timeout:g} s (ACC_CALL_TIMEOUT): ACC is slow or unreachable. "
            "Try again in a minute, or ask for less (a smaller limit, a narrower filter)."
        )
    # A bug or an upstream surprise: the details go to the log (stderr), the model gets a sentence.
    log.error("%s failed unexpectedly", tool, exc_info=(type(exc), exc, exc.__traceback__))
    return clean_text(
        f"{tool} failed unexpectedly ({type(exc).__name__}); this is a problem in acc-mcp or an unexpected "
        "answer from ACC. Try different arguments, or tell the user to check the server log."
    )


# --- logs ------------------------------------------------------------------------------------------

_QUERY = re.compile(r"\?[^\s\"'<>)\]]+")
_HEADER_PAIR = re.compile(
    r"""((?:set-cookie|cookie|authorization|proxy-authorization|x-amz-security-token)['"]?\s*[,:=]\s*b?['"]?)"""
    r"""[^'"\n]*""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(bearer\s+)[^\s'\"]+", re.IGNORECASE)
_secrets: dict[str, None] = {}
_secrets_lock = threading.Lock()
_MAX_SECRETS = 256


def remember_secret(value: str | None) -> None:
    """A token in use: removed from every log line from now on (the newest few hundred are kept)."""
    if not value or len(value) < 6 or value in _secrets:
        return
    with _secrets_lock:
        _secrets[value] = None
        while len(_secrets) > _MAX_SECRETS:
            del _secrets[next(iter(_secrets))]


def known_secrets() -> list[str]:
    return list(_secrets)


def redact(text: str) -> str:
    """`text` without signed-URL queries, cookie / authorization header values or known tokens."""
    for secret in known_secrets():
        if secret in text:
            text = text.replace(secret, "[redacted]")
    text = _HEADER_PAIR.sub(r"\1[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    return _QUERY.sub("?[redacted]", text)


def install_log_redaction() -> None:
    """Redact every log record as it is made, whichever logger makes it.

    A `logging.Filter` on the `httpcore2` logger does not see the records of its children
    (`httpcore2.http11`, `httpcore2.connection`): filters run only where a record is logged, not where it
    propagates. A record factory runs for every record of every logger.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "acc_mcp_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return record

    factory.acc_mcp_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


# --- files and hosts -------------------------------------------------------------------------------

SIGNED_URL_DOMAINS = ("amazonaws.com", "autodesk.com", "cloudfront.net")
"""Where APS signed URLs point: S3 (and its CloudFront), and Autodesk's own CDN hosts."""


def _private_address(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not ip.is_global


def check_file_host(url: str, settings: Settings) -> None:
    """Refuse to fetch file bytes from anywhere but ACC's signed-URL hosts or the configured API host.

    A signed URL comes from an upstream answer; an upstream (or something between) that names
    `http://127.0.0.1:…` or a cloud metadata address must not make this server fetch it.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    configured = urlsplit(settings.base_url)
    if host and host == (configured.hostname or "").lower() and parts.scheme == configured.scheme:
        return  # the configured API host (the sandbox in demo mode serves its files there)
    trusted = any(host == d or host.endswith("." + d) for d in SIGNED_URL_DOMAINS)
    if parts.scheme != "https" or not trusted or is_loopback(host) or _private_address(host):
        raise UpstreamError(
            "ACC gave a download link to a host acc-mcp does not fetch from (not an ACC storage host); "
            "nothing was downloaded."
        )


_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_image(data: bytes) -> str | None:
    """The image type the bytes really are (JPEG, PNG, GIF, WebP), or None."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def looks_like_html(data: bytes, content_type: str | None) -> bool:
    if content_type and content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        return True
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:200]


def safe_child(folder: Path, name: str) -> Path:
    """`folder/name`, refusing names that are empty, absolute, contain NUL or climb out of `folder`."""
    if not name or not name.strip() or "\x00" in name:
        raise InvalidInput(f"File name {echo(name)} is not usable: give a plain, non-empty name.")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or Path(name).is_absolute():
        raise InvalidInput(f"File name {echo(name)} is absolute: give a name inside the download folder.")
    parts = re.split(r"[\\/]", name)
    if any(p in ("..", ".") for p in parts) or any(not p for p in parts):
        raise InvalidInput(f"File name {echo(name)} leaves the download folder: give a plain name.")
    root = folder.resolve()
    target = (root / Path(*parts)).resolve()
    if root not in target.parents:
        raise InvalidInput(f"File name {echo(name)} leaves the download folder: give a plain name.")
    return target


# --- serving -----------------------------------------------------------------------------------------


def check_bind(host: str, settings: Settings) -> str | None:
    """Refuse (ConfigError) to serve HTTP on a non-loopback address without authentication, unless allowed.

    The SDK turns its Host/Origin (DNS-rebinding) checks off for a non-loopback host, so anyone who can
    reach the port could use the server's sign-in. Returns a warning to print at start-up when allowed.
    """
    if is_loopback(host):
        return None
    if settings.auth_passthrough:
        return f"acc-mcp: serving on {host}: each request must bring its own APS token (ACC_AUTH_PASSTHROUGH)."
    if settings.allow_remote:
        return (
            f"acc-mcp: WARNING serving on {host} WITHOUT authentication (ACC_ALLOW_REMOTE=true): anyone who can "
            "reach this port acts with this server's ACC sign-in."
        )
    raise ConfigError(
        f"--host {host}: serving a non-loopback address without authentication would let anyone on the network "
        "use this server's ACC sign-in. Use ACC_AUTH_PASSTHROUGH=true (each request brings its own APS token), "
        "or set ACC_ALLOW_REMOTE=true if the network is trusted."
    )
