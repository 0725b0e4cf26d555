"""Forms (construction/forms/v1): daily reports, inspections, checklists — found by template, status and date."""

from __future__ import annotations

from typing import Any, Literal

from ..client import Exploded
from ..render import short_day
from ..views import F, View, name_of
from .base import Param, Via
from .listing import date_range
from .locations import PATHS
from .lookups import PEOPLE
from .refs import Finder, Ref, via_ref
from .runtime import Runtime, Scope
from .spec import ListSpec, tools

Status = Literal["draft", "inReview", "submitted", "archived"]
NOT_FOUND = "Call list_projects for the project id, or list_form_templates for templates."

TEMPLATE_REF = Ref(
    kind="form template",
    placeholder="templateId",
    lister="list_form_templates",
    name=Finder("forms.templates.list", "name", scan=500),
    label=lambda t: f"{t.get('name')} ({t.get('status')})",
    prefer=lambda t: t.get("status") == "active",
)


async def _form_days(_rt: Runtime, _scope: Scope, name: str, value: Any) -> dict[str, str]:
    """`from..to` (either side optional) or one day → `formDateMin` / `formDateMax`."""
    start, dots, end = (date_range(name, value) or "").partition("..")
    bounds = {"formDateMin": start[:10], "formDateMax": (end if dots else start)[:10]}
    return {k: v for k, v in bounds.items() if v}


async def _exploded(_rt: Runtime, _scope: Scope, _name: str, value: Any) -> Exploded:
    return Exploded(value if isinstance(value, list) else [value])


EXPLODED = Via(_exploded)
"""A list sent as ACC's exploded array (the key repeated)."""

FORM = View(
    F("#", "formNum", "number"),
    F("name", role="bare"),
    F("template", "formTemplate.name", "echo"),
    F("date", lambda f, ctx: short_day(f.get("formDate"), ctx.today), "bare"),
    F("status", role="bare"),
    F("assignee", name_of("assigneeId")),
    F("at", name_of("locationId")),
)
TEMPLATE = View(
    F("name", role="bare"),
    # Most templates are active: only the exception is written (the structured copy keeps every status).
    F("status", lambda t, _: None if t.get("status") == "active" else t.get("status"), "bare"),
    F("type", lambda t, _: str(t.get("templateType") or "").removeprefix("pg.template_type.") or None),
)

TOOLS = tools(
    ListSpec(
        name="list_forms",
        description="A project's forms (daily reports, inspections, checklists), latest updated first.",
        toolset="forms",
        endpoint="forms.forms.list",
        view=FORM,
        noun="forms",
        params=[
            Param("template", str | None, "Template name.", None, to="templateId", via=via_ref(TEMPLATE_REF)),
            Param("status", list[Status] | None, "Any of these.", None, to="statuses", via=EXPLODED),
            Param("date", str | None, "Form date YYYY-MM-DD..YYYY-MM-DD.", None, to="*", via=Via(_form_days)),
        ],
        names=(PEOPLE, PATHS),
        maximum=50,
        not_found=NOT_FOUND,
        group_keys={"template": None, "status": None, "assignee": None},
    ),
    ListSpec(
        name="list_form_templates",
        description="A project's form templates.",
        toolset="forms",
        endpoint="forms.templates.list",
        view=TEMPLATE,
        noun="form templates",
        limit=None,
        not_found=NOT_FOUND,
    ),
)
