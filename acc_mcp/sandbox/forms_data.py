"""Each project's forms: templates (daily report, safety inspection, QA/QC checklists, pre-task plans, permits)
and ten weeks of forms filled from them by real project members, placed on the project's location tree.

Everything draws from the project's own `forms:<id>` stream, so adding forms moved no other family's ids.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from .locations_data import project_locations
from .world import SANDBOX_TODAY, World, iso, make_uuid

Record = dict[str, Any]
STATUSES = ("draft", "inReview", "submitted", "archived")
# (name, templateType, a PDF form?, how often: "daily" | "weekly" | forms over ten weeks)
TEMPLATES: tuple[tuple[str, str, bool, str | int], ...] = (
    ("Daily Report", "pg.template_type.daily_report", False, "daily"),
    ("Weekly Site Safety Inspection", "pg.template_type.safety", False, "weekly"),
    ("QA/QC Checklist - Concrete Pour", "pg.template_type.quality", False, 8),
    ("QA/QC Checklist - Above Ceiling Inspection", "pg.template_type.quality", False, 6),
    ("Pre-Task Plan", "pg.template_type.pre_task_plan", False, 14),
    ("Hot Work Permit", "pg.template_type.permit", True, 5),
)
RETIRED = ("Daily Safety Inspection (2024)", "pg.template_type.safety")
"""An archived template: listed, with no new forms."""
NOTES = (
    "All crews briefed at start of shift.",
    "Housekeeping on the east stair needs attention.",
    "Two guardrail sections reset; rechecked OK.",
    "Inspector on site 10:00-11:30, no findings.",
    "Rain delay of 45 minutes in the afternoon.",
    "Deliveries staged at the north laydown area.",
)
SKIES = ("Clear", "Partly Cloudy", "Cloudy", "Light Rain", "Rain", "Fog")


def _weather(rng: random.Random, day: str) -> Record:
    low = round(rng.uniform(38, 52), 1)
    hours = [
        {
            "id": rng.randint(1000, 99999),
            "hour": f"{h:02d}:00:00",
            "temp": round(low + (h - 6) * rng.uniform(0.8, 1.6), 2),
            "windSpeed": round(rng.uniform(2, 18), 1),
            "windBearing": rng.randint(0, 359),
            "humidity": round(rng.uniform(0.4, 0.95), 2),
            "fetchedAt": None,
            "createdAt": f"{day}T{h:02d}:05:00+00:00",
            "updatedAt": f"{day}T{h:02d}:05:00+00:00",
        }
        for h in (7, 10, 13, 16)
    ]
    return {
        "summaryKey": rng.choice(SKIES),
        "precipitationAccumulation": round(rng.choice((0, 0, 0, rng.uniform(0.01, 0.6))), 2),
        "precipitationAccumulationUnit": "in",
        "temperatureMin": low,
        "temperatureMax": round(low + rng.uniform(6, 16), 1),
        "temperatureUnit": "Fahrenheit",
        "humidity": round(rng.uniform(0.45, 0.9), 2),
        "windSpeed": round(rng.uniform(2, 15), 1),
        "windGust": round(rng.uniform(10, 35), 1),
        "speedUnit": "mph",
        "windBearing": rng.randint(0, 359),
        "hourlyWeather": hours,
        "provider": "weatherkit",
    }


def _days(how: str | int, rng: random.Random) -> list[datetime]:
    """The form dates of one template over the last ten weeks (weekdays for daily reports, Mondays weekly)."""
    start = SANDBOX_TODAY - timedelta(days=70)
    every = [start + timedelta(days=d) for d in range(71)]
    if how == "daily":
        return [d for d in every if d.weekday() < 5]
    if how == "weekly":
        return [d for d in every if d.weekday() == 0]
    return sorted(rng.sample([d for d in every if d.weekday() < 5], k=int(how)))


def generate(world: World, project: Record) -> tuple[list[Record], list[Record]]:
    """(templates, forms) of one project, forms in formNum order."""
    rng = world.rng(f"forms:{project['id']}")
    pid = project["id"]
    members = world.project_members(pid)
    gc = [m for m in members if m["companyName"] == members[0]["companyName"]]
    companies = {c["name"]: c["oxygenId"] for c in world.companies}
    trades = [companies[m["companyName"]] for m in members if m not in gc]
    places = [n["id"] for n in project_locations(world, project) if n["parentId"] is not None]
    templates: list[Record] = []
    forms: list[Record] = []
    for name, kind, pdf, how in (*TEMPLATES, (*RETIRED, False, 0)):
        author = rng.choice(gc[:4])
        tid = make_uuid(rng)
        updated = SANDBOX_TODAY - timedelta(days=rng.randint(80, 400))
        template = {"projectId": pid, "id": tid, "name": name, "status": "active" if how else "inactive"}
        template |= {"templateType": kind, "userPermissions": [], "groupPermissions": []}
        template |= {"createdBy": author["autodeskId"], "updatedAt": iso(updated), "isPdf": pdf}
        template |= {"pdfUrl": f"https://sandbox-files.invalid/forms/{tid}.pdf" if pdf else None}
        template["forms"] = {"url": f"/construction/forms/v1/projects/{pid}/forms?templateId={tid}"}
        templates.append(template)
        for day in _days(how, rng) if how else []:
            forms.append(_form(rng, template, day, rng.choice(gc), trades, places))
    forms.sort(key=lambda f: (f["formDate"], f["id"]))
    for n, form in enumerate(forms, start=1):
        form["formNum"] = n
    return templates, forms


def _form(
    rng: random.Random, template: Record, day: datetime, by: Record, trades: list[str], places: list[str]
) -> Record:
    age = (SANDBOX_TODAY - day).days
    status = "draft" if age < 1 else rng.choices(STATUSES, (1, 2 if age < 7 else 0.3, 12, 1 if age > 30 else 0))[0]
    created = day.replace(hour=rng.randint(6, 9), minute=rng.randint(0, 59))
    updated = min(created + timedelta(hours=rng.randint(1, 30)), SANDBOX_TODAY - timedelta(minutes=5))
    to_company = (
        template["templateType"] in ("pg.template_type.quality", "pg.template_type.permit") and rng.random() < 0.5
    )
    tid = template["id"]
    form: Record = {"status": status, "id": make_uuid(rng), "projectId": template["projectId"], "formNum": 0}
    form |= {"name": template["name"], "formDate": day.date().isoformat()}
    form |= {"assigneeId": rng.choice(trades) if to_company and trades else by["autodeskId"]}
    form |= {"assigneeType": "company" if to_company and trades else "user"}
    form |= {"locationId": rng.choice(places) if rng.random() < 0.8 else None, "updatedAt": iso(updated)}
    form |= {"createdBy": by["autodeskId"], "notes": rng.choice(NOTES), "description": template["name"]}
    keys = ("status", "id", "projectId", "name", "templateType")
    form["formTemplate"] = {k: template[k] for k in keys}
    form["pdfValues"] = [{"name": "PermitNumber", "value": f"HW-{rng.randint(100, 999)}"}] if template["isPdf"] else []
    form["pdfUrl"] = f"https://sandbox-files.invalid/forms/{tid}/{form['id']}.pdf" if template["isPdf"] else None
    form["weather"] = _weather(rng, form["formDate"])
    form["tabularValues"] = {"worklogEntries": None, "materialsEntries": None, "equipmentEntries": None}
    form["customValues"] = []
    form["lastReopenedBy"] = by["autodeskId"] if status != "draft" and rng.random() < 0.05 else None
    signed = status in ("submitted", "archived")
    form["lastSubmitterSignature"] = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=" if signed else None
    form |= {"userCreatedAt": iso(created), "createdAt": iso(created + timedelta(seconds=1))}
    return form
