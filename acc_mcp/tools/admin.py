"""Account Admin: projects and the people on them — the lookups every other tool starts from."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from mcp.types import ContentBlock

from ..errors import AccError, InvalidInput, NotFound
from ..render import when
from ..views import F, Record, View
from .base import Param, Via
from .listing import NAME
from .refs import Finder, Ref, Resolved
from .runtime import Runtime, Scope, fold
from .spec import GetSpec, ListSpec, tools

# No ids in list lines: every tool takes a project by name or job number, and a person by name; a UUID costs
# ~20 tokens a line.
PROJECT = View(
    F("name", role="bare"),
    F("status", role="bare"),
    F("job", "jobNumber"),
    F("city", role="bare"),
)


def _value(p: Record) -> str | None:
    value = p.get("projectValue") or {}
    return f"{value.get('value'):,} {value.get('currency', '')}".strip() if value.get("value") else None


def _address(p: Record) -> str:
    return ", ".join(
        str(p[k]) for k in ("addressLine1", "city", "stateOrProvince", "postalCode", "country") if p.get(k)
    )


PROJECT_DETAIL = PROJECT.extend(
    F("type"),
    F("id"),
    F("phase", "currentPhase"),
    F("start", "startDate"),
    F("end", "endDate"),
    F("value", lambda p, _: _value(p)),
    F("members", "memberCount"),
    F("companies", "companyCount"),
    F("products", lambda p, _: [pr.get("key") for pr in p.get("products", []) if pr.get("status") == "active"]),
    F("address", lambda p, _: _address(p)),
    F("timezone"),
    F("construction", "constructionType"),
    F("delivery", "deliveryMethod"),
)


def _roles(u: Record) -> Any:
    return ", ".join(r.get("name", "") for r in u.get("roles") or []) or u.get("jobTitle")


MEMBER = View(
    F("name", role="bare"),
    F("status", role="bare"),
    F("company", "companyName", "bare"),
    F("role", lambda u, _: _roles(u), "bare"),
)
MEMBER_CONTACT = MEMBER.extend(F("email"))
"""When the model looks for someone by name, it usually wants to reach them: add the email."""
FIND_PROJECT = "Call list_projects to find the project id."


def _city(c: Record, _: object) -> Any:
    """hq v1 records carry `city`; admin v1 ones an `addresses` list."""
    return c.get("city") or next((a.get("city") for a in c.get("addresses") or []), None)


COMPANY = View(F("name", role="bare"), F("trade", role="bare"), F("city", _city, "bare"))
COMPANY_DETAIL = COMPANY.extend(
    F(
        "address",
        lambda c, _: ", ".join(str(c[k]) for k in ("address_line_1", "city", "state_or_province") if c.get(k)),
    ),
    F("phone"),
    F("website", "website_url"),
    F("erp", "erp_id"),
    F("id"),
)
COMPANY_REF = Ref(
    kind="company",
    placeholder="company_id",
    lister="list_companies",
    name=Finder("hq.companies.search", "name", lambda t: {"name": t}, scan=100, full=True),
)


async def _account_filter(_rt: Runtime, scope: Scope, name: str, value: Any) -> Any:
    """hq's project companies list takes no filters: say so rather than ignore one."""
    if scope.project:
        raise InvalidInput(f"{name} filters the account's companies only; call list_companies without project.")
    return value


ACCOUNT_FILTER = Via(_account_filter)
USER = View(
    F("name", role="bare"),
    F("company", "company_name", "bare"),
    F("title", "job_title", "bare"),
    F("email", role="bare"),
)


def _projects(u: Record, _: object) -> list[str]:
    return [
        f"{p.get('name')}{' (admin)' if (p.get('accessLevels') or {}).get('projectAdmin') else ''}"
        for p in u.get("_projects", [])
    ]


def _membership(u: Record, _: object) -> Any:
    m = u.get("_member")
    if not m:
        return None
    products = ", ".join(p.get("key", "") for p in m.get("products") or [])
    return f"{m.get('status')}, {_roles(m)}, {m.get('companyName')}; products {products}"


PERSON_DETAIL = USER.extend(
    F("status"),
    F("account role", "role"),
    F("phone"),
    F("last sign-in", lambda u, _: when(u.get("last_sign_in"))),
    F("on project", _membership),
    F("projects", _projects),
    F("products", lambda u, _: [p.get("name") for p in u.get("_products", [])]),
    F("roles", lambda u, _: [r.get("name") for r in u.get("_roles", [])]),
    F("id"),
)


async def _me(rt: Runtime, scope: Scope) -> Resolved:
    """The signed-in user in the account's directory. No account API says who that is; the Issues profile
    of a project does (`issues.me.get`, an Autodesk id), the project's members give that id's email, and the
    directory is searched by email."""
    from .fanout import projects
    from .lookups import members, my_id

    email = ""
    for pid, _name in (await projects(rt, None))[:3]:  # a project whose Issues service answers
        on = await rt.scope(pid, account=False)
        try:
            uid = await my_id(rt, on)
        except AccError:
            continue
        email = next((str(m.get("email")) for m in await members(rt, on) if m.get("autodeskId") == uid), "")
        if email:
            break
    found = await rt.collect(rt.call("hq.users.search", scope, params={"email": email}), "hq.users.search", 100)
    hit = next((u for u in found if email and fold(u.get("email")) == fold(email)), None)
    if hit is None:
        raise NotFound("Not found (404): ACC did not say who is signed in here; give the person's name or email.")
    return Resolved(str(hit.get("id")), hit)


PERSON_REF = Ref(
    kind="person",
    placeholder="user_id",
    lister="list_account_users",
    name=Finder(
        "hq.users.search", "name", lambda t: {"email" if "@" in t else "name": t}, exact=("email",), scan=100, full=True
    ),
    me=_me,
)
USER_LISTS = {
    "_projects": "admin.user_projects.list",
    "_products": "admin.user_products.list",
    "_roles": "admin.user_roles.list",
}


async def _access(rt: Runtime, user: Record, args: dict[str, Any]) -> tuple[list[ContentBlock], str | None]:
    """A person's projects, products and roles (and membership of `project`), in the same call."""
    scope = await rt.scope(args.get("project"), account=True)
    ids = {"userId": str(user.get("id"))}
    for field, key in USER_LISTS.items():
        user[field] = await rt.collect(rt.call(key, scope, ids=ids), key, 200)
    if not scope.project:
        return [], None
    try:
        user["_member"] = await rt.read(rt.call("admin.project_users.get", scope, ids=ids))
    except NotFound:
        return [], f"Not a member of project {args.get('project')}."
    return [], None


def _unit(u: Record) -> str:
    return f"{u.get('path')} > {u.get('name')}" if u.get("path") else str(u.get("name"))


def _hub(h: Record) -> str:
    attrs = h.get("attributes") or {}
    return f"{attrs.get('name')} · account {str(h.get('id')).removeprefix('b.')} · {attrs.get('region')}"


TOOLS = tools(
    ListSpec(
        name="list_projects",
        description="The account's projects.",
        toolset="admin",
        default=True,
        endpoint="admin.projects.list",
        view=PROJECT,
        noun="projects",
        params=[
            replace(NAME, to="filter[name]"),
            Param(
                "status",
                Literal["active", "pending", "archived", "suspended"] | None,
                "Only this status.",
                None,
                to="filter[status]",
            ),
        ],
        fixed={"sort": "name", "fields": "name,status,jobNumber,city"},
        limit=50,
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    GetSpec(
        name="get_project",
        description="One project's details: id, dates, value, address.",
        toolset="admin",
        endpoint="admin.projects.get",
        view=PROJECT_DETAIL,
        header=lambda p: f"Project {p.get('name')}",
        full=False,
        default=True,
        not_found=FIND_PROJECT,
    ),
    ListSpec(
        name="list_project_users",
        description="People on a project: status, company, role; email when filtered by name or company.",
        toolset="admin",
        default=True,
        endpoint="admin.project_users.list",
        view=MEMBER,
        views={"name": MEMBER_CONTACT, "company": MEMBER_CONTACT},
        noun="project members",
        params=[
            replace(NAME, to="filter[name]"),
            Param("company", str | None, "Company name contains.", None, to="filter[companyName]"),
        ],
        fixed={"sort": "name"},
        limit=50,
        not_found=FIND_PROJECT,
    ),
    ListSpec(
        name="list_companies",
        description="Companies in the account, or on one project.",
        toolset="admin",
        endpoint="admin.companies.list",
        view=COMPANY,
        noun="companies",
        params=[
            Param("project", str | None, "Only this project's.", None),
            Param("name", str | None, "Name contains.", None, to="filter[name]", via=ACCOUNT_FILTER),
            Param("trade", str | None, "Trade contains.", None, to="filter[trade]", via=ACCOUNT_FILTER),
        ],
        routes={"project": "hq.project_companies.list"},
        fixed={"sort": "name"},
        limit=50,
        not_found="Call list_projects for the project.",
    ),
    GetSpec(
        name="get_company",
        description="One company's trade, address, phone, website.",
        toolset="admin",
        endpoint="hq.companies.get",
        view=COMPANY_DETAIL,
        header=lambda c: f"Company {c.get('name')}",
        ref=COMPANY_REF,
        ref_param=Param("company", str, "Name or id."),
        full=False,
        not_found="Call list_companies for names.",
    ),
    ListSpec(
        name="list_account_users",
        description="People in the whole account, by name or company.",
        toolset="admin",
        endpoint="hq.users.list",
        view=USER,
        noun="people",
        group="company",
        params=[
            Param("name", str | None, "Name contains.", None, to="name"),
            Param("company", str | None, "Company contains.", None, to="company_name"),
        ],
        routes={"name": "hq.users.search", "company": "hq.users.search"},
        fixed={"sort": "name"},
        limit=50,
        maximum=100,
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    GetSpec(
        name="get_person",
        description="A person's contact, projects, products and roles.",
        toolset="admin",
        endpoint="hq.users.get",
        view=PERSON_DETAIL,
        header=lambda u: f"Person {u.get('name')}",
        ref=PERSON_REF,
        ref_param=Param("person", str, "Name, email, id or me."),
        params=[Param("project", str | None, "Also their role here.", None)],
        attach=_access,
        also=(
            *USER_LISTS.values(),
            "admin.project_users.get",
            "admin.projects.list",
            "issues.me.get",
            "admin.project_users.list",
        ),
        full=False,
        not_found="Call list_account_users for names.",
    ),
    GetSpec(
        name="list_business_units",
        description="The account's business units.",
        toolset="admin",
        endpoint="hq.business_units.get",
        view=View(F("units", lambda r, _: [_unit(u) for u in r.get("business_units") or []])),
        header=lambda _: "Business units",
        full=False,
        not_found="Check ACC_ACCOUNT_ID.",
    ),
    GetSpec(
        name="list_accounts",
        description="ACC accounts (hubs) you can reach, with ids.",
        toolset="admin",
        endpoint="dm.hubs.list",
        view=View(F("accounts", lambda r, _: [_hub(h) for h in r.get("data") or []])),
        header=lambda _: "Accounts",
        full=False,
        not_found="Check the sign-in.",
    ),
)
