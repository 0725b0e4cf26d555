"""What the user's browser does during `acc-mcp login`, done over plain HTTP against the sandbox."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx2

_CONSENT = re.compile(r'name="consent"\s+value="([^"]+)"')


def browser(
    transport: httpx2.AsyncBaseTransport | None = None, *, decision: str = "allow", seen: list[str] | None = None
) -> Callable[[str], Awaitable[None]]:
    """An `open_url` for `login`: load the authorize page, press Allow (or Deny), follow the redirect."""

    async def open_url(url: str) -> None:
        if seen is not None:
            seen.append(url)
        async with httpx2.AsyncClient(transport=transport) as web:
            page = await web.get(url)
            assert page.status_code == 200, page.text
            match = _CONSENT.search(page.text)
            assert match, page.text
            action = url.split("?", 1)[0]
            answer = await web.post(action, data={"consent": match.group(1), "decision": decision})
            assert answer.status_code == 302, answer.text
            location = answer.headers["location"]
        # The redirect goes to the loopback listener: a real socket, whatever the sandbox transport.
        async with httpx2.AsyncClient() as loopback:
            landed = await loopback.get(location)
            assert landed.status_code in (200, 400), landed.text

    return open_url
