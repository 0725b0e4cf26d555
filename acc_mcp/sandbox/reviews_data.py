"""The Reviews dataset: approval workflows, reviews, their step-by-step progress and the file versions under review.

Everything is simulated forward in time from each review's creation, step by step through its workflow, so the
progress records, the current step, its due date, `nextActionBy` and the file approval statuses always agree
with each other. All randomness comes from `world.rng("reviews")`.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .reviews_vocab import (
    AREAS,
    DISCIPLINE,
    HOSPITAL_OVERDUE,
    HOSPITAL_REVIEW,
    NAMES,
    REVIEW_NOTES,
    SHEETS,
    WORKFLOWS,
    Step,
)
from .world import SANDBOX_TODAY, World, iso, make_uuid

__all__ = ["HOSPITAL_OVERDUE", "HOSPITAL_REVIEW", "ReviewsData", "build", "ref", "role_autodesk_id"]


def role_autodesk_id(role_uuid: str) -> str:
    """ACC's Reviews API names roles by a numeric Autodesk ID; derive a stable one from the admin role id."""
    return str(int(role_uuid.replace("-", "")[:8], 16) % 9_000_000 + 1_000_000)


def ref(user: dict[str, Any]) -> dict[str, str]:
    return {"autodeskId": user["autodeskId"], "name": user["name"]}


def _urn_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=22))


def _add_days(start: datetime, days: int, due_type: str) -> datetime:
    if due_type != "WORKDAY":
        return start + timedelta(days=days)
    out = start
    while days > 0:
        out += timedelta(days=1)
        days -= out.weekday() < 5
    return out


@dataclass
class ReviewsData:
    """Everything the Reviews routes serve, keyed for direct lookup."""

    workflows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    progress: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    approvals: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)


class _ProjectSeeder:
    """Builds one project's workflows and reviews from the shared stream."""

    def __init__(self, world: World, project: dict[str, Any], rng: random.Random) -> None:
        self.world, self.project, self.rng = world, project, rng
        self.members = world.project_members(project["id"])
        self.sheets: dict[str, list[Any]] = {}  # sheet name -> [lineage id, current version]
        self.busy: set[str] = set()  # sheets held by an OPEN review

    def candidates(self, who: str) -> dict[str, list[dict[str, str]]]:
        names = who.split(",")
        roles = {n for n in names if not n.startswith("@")}
        companies = {n[1:] for n in names if n.startswith("@")}
        role_refs = {u["roles"][0]["id"]: u["roles"][0]["name"] for u in self.members if u["jobTitle"] in roles}
        pool = [u for u in self.members if u["jobTitle"] in roles or u["companyName"] in companies]
        users = sorted(self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 3))), key=lambda u: u["name"])
        comps = [c for c in self.world.companies if c["name"] in companies]
        return {
            "roles": [{"autodeskId": role_autodesk_id(i), "name": n} for i, n in sorted(role_refs.items())],
            "users": [ref(u) for u in users],
            "companies": [{"autodeskId": c["oxygenId"], "name": c["name"]} for c in comps],
        }

    def eligible(self, cands: dict[str, list[dict[str, str]]]) -> list[dict[str, Any]]:
        users = {c["autodeskId"] for c in cands["users"]}
        roles = {c["autodeskId"] for c in cands["roles"]}
        companies = {c["name"] for c in cands["companies"]}
        out = [
            u
            for u in self.members
            if u["autodeskId"] in users
            or role_autodesk_id(u["roles"][0]["id"]) in roles
            or u["companyName"] in companies
        ]
        return out or [u for u in self.members if u["jobTitle"] == "Project Manager"]

    def workflow(self, spec: tuple[str, str, str, str, str, tuple[Step, ...]]) -> dict[str, Any]:
        rng = self.rng
        name, _discipline, status, description, notes, steps = spec
        created = SANDBOX_TODAY - timedelta(days=rng.randint(260, 520), hours=rng.randint(0, 23))
        options = [
            {"label": "Approved", "value": "APPROVED", "id": make_uuid(rng), "builtIn": True},
            {"label": "Rejected", "value": "REJECTED", "id": make_uuid(rng), "builtIn": True},
        ]
        if rng.random() < 0.7:
            options.insert(
                1, {"label": "Approved as Noted", "value": "APPROVED", "id": make_uuid(rng), "builtIn": False}
            )
        if rng.random() < 0.5:
            options.append(
                {"label": "Revise and Resubmit", "value": "REJECTED", "id": make_uuid(rng), "builtIn": False}
            )
        out_steps = []
        for spec_step in steps:
            step: dict[str, Any] = {"name": spec_step.name, "type": spec_step.type}
            if spec_step.type != "INITIATOR":
                step.update(duration=spec_step.duration, dueDateType=spec_step.due)
            if spec_step.type == "REVIEWER":
                group = spec_step.group
                step["groupReview"] = {"enabled": group is not None}
                if group:  # `min` only means something for MINIMUM ("set automatically", per the reference)
                    step["groupReview"].update(type=group[0], **({"min": group[1]} if group[0] == "MINIMUM" else {}))
            step["id"] = "Lane_" + "".join(rng.choices(string.ascii_letters + string.digits, k=10))
            step["candidates"] = self.candidates(spec_step.who)
            out_steps.append(step)
        copy = rng.random() < 0.6
        return {
            "name": name,
            "description": description,
            "notes": notes,
            "additionalOptions": {"allowInitiatorToEdit": rng.random() < 0.5},
            "id": make_uuid(rng),
            "status": status,
            "approvalStatusOptions": options,
            "steps": out_steps,
            "copyFilesOptions": {
                "enabled": copy,
                "allowOverride": rng.random() < 0.3,
                "condition": rng.choice(["ANY", "ALL"]),
                "folderUrn": f"urn:adsk.wipprod:fs.folder:co.{_urn_id(rng)}" if copy else None,
                "includeMarkups": rng.random() < 0.4,
                "disableOverrideMarkupSetting": False,
            },
            "attachedAttributes": [{"id": 1001, "required": True}, {"id": 1002, "required": False}],
            "updateAttributesOptions": {"enableAttachedAttributes": copy, "updateSourceAndCopiedFiles": False},
            "createdAt": iso(created),
            "updatedAt": iso(created + timedelta(days=rng.randint(1, 200), minutes=rng.randint(0, 600))),
        }


def _clip(at: datetime) -> datetime:
    return min(at, SANDBOX_TODAY - timedelta(minutes=5))


@dataclass
class _Plan:
    """One review before its files are assigned (files need chronological order across the project)."""

    review: dict[str, Any]
    progress: list[dict[str, Any]]
    discipline: str
    workflow: dict[str, Any]
    sheets: tuple[str, ...] = ()


def _simulate(
    seeder: _ProjectSeeder,
    wf: dict[str, Any],
    discipline: str,
    name: str,
    status: str,
    *,
    current: int | None = None,
    days_in: float | None = None,
    claim: bool = False,
) -> _Plan:
    """Walk the review through its workflow's steps up to today (OPEN), its last step (CLOSED) or a void."""
    rng, steps = seeder.rng, wf["steps"]
    actual = [0.0] + [s["duration"] * rng.uniform(0.3, 1.25) for s in steps[1:]]
    k = current if current is not None else rng.randint(1, len(steps) - 1)
    if status == "OPEN":
        days_in = days_in if days_in is not None else steps[k]["duration"] * rng.uniform(0.05, 1.8)
        age = sum(actual[1:k]) + days_in
    elif status == "VOID":
        days_in = steps[k]["duration"] * rng.uniform(0.1, 1.0)
        age = sum(actual[1:k]) + days_in + rng.uniform(3, 150)
    else:
        age = sum(actual[1:]) + rng.uniform(2, 200)
    created = SANDBOX_TODAY - timedelta(days=age, minutes=rng.randint(0, 300))
    initiator = rng.choice(seeder.eligible(steps[0]["candidates"]))
    records: list[dict[str, Any]] = [
        _record(steps[0], "SUBMITTED", initiator, initiator, created, "Submitted for review.")
    ]
    events = [created]
    review: dict[str, Any] = {"currentStepId": None, "currentStepDueDate": None, "finishedAt": None}
    claimed: list[dict[str, str]] = []
    t = created
    for i, step in enumerate(steps[1:], start=1):
        group = step.get("groupReview", {})
        pool = seeder.eligible(step["candidates"])
        count = min(len(pool), group.get("min", 1) if group.get("type") != "ALL" else 3) if group.get("enabled") else 1
        people = rng.sample(pool, k=max(1, count))
        due = _add_days(t, step["duration"], step["dueDateType"])
        if status == "OPEN" and i == k:
            assert days_in is not None
            in_step = SANDBOX_TODAY - t
            acts = sorted(((p, 0.5 if claim else rng.random()) for p in people), key=lambda pr: pr[1])
            for person, roll in acts:
                if roll < 0.3 and len(people) > 1:
                    end = _clip(t + in_step * rng.uniform(0.4, 0.9))
                    records.append(_record(step, "SUBMITTED", person, person, end, rng.choice(REVIEW_NOTES)))
                    events.append(end)
                elif roll < 0.8:
                    events.append(_clip(t + in_step * rng.uniform(0.05, 0.4)))
                    records.append(_record(step, "CLAIMED", person, None, None, None))
                    claimed.append(ref(person))
            if not claimed and not any(r["stepId"] == step["id"] for r in records):
                records.append(_record(step, "UNCLAIMED", None, None, None, None))
            review.update(currentStepId=step["id"], currentStepDueDate=iso(due))
            review["nextActionBy"] = {"claimedBy": claimed, "candidates": step["candidates"]}
            break
        if status == "VOID" and i == k:
            assert days_in is not None
            end = t + timedelta(days=days_in)
            holder = people[0] if rng.random() < 0.5 else None
            records.append(_record(step, "VOID", holder, initiator, end, "Voided – superseded by a revised package."))
            review["finishedAt"] = iso(end)
            events.append(end)
            break
        finish = t + timedelta(days=actual[i])
        leads = sorted((rng.uniform(3, 30) * n for n in range(len(people))), reverse=True)
        for person, lead in zip(people, leads, strict=True):
            end = finish - timedelta(hours=lead)
            records.append(_record(step, "SUBMITTED", person, person, max(end, t), rng.choice(REVIEW_NOTES)))
        t = finish
        events.append(finish)
    if status == "CLOSED":
        review["finishedAt"] = iso(t)
    archived_by, archived_at = None, None
    finished = events[-1]
    if status != "OPEN" and SANDBOX_TODAY - finished > timedelta(days=60) and rng.random() < 0.3:
        archived_by = ref(rng.choice([m for m in seeder.members if m["accessLevels"]["projectAdmin"]]))
        archived_at = _clip(finished + timedelta(days=rng.uniform(5, 40)))
        events.append(archived_at)
    review = {
        "id": make_uuid(rng),
        "sequenceId": 0,
        "name": name,
        "status": status,
        "currentStepId": review["currentStepId"],
        "currentStepDueDate": review["currentStepDueDate"],
        "createdBy": ref(initiator),
        "createdAt": iso(created),
        "updatedAt": iso(max(events)),
        "finishedAt": review["finishedAt"],
        "archived": archived_by is not None,
        "archivedBy": archived_by,
        "archivedAt": iso(archived_at) if archived_at else None,
        "workflowId": wf["id"],
        "nextActionBy": review.get("nextActionBy")
        or {"claimedBy": [], "candidates": {"roles": [], "users": [], "companies": []}},
    }
    return _Plan(review, records[::-1], discipline, wf)


def _record(
    step: dict[str, Any],
    status: str,
    claimed_by: dict[str, Any] | None,
    action_by: dict[str, Any] | None,
    end: datetime | None,
    notes: str | None,
) -> dict[str, Any]:
    return {
        "stepId": step["id"],
        "stepName": step["name"],
        "claimedBy": ref(claimed_by) if claimed_by else None,
        "actionBy": ref(action_by) if action_by else None,
        "candidates": step["candidates"],
        "endTime": iso(end) if end else None,
        "notes": notes,
        "status": status,
    }


def _files(seeder: _ProjectSeeder, plan: _Plan, data: ReviewsData) -> None:
    """Attach file versions; a rejected sheet comes back as its next version in a later review."""
    rng, review = seeder.rng, plan.review
    # A version sits in one open review at a time: sheets held by an OPEN review are not picked again.
    every = [s for sheets in SHEETS.values() for s in sheets]
    pool = [s for s in SHEETS[plan.discipline] if s not in seeder.busy] or [s for s in every if s not in seeder.busy]
    sheets = plan.sheets or tuple(rng.sample(pool, k=rng.randint(1, min(4, len(pool)))))
    options = plan.workflow["approvalStatusOptions"]
    copy = plan.workflow["copyFilesOptions"]["enabled"]
    out: list[dict[str, Any]] = []
    for sheet in sheets:
        lineage, version = seeder.sheets.setdefault(sheet, [_urn_id(rng), rng.randint(1, 3)])
        urn = f"urn:adsk.wipprod:fs.file:vf.{lineage}?version={version}"
        status = None
        if review["status"] == "CLOSED":
            wanted = "APPROVED" if rng.random() < 0.75 else "REJECTED"
            option = rng.choice([o for o in options if o["value"] == wanted])
            status = {"id": option["id"], "label": option["label"], "value": option["value"]}
            if wanted == "REJECTED" or rng.random() < 0.4:
                seeder.sheets[sheet][1] += 1  # resubmitted, or a later revision issued after approval
        elif review["status"] == "OPEN":
            seeder.busy.add(sheet)
        number = sheet.split(" ")[0]
        entry: dict[str, Any] = {
            "urn": urn,
            "itemUrn": f"urn:adsk.wipprod:dm.lineage:{lineage}",
            "approveStatus": status,
            "reviewContent": {
                "name": f"{seeder.project['jobNumber']}-{sheet}.pdf",
                "customAttributes": [
                    {"id": 1001, "type": "string", "name": "Sheet Number", "value": number},
                    {"id": 1002, "type": "array", "name": "Discipline", "value": DISCIPLINE[plan.discipline]},
                ],
            },
            "copiedFileVersionUrn": None,  # set when an approved version was copied (copyFilesOptions)
            "name": f"{sheet}.pdf",
        }
        if copy and status and status["value"] == "APPROVED":
            entry["copiedFileVersionUrn"] = f"urn:adsk.wipprod:fs.file:vf.{_urn_id(rng)}?version=1"
        out.append(entry)
        in_review = review["status"] == "OPEN"
        approval = {"id": None, "label": "In Review", "value": "IN_REVIEW"} if in_review else status
        data.approvals.setdefault((seeder.project["id"], urn), []).append(
            {
                "approvalStatus": approval,
                "review": {"id": review["id"], "sequenceId": review["sequenceId"], "status": review["status"]},
            }
        )
    data.versions[review["id"]] = out


def _pick_name(rng: random.Random, names: dict[str, list[str]], discipline: str, used: set[str]) -> str:
    """A fresh name from the discipline's pool; once it runs dry, an area variant of one (still unique)."""
    pool = names[discipline]
    if pool:
        return pool.pop(rng.randrange(len(pool)))
    while True:
        name = f"{rng.choice(NAMES[discipline])} – {rng.choice(AREAS)}"
        if name not in used:
            return name


def build(world: World) -> ReviewsData:
    """Seed every project's workflows and reviews (deterministic for a given world seed)."""
    rng = world.rng("reviews")
    data = ReviewsData()
    for project in world.projects:
        seeder = _ProjectSeeder(world, project, rng)
        hospital = "Hospital" in project["name"]
        active = [w for w in WORKFLOWS if w[2] == "ACTIVE"]
        chosen = rng.sample(active, k=rng.randint(2, 5))
        if hospital and active[1] not in chosen:
            chosen.insert(0, active[1])
        if len({spec[1] for spec in chosen}) < 2:
            chosen.append(rng.choice([w for w in active if w[1] != chosen[0][1]]))
        if rng.random() < 0.5:
            chosen.append(WORKFLOWS[-1])
        specs = sorted(chosen, key=WORKFLOWS.index)
        workflows = [seeder.workflow(spec) for spec in specs]
        data.workflows[project["id"]] = workflows
        by_name = {w["name"]: (w, spec[1]) for w, spec in zip(workflows, specs, strict=True)}
        names = {d: list(pool) for d, pool in NAMES.items()}
        plans: list[_Plan] = []
        if hospital:
            wf = by_name["Structural Shop Drawing Review"][0]
            names["structural"].remove(HOSPITAL_REVIEW)
            plan = _simulate(seeder, wf, "structural", HOSPITAL_REVIEW, "OPEN", current=2, days_in=2.5, claim=True)
            plan.sheets = ("S-201 Level 3 Framing Plan", "S-202 Level 3 Framing Sections")
            seeder.busy.update(plan.sheets)
            names["structural"].remove(HOSPITAL_OVERDUE)
            late = _simulate(seeder, wf, "structural", HOSPITAL_OVERDUE, "OPEN", current=1, days_in=8.0, claim=True)
            plans += [plan, late]
        live = [v for v in by_name.values() if v[0]["status"] == "ACTIVE"]
        retired = [v for v in by_name.values() if v[0]["status"] == "INACTIVE"]
        for _ in range(rng.randint(8, 25) - len(plans)):
            roll = rng.random()
            status = "OPEN" if roll < 0.4 else "CLOSED" if roll < 0.85 else "VOID"
            wf, discipline = rng.choice(retired) if retired and status == "CLOSED" and roll > 0.8 else rng.choice(live)
            name = _pick_name(rng, names, discipline, {p.review["name"] for p in plans})
            plans.append(_simulate(seeder, wf, discipline, name, status))
        plans.sort(key=lambda p: p.review["createdAt"])
        for seq, plan in enumerate(plans, start=1):
            plan.review["sequenceId"] = seq
            data.progress[plan.review["id"]] = plan.progress
            _files(seeder, plan, data)
        data.reviews[project["id"]] = [p.review for p in plans]
    for records in data.approvals.values():
        records.sort(key=lambda r: (r["review"]["status"] != "OPEN", -r["review"]["sequenceId"]))
    return data
