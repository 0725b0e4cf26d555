"""The sandbox's shared world: one general contractor's account, its companies, people and projects.

Every family module (issues, RFIs, reviews, …) seeds its own records from this world, so that an
issue's assignee is a real project member and a review's reviewer works for a real company. All
randomness comes from `World.rng(name)`, which makes the dataset identical on every run.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT_NAME = "Harbor & Stone Builders"
SANDBOX_TODAY = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
"""The sandbox's "now": fixed, so dates in the dataset (overdue, due next week) never drift."""

_FIRST = (  # noqa: SIM905 - one string reads better than 40 quoted names
    "James Maria Wei Priya Daniel Sofia Marcus Aisha Tomás Hannah Kenji Olivia Rahul Grace Diego Fatima "
    "Liam Chloe Andre Mei Samuel Elena Victor Nadia Owen Leila Patrick Yuki Ethan Camila Isaac Zara Noah "
    "Ingrid Malik Rosa Connor Amara Felix Tessa"
).split()
_LAST = (  # noqa: SIM905
    "Smith Garcia Chen Patel Okafor Rossi Johnson Rahman Alvarez Becker Tanaka Brown Gupta Kim Morales "
    "Haddad O'Brien Dubois Walker Lin Adeyemi Novak Reyes Petrov Hughes Nasser Murphy Sato Cohen Silva "
    "Grant Olsen Park Lindqvist Bello Ortega Doyle Mensah Wagner Brooks"
).split()

# (name, trade, role names used by people at that company)
_COMPANIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (ACCOUNT_NAME, "General Contractor", ("Project Manager", "Superintendent", "Project Engineer", "Field Engineer")),
    ("Meridian Architects", "Architecture", ("Architect", "Designer")),
    ("Calder Structural Engineers", "Structural Engineering", ("Structural Engineer",)),
    ("Brightline MEP Consultants", "Mechanical Engineering", ("MEP Engineer", "Electrical Engineer")),
    ("Ironclad Steel Erectors", "Structural Steel", ("Foreman",)),
    ("Keystone Concrete", "Concrete", ("Foreman",)),
    ("Voltaic Electric", "Electrical", ("Foreman", "Electrical Engineer")),
    ("Cascade Mechanical", "Plumbing", ("Foreman",)),
    ("Summit Drywall & Finishes", "Drywall", ("Foreman",)),
    ("Northgate Health System", "Owner", ("Owner's Representative",)),
)

_CITIES = (
    ("Portland", "Oregon", "97204", "503"), ("Seattle", "Washington", "98101", "206"),
    ("Tacoma", "Washington", "98402", "253"), ("Beaverton", "Oregon", "97005", "971"),
    ("Bellevue", "Washington", "98004", "425"), ("Vancouver", "Washington", "98660", "360"),
)  # fmt: skip
_COORDS = {
    "Portland": (45.52, -122.68), "Seattle": (47.61, -122.33), "Boise": (43.62, -116.2), "Tacoma": (47.25, -122.44),
    "San Francisco": (37.77, -122.42), "Denver": (39.74, -104.99),
}  # fmt: skip
_STREETS = ("SW Morrison St", "NE Broadway", "1st Ave", "Pacific Ave", "Industrial Way", "Harbor Dr")
# (name, type, city, state, job number prefix)
_PROJECTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("St. Mary's Hospital Expansion", "Hospital", "Portland", "Oregon", "SMH"),
    ("Riverside Tower", "Office", "Seattle", "Washington", "RVT"),
    ("Oakridge Middle School", "Schools", "Boise", "Idaho", "OMS"),
    ("Eastgate Logistics Center", "Warehouse (non-manufacturing)", "Tacoma", "Washington", "ELC"),
    ("Pier 9 Mixed-Use", "Multi-Family Housing", "San Francisco", "California", "P9M"),
)
LARGE_PROJECT = ("Metro Transit Hub", "Rail", "Denver", "Colorado", "MTH")
"""Only in a world built with `large=True`: a project with many thousands of issues, for benchmarks."""


def make_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def autodesk_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=12))


def iso(dt: datetime) -> str:
    """APS timestamps: ISO 8601 with milliseconds and a Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass
class World:
    """The account-level records every family shares; build with `World.build()`."""

    seed: int
    large: bool
    account_id: str
    region: str
    companies: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Project id → the users on that project (admin v1 project-user records)."""

    @classmethod
    def build(cls, seed: int = 7, *, large: bool = False, region: str = "US") -> World:
        rng = random.Random(f"{seed}:world")
        world = cls(seed=seed, large=large, account_id=make_uuid(rng), region=region)
        world._seed_companies(rng)
        world._seed_users(rng)
        world._seed_profiles()
        world._seed_projects(rng)
        return world

    def rng(self, name: str) -> random.Random:
        """A deterministic random stream of one's own, so families don't disturb each other's data."""
        return random.Random(f"{self.seed}:{name}")

    # lookups ---------------------------------------------------------------------------------

    def project(self, project_id: str) -> dict[str, Any] | None:
        pid = project_id.removeprefix("b.")
        return next((p for p in self.projects if p["id"] == pid), None)

    def user(self, user_id: str) -> dict[str, Any] | None:
        """By id or Autodesk id (ACC APIs use both)."""
        return next((u for u in self.users if user_id in (u["id"], u["autodeskId"])), None)

    def company(self, company_id: str) -> dict[str, Any] | None:
        return next((c for c in self.companies if c["id"] == company_id), None)

    def project_members(self, project_id: str) -> list[dict[str, Any]]:
        return self.members.get(project_id.removeprefix("b."), [])

    # seeding ---------------------------------------------------------------------------------

    def _seed_companies(self, rng: random.Random) -> None:
        for name, trade, _roles in _COMPANIES:
            created = SANDBOX_TODAY - timedelta(days=rng.randint(400, 1400))
            self.companies.append(
                {
                    "id": make_uuid(rng),
                    "oxygenId": autodesk_id(rng),
                    "accountId": self.account_id,
                    "name": name,
                    "trade": trade,
                    "addresses": [],
                    "phone": f"+1 503 555 {rng.randint(1000, 9999)}",
                    "websiteUrl": "https://www." + "".join(c for c in name.lower() if c.isalnum())[:18] + ".com",
                    "description": f"{trade} — {name}",
                    "erpId": f"ERP-{rng.randint(10000, 99999)}",
                    "taxId": f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
                    "status": "active",
                    "createdAt": iso(created),
                    "updatedAt": iso(created + timedelta(days=rng.randint(1, 300))),
                    "memberCount": 0,
                    "projectSize": 0,
                }
            )

    def _seed_users(self, rng: random.Random) -> None:
        roles: dict[str, str] = {}
        for i, (first, last) in enumerate(zip(_FIRST, _LAST, strict=True)):
            ci = 0 if i < 12 else 1 + (i - 12) % (len(_COMPANIES) - 1)
            company = self.companies[ci]
            role_names = _COMPANIES[ci][2]
            role = role_names[i % len(role_names)]
            role_id = roles.setdefault(role, make_uuid(rng))
            email_local = (first[0] + last).lower().replace("'", "")
            domain = company["websiteUrl"].removeprefix("https://www.")
            added = SANDBOX_TODAY - timedelta(days=rng.randint(30, 900))
            self.users.append(
                {
                    "id": make_uuid(rng),
                    "autodeskId": autodesk_id(rng),
                    "email": f"{email_local}@{domain}",
                    "name": f"{first} {last}",
                    "firstName": first,
                    "lastName": last,
                    "companyId": company["id"],
                    "companyName": company["name"],
                    "jobTitle": role,
                    "roleIds": [role_id],
                    "roles": [{"id": role_id, "name": role}],
                    "status": "active",
                    "accessLevels": {"accountAdmin": i == 0, "projectAdmin": i < 4, "executive": i < 2},
                    "addedOn": iso(added),
                    "updatedAt": iso(added + timedelta(days=rng.randint(0, 25))),
                }
            )
            company["memberCount"] += 1

    def _seed_profiles(self) -> None:
        """Addresses, phones and the other profile fields the reference's records carry, from a stream of
        their own (so adding them moved no id drawn from the world's stream)."""
        rng = self.rng("profiles")
        for n, company in enumerate(self.companies):
            city, state, postal, area = _CITIES[0 if n == 0 else rng.randrange(len(_CITIES))]
            address: dict[str, str | None] = {
                "type": "Main",
                "addressLine1": f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}",
            }
            address |= {"addressLine2": rng.choice((None, f"Suite {rng.randint(100, 450)}")), "city": city}
            address |= {"stateOrProvince": state, "postalCode": postal, "country": "United States"}
            company["addresses"] = [address | {"phone": company["phone"]}]
            company |= {"imageUrl": None, "originalName": company["name"], "userSize": company["memberCount"]}
            company["_area"] = area
        for user in self.users:
            company = next(c for c in self.companies if c["id"] == user["companyId"])
            home = company["addresses"][0]
            user["analyticsId"] = autodesk_id(rng)
            user |= {k: home[k] for k in ("addressLine1", "addressLine2", "city", "stateOrProvince", "postalCode")}
            user |= {"country": "United States", "imageUrl": None, "aboutMe": None, "nickname": user["firstName"]}
            number = f"{company['_area']}-555-{rng.randint(1000, 9999)}"
            user["phone"] = {"number": number, "phoneType": "mobile", "extension": None}
            user["industry"] = "Architecture & Construction Service Providers"
            user["lastSignIn"] = iso(SANDBOX_TODAY - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 900)))
        for company in self.companies:
            del company["_area"]

    def _project_profile(self, project: dict[str, Any]) -> None:
        """The project fields that draw nothing from the world's stream (see `_seed_profiles`)."""
        rng = self.rng(f"profiles:{project['jobNumber']}")
        lat, lon = _COORDS[project["city"]]
        project |= {"addressLine2": None, "postalCode": f"{rng.randint(80000, 99999)}"}
        project |= {
            "latitude": f"{lat + rng.uniform(-0.05, 0.05):.6f}",
            "longitude": f"{lon + rng.uniform(-0.05, 0.05):.6f}",
        }
        project |= {"contractType": rng.choice(("Lump Sum", "Guaranteed Maximum Price", "Cost Plus Fee"))}
        project |= {
            "imageUrl": None,
            "thumbnailImageUrl": None,
            "templateId": None,
            "sheetCount": rng.randint(120, 900),
        }
        project |= {"lastSignIn": iso(SANDBOX_TODAY - timedelta(hours=rng.randint(1, 72)))}
        project |= {
            "memberGroupId": str(rng.randint(1000000, 9999999)),
            "adminGroupId": str(rng.randint(1000000, 9999999)),
        }
        icons = "https://bim360-ea-ue1-prod-storage.s3.amazonaws.com/products/{}.svg"
        project["products"] = [
            p | {"icon": icons.format(p["key"].lower()), "language": "en"} for p in project["products"]
        ]

    def _seed_projects(self, rng: random.Random) -> None:
        specs = list(_PROJECTS) + ([LARGE_PROJECT] if self.large else [])
        for n, (name, ptype, city, state, prefix) in enumerate(specs):
            start = SANDBOX_TODAY - timedelta(days=rng.randint(120, 700))
            project: dict[str, Any] = {
                "id": make_uuid(rng),
                "accountId": self.account_id,
                "name": name,
                "type": ptype,
                "classification": "production",
                "platform": "acc",
                "status": "active" if n != 4 else "pending",
                "jobNumber": f"{prefix}-{rng.randint(1000, 9999)}",
                "addressLine1": f"{rng.randint(100, 4999)} {rng.choice(['Main', 'Harbor', 'Oak', 'Pine', 'Union'])} St",
                "city": city,
                "stateOrProvince": state,
                "country": "United States",
                "timezone": "America/Los_Angeles" if state != "Colorado" else "America/Denver",
                "startDate": start.date().isoformat(),
                "endDate": (start + timedelta(days=rng.randint(500, 1100))).date().isoformat(),
                "projectValue": {"value": rng.randint(12, 480) * 250_000, "currency": "USD"},
                "currentPhase": rng.choice(["Design", "Preconstruction", "Construction"]),
                "constructionType": "New Construction",
                "deliveryMethod": rng.choice(["Design-Bid-Build", "Construction Manager at Risk", "Design-Build"]),
                "products": [
                    {"key": key, "status": "active", "name": label}
                    for key, label in (("docs", "Docs"), ("build", "Build"), ("autoSpecs", "AutoSpecs"))
                ],
                "businessUnitId": None,
                "createdAt": iso(start - timedelta(days=30)),
                "updatedAt": iso(SANDBOX_TODAY - timedelta(days=rng.randint(0, 20))),
            }
            # Everyone at the GC and the owner is on every job; consultants and trades on most.
            team = [u for u in self.users if u["companyName"] in (ACCOUNT_NAME, "Northgate Health System")]
            others = [u for u in self.users if u not in team]
            team += rng.sample(others, k=len(others) * 3 // 4)
            project["memberCount"] = len(team)
            project["companyCount"] = len({u["companyId"] for u in team})
            self._project_profile(project)
            self.projects.append(project)
            self.members[project["id"]] = [
                {
                    **u,
                    "accessLevels": dict(u["accessLevels"]),
                    "products": [{"key": "docs", "access": "member"}, {"key": "build", "access": "member"}],
                }
                for u in team
            ]
