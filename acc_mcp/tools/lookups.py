"""Lookups: names for ids (people, companies, roles, issue types) and ids for names, with an explicit error policy.

A list reads better with "Wei Chen" than "HWUBNU689CRU", and a filter is easier to give as a name. Those names
come from other endpoints, so each lookup declares the endpoints it calls (a tool's endpoint list is derived
from them). Policy: successes are cached (bounded, a few minutes); a failed load is never cached. A lookup
that only adds names (`optional`) degrades to none when the user may not read its endpoint (403/404) or it
fails (5xx), but a rate limit (429) or a sign-in problem (401) surfaces: retrying later will work, and
silently showing raw ids for five minutes would not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..client import clean_id
from ..errors import ApiError, AuthError, InvalidInput, RateLimited
from .base import Via
from .runtime import ME, Runtime, Scope, fold

log = logging.getLogger("acc_mcp.tools")
Records = list[dict[str, Any]]


async def listing(
    rt: Runtime,
    key: str,
    scope: Scope,
    *,
    params: dict[str, Any] | None = None,
    ids: dict[str, str] | None = None,
    want: int = 5000,
    optional: bool,
) -> Records:
    """Every record of registry list `key` in this scope (cached); see the module docstring for errors."""
    return list(await _held(rt, key, scope, params=params, ids=ids, want=want, optional=optional))


async def _held(
    rt: Runtime,
    key: str,
    scope: Scope,
    *,
    params: dict[str, Any] | None = None,
    ids: dict[str, str] | None = None,
    want: int = 5000,
    optional: bool,
) -> Records:
    """`listing` without the copy: the cached list itself (not to be changed), or a new empty list when an
    optional lookup is unavailable. Names built from it are kept while it is the same list (`Runtime.derived`)."""

    async def load() -> Records:
        return await rt.collect(rt.call(key, scope, params=params, ids=ids), key, want)

    try:
        records: Records = await rt.cached(f"{key}:{scope.project}:{ids}:{params}", load)
        return records
    except (AuthError, RateLimited):
        raise
    except ApiError as exc:
        if not optional:
            raise
        log.info("names from %s unavailable (%s)", key, exc.status)
        return []


_MEMBER_FIELDS = {"fields": "name,email,autodeskId,companyName,roles"}


async def members(rt: Runtime, scope: Scope) -> Records:
    """Project members (admin v1), for names and for people given by name."""
    return list(await _members(rt, scope))


async def _members(rt: Runtime, scope: Scope) -> Records:
    return await _held(rt, "admin.project_users.list", scope, params=dict(_MEMBER_FIELDS), optional=True)


async def companies(rt: Runtime, scope: Scope) -> Records:
    """The project's companies (hq v1): issues and RFIs may be assigned to a company."""
    return list(await _companies(rt, scope))


async def _companies(rt: Runtime, scope: Scope) -> Records:
    account = await rt.account_id()
    return await _held(rt, "hq.project_companies.list", Scope(scope.project, account), want=2000, optional=True)


@dataclass(frozen=True)
class Names:
    """A named source of id → display name, and the endpoints it calls."""

    calls: tuple[str, ...]
    load: Callable[[Runtime, Scope], Awaitable[dict[str, str]]]


async def _people(rt: Runtime, scope: Scope) -> dict[str, str]:
    listed = await _companies(rt, scope)
    people = await _members(rt, scope)
    return rt.derived(f"people:{scope.project}", (listed, people), lambda: _people_names(listed, people))


def _people_names(listed: Records, people: Records) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in listed:
        if c.get("member_group_id") and c.get("name"):
            out[str(c["member_group_id"])] = out[company_key(c["member_group_id"])] = str(c["name"])
    for m in people:
        for role in m.get("roles") or []:
            if isinstance(role, dict) and role.get("id") and role.get("name"):
                out[str(role["id"])] = f"{role['name']} (role)"
        for key in ("id", "autodeskId"):
            if m.get(key) and m.get("name"):
                out[str(m[key])] = str(m["name"])
            if m.get(key) and m.get("companyName"):
                out[company_key(m[key])] = str(m["companyName"])
    return out


def company_key(assignee: Any) -> str:
    """The names key under which a person's (or a company's own) company name is found: for `group_by=company`."""
    return f"company-of:{assignee}"


PEOPLE = Names(("admin.project_users.list", "hq.project_companies.list"), _people)
"""People, roles and companies of the project, by every id ACC uses for them."""


async def _issue_types(rt: Runtime, scope: Scope) -> dict[str, str]:
    types = await _held(rt, "issues.types.list", scope, params={"include": "subtypes"}, want=1000, optional=True)
    return rt.derived(f"issue-types:{scope.project}", (types,), lambda: _type_names(types))


def _type_names(types: Records) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in types:
        out[str(t.get("id"))] = str(t.get("title"))
        for s in t.get("subtypes") or []:
            out[str(s.get("id"))] = f"{t.get('title')} / {s.get('title')}"
    return out


ISSUE_TYPES = Names(("issues.types.list",), _issue_types)
"""Issue type and subtype ids → "Type / Subtype"."""


async def names(rt: Runtime, scope: Scope, sources: Sequence[Names]) -> dict[str, str]:
    """Every source's names, later sources winning. Shared with the lookups' caches: not to be changed."""
    loaded = [await source.load(rt, scope) for source in sources]
    if not loaded:
        return {}
    if len(loaded) == 1:
        return loaded[0]

    def merge() -> dict[str, str]:
        out: dict[str, str] = {}
        for found in loaded:
            out.update(found)
        return out

    calls = ",".join(k for source in sources for k in source.calls)
    return rt.derived(f"names:{scope.project}:{calls}", tuple(loaded), merge)


# --- from names to ids: argument converters ------------------------------------------------------


async def person_id(rt: Runtime, scope: Scope, value: str, *, key: str = "autodeskId") -> str:
    """A person given by name, email or id → the id field `key` a filter expects."""
    value = value.strip()
    people = await members(rt, scope)
    low = fold(value)  # "Tomas Alvarez" finds "Tomás Alvarez"
    for m in people:
        if low in (fold(m.get("id")), fold(m.get("autodeskId")), fold(m.get("email"))):
            return str(m.get(key) or value)
    matches = [m for m in people if low in fold(m.get("name"))]
    if len(matches) == 1:
        return str(matches[0].get(key))
    if len(matches) > 1:
        listed = ", ".join(str(m.get("name")) for m in matches[:8])
        raise InvalidInput(f"{value!r} matches several people: {listed}. Use the full name or email.")
    if people:
        raise InvalidInput(f"Nobody named {value!r} is on this project. Call list_project_users to see who is.")
    return clean_id(value, "user id")


async def _person(rt: Runtime, scope: Scope, _name: str, value: Any) -> str:
    return await person_id(rt, scope, str(value))


async def _people_list(rt: Runtime, scope: Scope, _name: str, value: Any) -> list[str]:
    return [await person_id(rt, scope, str(value))]


PERSON = Via(_person, ("admin.project_users.list",))
"""A person by name, email or id → their Autodesk id."""
PERSON_LIST = Via(_people_list, ("admin.project_users.list",))
"""The same, as the one-item list a body filter takes."""


async def _issue_type(rt: Runtime, scope: Scope, _name: str, value: Any) -> dict[str, str]:
    """'Safety', 'Quality / Defect' or an id → the type or the subtype filter."""
    types = await _issue_types(rt, scope)
    low = fold(str(value).strip())
    for key, title in types.items():
        if low in (key.lower(), fold(title)):
            return {"filter[issueSubtypeId]": key} if " / " in title else {"filter[issueTypeId]": key}
    matches = [(k, t) for k, t in types.items() if low in fold(t)]
    tops = [m for m in matches if " / " not in m[1]]
    if len(tops) == 1:
        return {"filter[issueTypeId]": tops[0][0]}
    if len(matches) == 1:
        return {"filter[issueSubtypeId]": matches[0][0]}
    known = ", ".join(sorted({t.split(" / ")[0] for t in types.values()}))
    raise InvalidInput(f"Unknown or ambiguous issue type {value!r}. Issue types on this project: {known}.")


ISSUE_TYPE = Via(_issue_type, ("issues.types.list",))
"""An issue type or subtype by name → `filter[issueTypeId]` or `filter[issueSubtypeId]` (a dict of both keys)."""


async def assignee_id(rt: Runtime, scope: Scope, value: str) -> str:
    """An assignee as lists show them: a person (name, email, id, or `me`), else a company or role by name."""
    try:
        return await person_or_me(rt, scope, value)
    except InvalidInput as exc:
        low = fold(value.strip())
        known = {i: n.removesuffix(" (role)") for i, n in (await _people(rt, scope)).items()}
        exact = list(dict.fromkeys(i for i, n in known.items() if fold(n) == low))
        found = exact or list(dict.fromkeys(i for i, n in known.items() if low in fold(n)))
        if len({known[i] for i in found}) == 1:
            return found[0]
        raise exc


async def my_id(rt: Runtime, scope: Scope) -> str:
    """The signed-in user's Autodesk id, as the issues service reports it for the project."""

    async def load() -> str:
        me = await rt.read(rt.call("issues.me.get", scope))
        if not isinstance(me, dict) or not me.get("id"):
            raise InvalidInput("assignee: ACC did not say who 'me' is; give a name or email.")
        return str(me["id"])

    return str(await rt.cached(f"me:{scope.project}", load))


async def _assignee(rt: Runtime, scope: Scope, _name: str, value: Any) -> str:
    return await assignee_id(rt, scope, str(value))


async def _assignee_list(rt: Runtime, scope: Scope, _name: str, value: Any) -> list[str]:
    return [await assignee_id(rt, scope, str(value))]


async def person_or_me(rt: Runtime, scope: Scope, value: str) -> str:
    """A person by name, email or id, or `me` (the signed-in user) → their Autodesk id."""
    return await my_id(rt, scope) if value.strip().lower() in ME else await person_id(rt, scope, value)


async def _creator(rt: Runtime, scope: Scope, _name: str, value: Any) -> str:
    return await person_or_me(rt, scope, str(value))


async def _creator_list(rt: Runtime, scope: Scope, _name: str, value: Any) -> list[str]:
    return [await person_or_me(rt, scope, str(value))]


CREATOR = Via(_creator, ("admin.project_users.list", "issues.me.get"))
"""A person by name, email or id, or `me` → their Autodesk id (who created or asked)."""
CREATOR_LIST = Via(_creator_list, ("admin.project_users.list", "issues.me.get"))

ASSIGNEE = Via(_assignee, (*PEOPLE.calls, "issues.me.get"))
"""A person, company or role by name (all are shown as assignees) → the id an assignee filter takes."""
ASSIGNEE_LIST = Via(_assignee_list, (*PEOPLE.calls, "issues.me.get"))
"""The same, as the one-item list a body filter takes."""
