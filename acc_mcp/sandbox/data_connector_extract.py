"""Data Connector extracts: the files a finished job produces.

The reference says an extract holds CSVs named per service group (its example is `admin_companies.csv`), a
README describing their schemas, and a ZIP with all of them. Admin, issues and RFI tables are the very records the
REST routes serve (the world's projects, users and companies; `issues_data`, `rfis_data`), so a question answered
over an extract gives the same numbers as over the API; the other groups get plausible rows from `world.rng`.
Either way an extract is the same on every run. The benchmark file (`large_issues_file`) is never built in
memory: it is a stream of fixed-width rows whose total length is known up front, so Content-Length is exact.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from . import issues_data, rfis_data
from .world import World, iso, make_uuid

SERVICE_GROUPS = (
    "all", "activities", "admin", "assets", "checklists", "cost", "dailylogs", "forms", "iq", "issues",
    "locations", "markups", "meetingminutes", "photos", "relationships", "reviews", "rfis", "schedule",
    "sheets", "submittals", "submittalsacc", "transmittals",
)  # fmt: skip
"""Every value the reference lists for `serviceGroups`; `all` expands to the rest."""

ZIP_NAME = "autodesk_data_extract.zip"
README_NAME = "README.txt"
LARGE_FILE_SIZE = 1 << 30
"""The benchmark CSV: exactly 1 GiB."""

CSV_TYPE = "text/csv; charset=utf-8"

_ISSUE_COLUMNS = [
    "issue_id", "bim360_account_id", "bim360_project_id", "display_id", "title", "status", "issue_type",
    "assignee_id", "due_date", "created_by", "created_at", "updated_at", "closed_at", "description",
]  # fmt: skip
"""The benchmark file's columns (a fixed-width stream, kept as it was)."""
_GENERIC_TABLES = {
    "activities": "events", "assets": "assets", "checklists": "checklists", "cost": "budgets",
    "dailylogs": "daily_logs", "forms": "forms", "iq": "risk_scores", "locations": "nodes", "markups": "markups",
    "meetingminutes": "meetings", "photos": "photos", "relationships": "entity_relationships",
    "reviews": "reviews", "schedule": "activities", "sheets": "sheets", "submittals": "items",
    "submittalsacc": "items", "transmittals": "transmittals",
}  # fmt: skip
_ISSUE_TITLES = (
    "Missing fire caulk at rated wall penetration", "Drywall damage at corridor corner", "Ceiling grid out of level",
    "Door hardware does not match schedule", "Duct insulation torn", "Concrete spall at slab edge",
    "Exposed rebar at column base", "Paint touch-up required", "Outlet cover plate missing",
    "Sprinkler head obstructed by duct",
)  # fmt: skip
_STATUSES = ("open", "open", "pending", "in_review", "closed", "closed")
_TYPES = ("Quality", "Safety", "Punch", "Design", "Commissioning")

Table = tuple[list[str], list[list[Any]]]

ISSUE_SCHEMA = {
    "issue_id": "The issue's id.", "bim360_account_id": "The account's id.",
    "bim360_project_id": "The project's id (admin_projects.id).", "display_id": "The number people quote (#42).",
    "title": "Short title.", "description": "Longer text.",
    "status": "draft, open, pending, in_progress, completed, in_review, not_approved, in_dispute or closed.",
    "issue_type": "The type (category), e.g. Safety.", "issue_subtype": "The subtype, e.g. Fall protection.",
    "assignee_id": "Who must act: admin_users.autodesk_id, a company id or a role id (see assignee_type).",
    "assignee_type": "user, company or role.", "due_date": "Due date.", "start_date": "Start date.",
    "location_id": "Location (LBS node) id.", "root_cause": "Root cause, when set.",
    "created_by": "Author (admin_users.autodesk_id).", "created_at": "Created (UTC).",
    "updated_at": "Last change (UTC).", "opened_at": "Published (UTC).",
    "closed_by": "Who closed it (admin_users.autodesk_id).", "closed_at": "Closed (UTC).",
    "comment_count": "Comments.", "attachment_count": "Attachments.",
}  # fmt: skip
COMMENT_SCHEMA = {
    "issue_comment_id": "The comment's id.", "bim360_account_id": "The account's id.",
    "bim360_project_id": "The project's id.", "issue_id": "The issue (issues_issues.issue_id).",
    "comment_body": "The text.", "created_by": "Author (admin_users.autodesk_id).", "created_at": "Posted (UTC).",
}  # fmt: skip
RFI_SCHEMA = {
    "id": "The RFI's id.", "bim360_account_id": "The account's id.", "bim360_project_id": "The project's id.",
    "custom_identifier": "The number people quote (RFI 012).", "title": "Short title.",
    "status": "draft, submitted, open, answered, rejected, closed or void.", "priority": "High, Normal or Low.",
    "discipline": "Discipline.", "category": "Category.",
    "assigned_to": "Whose court it is in (admin_users.autodesk_id).", "manager_id": "The RFI manager.",
    "created_by": "Author (admin_users.autodesk_id).", "created_at": "Created (UTC).",
    "updated_at": "Last change (UTC).", "due_date": "Due (UTC).", "responded_at": "Answered (UTC).",
    "closed_at": "Closed (UTC).", "cost_impact": "Yes, No or Unknown.", "schedule_impact": "Yes, No or Unknown.",
    "location_description": "Where.",
}  # fmt: skip
MEANINGS = {
    "id": "The record's id.", "bim360_account_id": "The account's id.", "bim360_project_id": "The project's id.",
    "name": "Name.", "trade": "The company's trade.", "status": "Status.", "created_at": "Created (UTC).",
    "updated_at": "Last change (UTC).", "created_by": "Author (admin_users.autodesk_id).",
    "assignee_id": "Assignee (admin_users.autodesk_id).", "company_id": "The company (admin_companies.id).",
    "user_id": "The user (admin_users.id).", "autodesk_id": "The user's Autodesk id (what other tables store).",
    "email": "Email.", "first_name": "First name.", "last_name": "Last name.", "job_title": "Job title.",
    "project_type": "Kind of building.", "job_number": "Job number.", "value": "Contract value.",
    "is_project_admin": "Project admin.", "company_name": "The company's name.",
}  # fmt: skip
"""One-line meanings of the other tables' columns, for the README."""


@dataclass(frozen=True)
class ExtractFile:
    """One file in a job's extract: its bytes, or (for the benchmark file) a factory for a stream of them."""

    name: str
    size: int
    content_type: str
    body: bytes | None = None
    stream: Callable[[], Iterator[bytes]] | None = None


@dataclass(frozen=True)
class Scope:
    """What a job extracts: which groups, for which projects, as of when."""

    job_id: str
    groups: Sequence[str]
    projects: Sequence[dict[str, Any]]
    completed_at: datetime


def expand_groups(groups: Sequence[str]) -> list[str]:
    if "all" in groups:
        return [g for g in SERVICE_GROUPS if g != "all"]
    return list(groups)


def _csv(columns: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode()


_ADMIN: dict[str, dict[str, str]] = {
    "companies": {"id": "id", "name": "name", "trade": "trade", "phone": "phone", "website_url": "websiteUrl",
                  "erp_id": "erpId", "tax_id": "taxId", "status": "status", "created_at": "createdAt"},
    "projects": {"id": "id", "name": "name", "project_type": "type", "status": "status", "job_number": "jobNumber",
                 "start_date": "startDate", "end_date": "endDate", "city": "city",
                 "state_or_province": "stateOrProvince", "value": "projectValue.value",
                 "currency": "projectValue.currency", "created_at": "createdAt"},
    "users": {"id": "id", "email": "email", "first_name": "firstName", "last_name": "lastName",
              "company_id": "companyId", "job_title": "jobTitle", "status": "status", "added_on": "addedOn",
              "updated_at": "updatedAt", "autodesk_id": "autodeskId"},
}  # fmt: skip
"""Admin table → CSV column → world record key (a dot reaches into a nested object)."""


def _get(record: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        record = record[key]
    return record


def _rows(columns: list[str], records: list[dict[str, Any]]) -> Table:
    return columns, [[r.get(c) for c in columns] for r in records]


def _admin(world: World, scope: Scope) -> dict[str, Table]:
    sources = {"companies": world.companies, "projects": list(scope.projects), "users": world.users}
    out: dict[str, Table] = {}
    for table, mapping in _ADMIN.items():
        columns = ["id", "bim360_account_id", *list(mapping)[1:]]
        records = [{"bim360_account_id": world.account_id} | {c: _stamp(_get(r, k)) for c, k in mapping.items()}
                   for r in sources[table]]  # fmt: skip
        out[table] = _rows(columns, records)
    members = [
        {"bim360_project_id": p["id"], "user_id": u["id"], "autodesk_id": u["autodeskId"], "email": u["email"],
         "company_id": u["companyId"], "company_name": u["companyName"],
         "is_project_admin": u["accessLevels"]["projectAdmin"]}
        for p in scope.projects for u in world.project_members(p["id"])
    ]  # fmt: skip
    columns = ["bim360_project_id", "user_id", "autodesk_id", "email", "company_id", "company_name", "is_project_admin"]
    out["project_users"] = _rows(columns, members)
    return out


def _common(world: World, scope: Scope, rng: Any, project: dict[str, Any], days: int) -> dict[str, Any]:
    """Columns every project-level table has: ids, author and timestamps before the extract ran."""
    created = scope.completed_at - timedelta(days=rng.randint(1, days), minutes=rng.randint(0, 1439))
    updated = min(scope.completed_at, created + timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23)))
    team = world.project_members(project["id"]) or world.users
    return {
        "id": make_uuid(rng), "bim360_account_id": world.account_id, "bim360_project_id": project["id"],
        "created_by": rng.choice(team)["id"], "assignee_id": rng.choice(team)["id"],
        "created_at": iso(created), "updated_at": iso(updated),
    }  # fmt: skip


_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def _stamp(value: Any) -> Any:
    """The API's ISO timestamps, as the extract writes them (`2026-05-01 14:03:00.000`: a SQL timestamp)."""
    return value[:-1].replace("T", " ") if isinstance(value, str) and _ISO.match(value) else value


def _issues(world: World, scope: Scope) -> dict[str, Table]:
    """The issues the REST routes serve (deleted ones left out, as the list does by default), with names for
    the type, subtype and root cause, so an analysis needs no lookup table for them."""
    issues: list[list[Any]] = []
    comments: list[list[Any]] = []
    for p in scope.projects:
        data = issues_data.generate(world, p)
        types = {t["id"]: t["title"] for t in data.issue_types}
        subtypes = {s["id"]: s["title"] for t in data.issue_types for s in t.get("subtypes", [])}
        causes = {c["id"]: c["title"] for cat in data.root_cause_categories for c in cat.get("rootCauses", [])}
        for i in data.issues:
            if i["deleted"]:
                continue
            issues.append(
                [i["id"], world.account_id, p["id"], i["displayId"], i["title"], i["description"], i["status"],
                 types.get(i["issueTypeId"]), subtypes.get(i["issueSubtypeId"]), i["assignedTo"],
                 i["assignedToType"], i["dueDate"], i["startDate"], i["locationId"], causes.get(i["rootCauseId"]),
                 i["createdBy"], _stamp(i["createdAt"]), _stamp(i["updatedAt"]), _stamp(i["openedAt"]),
                 i["closedBy"], _stamp(i["closedAt"]), i["commentCount"], i["attachmentCount"]]
            )  # fmt: skip
            for c in issues_data.comments(world, p["id"], i) if i["commentCount"] else ():
                comments.append([c["id"], world.account_id, p["id"], i["id"], c["body"], c["createdBy"],
                                 _stamp(c["createdAt"])])  # fmt: skip
    return {
        "issues": (list(ISSUE_SCHEMA), issues),
        "issue_comments": (list(COMMENT_SCHEMA), comments),
    }


def _first(refs: Any) -> Any:
    return refs[0]["id"] if refs else None


def _rfis(world: World, scope: Scope) -> dict[str, Table]:
    """The RFIs the REST routes serve, one row each."""
    rows: list[list[Any]] = []
    for p in scope.projects:
        for r in rfis_data.generate(world, p).rfis:
            rows.append(
                [r["id"], world.account_id, p["id"], r["customIdentifier"], r["title"], r["status"], r["priority"],
                 ", ".join(r["discipline"]), ", ".join(r["category"]), _first(r["assignedTo"]), r["managerId"],
                 r["createdBy"], _stamp(r["createdAt"]), _stamp(r["updatedAt"]), _stamp(r["dueDate"]),
                 _stamp(r["respondedAt"]), _stamp(r["closedAt"]), r["costImpact"], r["scheduleImpact"],
                 r["locationDescription"]]
            )  # fmt: skip
    return {"rfis": (list(RFI_SCHEMA), rows)}


def _generic(world: World, scope: Scope, group: str) -> dict[str, Table]:
    rng = world.rng(f"data_connector:{scope.job_id}:{group}")
    table = _GENERIC_TABLES[group]
    rows = [
        _common(world, scope, rng, p, 365) | {"name": f"{table.replace('_', ' ').title()} {n:03d}",
                                               "status": rng.choice(_STATUSES)}
        for p in scope.projects for n in range(1, rng.randint(3, 12) + 1)
    ]  # fmt: skip
    columns = ["id", "bim360_account_id", "bim360_project_id", "name", "status", "created_by", "created_at"]
    return {table: _rows([*columns, "updated_at"], rows)}


def _tables(world: World, scope: Scope, group: str) -> dict[str, Table]:
    if group == "admin":
        return _admin(world, scope)
    if group == "issues":
        return _issues(world, scope)
    if group == "rfis":
        return _rfis(world, scope)
    return _generic(world, scope, group)


def _readme(scope: Scope, schemas: dict[str, list[str]]) -> bytes:
    """The schema file: per CSV, its columns each with a one-line meaning (`  - column: meaning`)."""
    lines = [
        "Autodesk Data Connector extract",
        f"Job: {scope.job_id}",
        f"Extracted at: {iso(scope.completed_at)}",
        f"Service groups: {', '.join(scope.groups)}",
        f"Projects: {', '.join(p['id'] for p in scope.projects)}",
        "",
        "Files (one CSV per table; the first row holds the column names):",
    ]
    known = {
        "issues_issues.csv": ISSUE_SCHEMA,
        "issues_issue_comments.csv": COMMENT_SCHEMA,
        "rfis_rfis.csv": RFI_SCHEMA,
    }
    for name, columns in schemas.items():
        meanings = known.get(name, MEANINGS)
        lines += ["", name] + [f"  - {c}: {meanings[c]}" if c in meanings else f"  - {c}" for c in columns]
    return ("\n".join(lines) + "\n").encode()


def build_extract(world: World, scope: Scope) -> list[ExtractFile]:
    """Every file of a successful job's extract, CSVs first, then the README and the master ZIP."""
    files: list[ExtractFile] = []
    schemas: dict[str, list[str]] = {}
    for group in expand_groups(scope.groups):
        for table, (columns, rows) in _tables(world, scope, group).items():
            name = f"{group}_{table}.csv"
            body = _csv(columns, rows)
            files.append(ExtractFile(name, len(body), CSV_TYPE, body))
            schemas[name] = columns
    readme = _readme(scope, schemas)
    files.append(ExtractFile(README_NAME, len(readme), "text/plain; charset=utf-8", readme))
    stamp = scope.completed_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.writestr(zipfile.ZipInfo(f.name, date_time=stamp), f.body or b"", zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    files.append(ExtractFile(ZIP_NAME, len(data), "application/zip", data))
    return files


# The benchmark file ------------------------------------------------------------------------------------

_ROWS_PER_CHUNK = 8192


def large_issues_file(world: World, scope: Scope, size: int = LARGE_FILE_SIZE) -> list[ExtractFile]:
    """A single huge `issues_issues.csv` plus its README; the CSV is streamed, never held in memory."""
    header = (",".join(_ISSUE_COLUMNS) + "\n").encode()
    rng = world.rng(f"data_connector:{scope.job_id}:large")
    prefix = make_uuid(rng)[:24]  # "xxxxxxxx-xxxx-4xxx-yxxx-": the row number fills the last 12 hex digits
    # Rows go round the request's projects (ids all 36 characters, so every row keeps the same length): a
    # cross-project aggregate over the file is really cross-project.
    leads = [f"{world.account_id},{p['id']}" for p in scope.projects]
    lead = leads[0]
    team = world.project_members(scope.projects[0]["id"]) or world.users
    tails: list[str] = []
    for j in range(1024):
        day = scope.completed_at - timedelta(days=1 + j % 700, minutes=j)
        status = _STATUSES[j % len(_STATUSES)]
        tails.append(
            f"{_ISSUE_TITLES[j % len(_ISSUE_TITLES)]},{status},{_TYPES[j % len(_TYPES)]},{team[j % len(team)]['id']},"
            f"{(day + timedelta(days=21)).date().isoformat()},{team[(j * 7) % len(team)]['id']},{iso(day)},"
            f"{iso(day + timedelta(hours=5))},{iso(day + timedelta(days=3)) if status == 'closed' else ''},"
            f"Observed on level {1 + j % 40} zone {'ABCDEFGH'[j % 8]}"
        )
    width = max(len(t) for t in tails)
    tails = [t.ljust(width) for t in tails]  # pad the trailing description so every row has the same length
    row_len = len(f"{prefix}{0:012x},{lead},{1:08d},{tails[0]}\n".encode())
    body_len = size - len(header)
    rows, extra = divmod(body_len, row_len)
    if rows < 1:
        raise ValueError(f"size {size} is too small for one row of {row_len} bytes")

    def stream() -> Iterator[bytes]:
        yield header
        for start in range(0, rows, _ROWS_PER_CHUNK):
            stop = min(rows, start + _ROWS_PER_CHUNK)
            chunk = "".join(
                f"{prefix}{i:012x},{leads[i % len(leads)]},{i + 1:08d},{tails[i & 1023]}\n" for i in range(start, stop)
            )
            if stop == rows and extra:
                chunk = chunk[:-1] + " " * extra + "\n"  # the last row's description absorbs the remainder
            yield chunk.encode()

    readme = _readme(scope, {"issues_issues.csv": list(_ISSUE_COLUMNS)})
    return [
        ExtractFile("issues_issues.csv", size, CSV_TYPE, stream=stream),
        ExtractFile(README_NAME, len(readme), "text/plain; charset=utf-8", readme),
    ]
