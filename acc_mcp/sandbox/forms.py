"""Forms (construction/forms/v1): a project's form templates and the forms filled from them.

As the reference documents: items under `data` with a `pagination` object (`limit` 1-50, default 50, `nextUrl`
null on the last page); forms sorted by `updatedAt`, most recent first, unless `sortBy`/`sortOrder` say
otherwise; `ids`, `statuses` and `locationIds` take several values; `formDateMin`/`Max` bound the form's day,
`updatedAfter`/`Before` its last update; `templateId` picks one template's forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.routing import BaseRoute

from .engine import Ctx, List, PerProject, Row, mount
from .filters import OneOf, Record, Test, Where
from .forms_data import STATUSES, generate
from .http import ApiError, parse_datetime
from .sorting import check, order
from .world import World

FormsState = PerProject[tuple[list[Record], list[Record]]]
SORTABLE = ("updatedAt", "createdAt", "formDate", "formNum", "name", "status")


def seed(world: World) -> FormsState:
    return PerProject(world, generate)


def _templates(c: Ctx) -> list[Record]:
    templates: list[Record] = c.state.project(c.project)[0]
    return templates


def _forms(c: Ctx) -> list[Record]:
    forms: list[Record] = c.state.project(c.project)[1]
    return forms


def _day(param: str, keep: Callable[[str, str], bool]) -> Where:
    """`formDateMin`/`formDateMax`: a YYYY-MM-DD bound on the form's day."""

    def make(_request: object, raw: str) -> Test:
        try:
            day = date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ApiError(400, f"Invalid {param}: {raw!r}. Use YYYY-MM-DD.") from None
        return lambda f: keep(f["formDate"], day)

    return Where(param, make)


def _updated(param: str, after: bool) -> Where:
    """`updatedAfter`/`updatedBefore`: an ISO 8601 instant, compared with the record's `updatedAt`."""

    def make(_request: object, raw: str) -> Test:
        at = parse_datetime(raw, name=param)
        return lambda r: (parse_datetime(r["updatedAt"]) > at) if after else (parse_datetime(r["updatedAt"]) < at)

    return Where(param, make)


@dataclass(frozen=True)
class SortPair:
    """`sortBy` a field and `sortOrder` asc|desc (Forms' dialect); by default `updatedAt`, newest first."""

    fields: tuple[str, ...]
    default: str = "updatedAt"

    def apply(self, ctx: Ctx, items: list[Record]) -> list[Record]:
        query = ctx.request.query_params
        direction = (query.get("sortOrder") or "desc").lower()
        if direction not in ("asc", "desc"):
            raise ApiError(400, f"Invalid sortOrder {direction!r}. Possible values: desc, asc.")
        rules = [(query.get("sortBy") or self.default, direction == "desc")]
        check(rules, self.fields)
        return order(items, rules)


UPDATED = [_updated("updatedAfter", True), _updated("updatedBefore", False)]
ROWS: list[Row] = [
    List("forms.templates.list", _templates, filters=UPDATED, sort=SortPair(("updatedAt",))),
    List(
        "forms.forms.list",
        _forms,
        filters=[
            OneOf("id", param="ids"),
            OneOf("status", STATUSES, param="statuses"),
            OneOf("locationId", param="locationIds"),
            Where("templateId", lambda _r, raw: lambda f: f["formTemplate"]["id"] == raw),
            _day("formDateMin", lambda day, bound: day >= bound),
            _day("formDateMax", lambda day, bound: day <= bound),
            *UPDATED,
        ],
        sort=SortPair(SORTABLE),
    ),
]


def routes() -> list[BaseRoute]:
    return mount("forms", ROWS)
