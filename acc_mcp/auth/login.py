"""`acc-mcp login` and `logout`: the 3-legged PKCE sign-in over a one-shot loopback redirect.

Login starts a listener on 127.0.0.1 at the port of the app's registered callback URL, sends the user to
APS's authorize page (a browser is opened when there is one; the URL is always printed), waits for the
redirect, checks `state`, and trades the code (with the PKCE verifier, or the secret for a confidential
app) for tokens, which go to the store. No answer within the timeout ends it cleanly.
"""

from __future__ import annotations

import contextlib
import inspect
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

import anyio
import anyio.abc
import anyio.to_thread
import httpx2

from ..config import Settings
from ..errors import AuthError, UpstreamError
from .oauth import OAuthClient
from .store import TokenStore, entry_key
from .tokens import TokenSet

OpenUrl = Callable[[str], Awaitable[None] | None]
_MAX_HEAD = 16 * 1024


async def login(
    settings: Settings,
    store: TokenStore,
    *,
    open_url: OpenUrl,
    transport: httpx2.AsyncBaseTransport | None = None,
    timeout: float = 300.0,
) -> TokenSet:
    oauth = OAuthClient(settings, transport=transport)
    redirect_uri = settings.callback_url
    callback = urlsplit(redirect_uri)
    verifier = secrets.token_urlsafe(64)  # 86 characters, within PKCE's 43–128
    state = secrets.token_urlsafe(24)
    try:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=callback.port or 0)
    except OSError:
        raise AuthError(
            f"Cannot listen on 127.0.0.1:{callback.port} for the sign-in redirect (is another login running?). "
            "Set APS_CALLBACK_URL to another callback URL registered for your app."
        ) from None
    answer: dict[str, str] = {}
    done = anyio.Event()

    async def handle(stream: anyio.abc.ByteStream) -> None:
        async with stream:
            with anyio.move_on_after(10):
                target = await _request_target(stream)
                if target is None or urlsplit(target).path != (callback.path or "/"):
                    await _respond(stream, 404, "Not the acc-mcp sign-in callback.")
                    return
                params = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
                if params.get("state") != state:
                    answer["error"] = "state"
                    await _respond(stream, 400, "This sign-in answer does not match the request; nothing was stored.")
                elif "error" in params or "code" not in params:
                    answer["error"] = params.get("error", "no_code")
                    await _respond(stream, 200, "Sign-in was cancelled. You can close this tab.")
                else:
                    answer["code"] = params["code"]
                    await _respond(stream, 200, "Signed in to acc-mcp. You can close this tab.")
                done.set()

    url = oauth.authorization_url(redirect_uri, state, verifier)
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, handle)
        tasks.start_soon(_call_open, open_url, url)
        with anyio.move_on_after(timeout):
            await done.wait()
        tasks.cancel_scope.cancel()
    if not done.is_set():
        raise AuthError(f"No sign-in answer arrived within {timeout:.0f} s. Run `acc-mcp login` again.")
    if answer.get("error") == "state":
        raise AuthError("The sign-in answer had the wrong `state` (a stale or forged redirect). Run login again.")
    if "error" in answer:
        raise AuthError(f"Sign-in did not complete ({answer['error']}). Run `acc-mcp login` again to retry.")
    tokens = await oauth.exchange_code(answer["code"], redirect_uri, verifier)
    tokens = tokens.with_user(await oauth.userinfo(tokens.access_token))
    key = entry_key(oauth.client_id, settings.base_url)

    def save() -> None:
        with store.lock():
            store.save(key, tokens)

    await anyio.to_thread.run_sync(save)
    return tokens


async def logout(settings: Settings, store: TokenStore, *, transport: httpx2.AsyncBaseTransport | None = None) -> str:
    """Revoke at APS, then forget locally (even if APS cannot be reached: the user asked to be signed out)."""
    oauth = OAuthClient(settings, transport=transport)
    key = entry_key(oauth.client_id, settings.base_url)
    stored = await anyio.to_thread.run_sync(store.load, key)
    if stored is None:
        return f"Not signed in: the store has no sign-in for {key}."
    problems: list[str] = []
    for token, hint in ((stored.refresh_token, "refresh_token"), (stored.access_token, "access_token")):
        if token:
            try:
                await oauth.revoke(token, hint)
            except (AuthError, UpstreamError) as exc:
                problems.append(str(exc))

    def forget() -> None:
        with store.lock():
            store.delete(key)

    await anyio.to_thread.run_sync(forget)
    who = f" ({stored.user})" if stored.user else ""
    if problems:
        return f"Signed out locally{who}, but revoking at APS failed: {problems[0]}"
    return f"Signed out{who}: tokens revoked at APS and removed from {store.location}."


async def _call_open(open_url: OpenUrl, url: str) -> None:
    result = open_url(url)
    if inspect.isawaitable(result):
        await result


async def _request_target(stream: anyio.abc.ByteStream) -> str | None:
    """The target of an HTTP request line ("GET /callback?code=… HTTP/1.1"), or None if it is not one."""
    head = b""
    while b"\r\n" not in head and len(head) < _MAX_HEAD:
        try:
            head += await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return None
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    if len(parts) != 3 or parts[0] != "GET":
        return None
    return parts[1]


async def _respond(stream: anyio.abc.ByteStream, status: int, message: str) -> None:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    body = (
        "<!doctype html><meta charset=utf-8><title>acc-mcp</title>"
        f"<p style='font:16px system-ui;margin:3em'>{message}</p>"
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
    ).encode()
    with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
        await stream.send(head + body)
