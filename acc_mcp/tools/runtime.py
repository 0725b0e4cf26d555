"""The per-server state tools share: settings, the API client, and small caches of cheap lookups.

Caches hold what a model would otherwise have to ask for again and again: the account id, the project
list (so a project can be named instead of quoted as a UUID), and each project's member names (so
assignees read "Wei Chen", not "HWUBNU689CRU"). Entries expire after a few minutes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import anyio

from ..auth.providers import principal
from ..client import AccClient, clean_id
from ..config import Settings
from ..errors import InvalidInput
from ..paging import BareArrayPaging, Call, OffsetPaging, collect

UUID = re.compile(r"^(b\.)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CACHE_SECONDS = 300.0


@dataclass
class _Entry:
    value: Any
    at: float


@dataclass
class Runtime:
    settings: Settings
    client: AccClient
    today: Callable[[], date] = date.today
    _memos: dict[str, dict[str, Any]] = field(default_factory=dict)
    _cache: dict[str, _Entry] = field(default_factory=dict)
    _locks: dict[str, anyio.Lock] = field(default_factory=dict)

    async def fetch(self, call: Call) -> Any:
        # The read-only POSTs (search:rfis, photos:filter) are as safe to retry as a GET.
        return await self.client.request(call.method, call.path, params=call.params, json=call.json, idempotent=True)

    @property
    def memo(self) -> dict[str, Any]:
        """Small per-user memory for tools (e.g. recent writes, to refuse an accidental repeat)."""
        return self._memos.setdefault(principal(), {})

    async def cached(self, key: str, load: Callable[[], Any]) -> Any:
        # Keyed by user too: with per-request tokens, one user's project list is not another's.
        key = f"{principal()}:{key}"
        entry = self._cache.get(key)
        if entry is not None and time.monotonic() - entry.at < CACHE_SECONDS:
            return entry.value
        # One load per key even when many calls arrive together.
        lock = self._locks.setdefault(key, anyio.Lock())
        async with lock:
            entry = self._cache.get(key)
            if entry is not None and time.monotonic() - entry.at < CACHE_SECONDS:
                return entry.value
            value = await load()
            self._cache[key] = _Entry(value, time.monotonic())
            return value

    # --- account and projects -------------------------------------------------------------------

    async def account_id(self) -> str:
        if self.settings.account_id:
            return self.settings.account_id

        async def load() -> str:
            body = await self.client.get(self.client.url("/project/v1/hubs"))
            hubs = [h for h in (body or {}).get("data", []) if isinstance(h, dict)]
            acc = [h for h in hubs if "bim360" in str(h.get("attributes", {}).get("extension", {}).get("type", ""))]
            if not acc:
                raise InvalidInput("No ACC account is visible to this sign-in. Set ACC_ACCOUNT_ID to your account id.")
            return str(acc[0]["id"]).removeprefix("b.")

        return str(await self.cached("account", load))

    async def projects(self) -> list[dict[str, Any]]:
        account = await self.account_id()

        async def load() -> list[dict[str, Any]]:
            call = Call(
                "GET",
                self.client.url("/construction/admin/v1/accounts/{a}/projects", a=account),
                {"fields": "name,jobNumber,status,type,city"},
            )
            got = await collect(self.fetch, OffsetPaging(max_page=200), call, want=2000)
            return got.items

        return list(await self.cached(f"projects:{account}", load))

    async def project_id(self, value: str) -> str:
        """A project id from an id (with or without `b.`) or from (part of) its name or job number."""
        value = value.strip()
        if UUID.match(value):
            return value.removeprefix("b.")
        needle = value.lower()
        projects = await self.projects()
        exact = [p for p in projects if needle in (str(p.get("name", "")).lower(), str(p.get("jobNumber", "")).lower())]
        matches = exact or [
            p
            for p in projects
            if needle in str(p.get("name", "")).lower() or needle in str(p.get("jobNumber", "")).lower()
        ]
        if len(matches) == 1:
            return str(matches[0]["id"])
        if not matches:
            raise InvalidInput(f"No project matches {value!r}. Call list_projects to see the projects and their ids.")
        names = "; ".join(f"{p.get('name')} ({p['id']})" for p in matches[:8])
        raise InvalidInput(f"{value!r} matches {len(matches)} projects: {names}. Pass the project id.")

    # --- people ---------------------------------------------------------------------------------

    async def members(self, project_id: str) -> list[dict[str, Any]]:
        """Project members (admin v1); empty if the caller may not list them (names are a nicety)."""

        async def load() -> list[dict[str, Any]]:
            call = Call(
                "GET",
                self.client.url("/construction/admin/v1/projects/{p}/users", p=project_id),
                {"fields": "name,email,autodeskId,companyName,roles"},
            )
            try:
                got = await collect(self.fetch, OffsetPaging(max_page=200), call, want=5000)
            except Exception:
                return []
            return got.items

        return list(await self.cached(f"members:{project_id}", load))

    async def names(self, project_id: str) -> dict[str, str]:
        """Autodesk ids and ids → display names of the project's people, roles and companies.

        Issues and RFIs may be assigned to a user, a role or a company; each is named by its Autodesk id.
        """
        out: dict[str, str] = {}
        for c in await self.companies(project_id):
            if c.get("member_group_id") and c.get("name"):
                out[str(c["member_group_id"])] = str(c["name"])
        for m in await self.members(project_id):
            for role in m.get("roles") or []:
                if isinstance(role, dict) and role.get("id") and role.get("name"):
                    out[str(role["id"])] = f"{role['name']} (role)"
            for key in ("id", "autodeskId"):
                if m.get(key) and m.get("name"):
                    out[str(m[key])] = str(m["name"])
        return out

    async def companies(self, project_id: str) -> list[dict[str, Any]]:
        """The project's companies (hq v1); empty when the token may not list them (an app-only endpoint)."""
        account = await self.account_id()

        async def load() -> list[dict[str, Any]]:
            url = self.client.url("/hq/v1/accounts/{a}/projects/{p}/companies", a=account, p=project_id)
            try:
                return (await collect(self.fetch, BareArrayPaging(max_page=100), Call("GET", url), want=2000)).items
            except Exception:
                return []

        return list(await self.cached(f"companies:{project_id}", load))

    async def user_id(self, project_id: str, value: str, *, key: str = "autodeskId") -> str:
        """Resolve a person given by name, email or id to the id field `key` that a filter expects."""
        value = value.strip()
        members = await self.members(project_id)
        low = value.lower()
        for m in members:
            if low in (
                str(m.get("id", "")).lower(),
                str(m.get("autodeskId", "")).lower(),
                str(m.get("email", "")).lower(),
            ):
                return str(m.get(key) or value)
        matches = [m for m in members if low in str(m.get("name", "")).lower()]
        if len(matches) == 1:
            return str(matches[0].get(key))
        if len(matches) > 1:
            names = ", ".join(str(m.get("name")) for m in matches[:8])
            raise InvalidInput(f"{value!r} matches several people: {names}. Use the full name or email.")
        if members:
            raise InvalidInput(f"Nobody named {value!r} is on this project. Call list_project_users to see who is.")
        return clean_id(value, "user id")
