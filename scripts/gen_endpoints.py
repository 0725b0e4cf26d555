"""Generate acc_mcp/_endpoint_table.py (the rows behind acc_mcp/endpoints.py) from the reference catalog
(../shared/reference/endpoints.json).

Run once when the reference changes; the output is committed, so the package never reads ../shared. Only
mechanical facts come from here (method, path, parameter names, paging style, page limits); what a filter
*means* stays hand-written on each side (tools and sandbox), so a misreading is caught rather than mirrored.

    python scripts/gen_endpoints.py [path/to/endpoints.json]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "reference" / "endpoints.json"
TARGET = ROOT / "acc_mcp" / "_endpoint_table.py"
HOST = "https://developer.api.autodesk.com"

# One key per reference endpoint, in the catalog's order: family.thing.verb.
KEYS = """
dc.requests.create dc.requests.list dc.requests.get dc.requests.update dc.requests.delete dc.request_jobs.list
dc.jobs.list dc.jobs.get dc.jobs.cancel dc.job_data.list dc.job_data.get
admin.projects.list admin.projects.get admin.companies.list hq.companies.get hq.companies.search
hq.project_companies.list hq.users.list hq.users.get admin.user_projects.list admin.user_products.list
admin.user_roles.list hq.users.search admin.project_users.list admin.project_users.get hq.business_units.get
assets.assets.list assets.categories.list assets.status_step_sets.list assets.statuses.list
assets.custom_attributes.list assets.category_attributes.list
autospecs.metadata.get autospecs.smart_register.get autospecs.requirements.get autospecs.submittals_summary.get
files.exports.create files.exports.get
docs.folder_permissions.list docs.folder_attributes.list docs.naming_standards.get
rcm.linked_files.list packages.packages.list packages.resources.list forms.templates.list forms.forms.list
issues.me.get issues.types.list issues.attribute_definitions.list issues.attribute_mappings.list
issues.root_causes.list issues.issues.list issues.issues.get issues.comments.list issues.attachments.list
locations.nodes.list photos.photos.get photos.photos.filter
reviews.workflows.get reviews.workflows.list reviews.reviews.list reviews.reviews.get reviews.review_workflow.get
reviews.progress.list reviews.versions.list reviews.approval_statuses.list
rfis.rfis.search rfis.rfis.get rfis.me.get
""".split()  # noqa: SIM905 - a list literal of 69 strings would be three times as long

_MAX = re.compile(
    r"(?:Maximum|Max limit|Maxium):\s*(\d+)|maximum limit is (\d+)"
    r"|(?:values(?: are)?|range|between):?\s*1\s*(?:-|–|and)\s*(\d+)",
    re.I,
)
_DEFAULT = re.compile(r"Default(?: value)?s?(?: to| limit is)?:?\s*(\d+)", re.I)
# Where the text gives no maximum, what the service is documented (elsewhere in the page) to serve.
MAX_OVERRIDES = {"issues.types.list": 200, "issues.root_causes.list": 200, "issues.comments.list": 100}
# Lists whose items are not under `results` (the Forms responses put them under `data`).
ITEMS_OVERRIDES = {"forms.templates.list": "data", "forms.forms.list": "data"}


def _path(url: str) -> str:
    path = url.removeprefix(HOST)
    return re.sub(r"/:([A-Za-z_]+)", r"/{\1}", path)


def _paging(path: str, query: list[str], body: list[str]) -> str:
    if "cursorState" in body:
        return "cursor-body"
    if "cursorState" in query:
        return "cursor"
    if "limit" in body and "offset" in body:
        return "offset-body"
    if "limit" in query and "offset" in query:
        return "array" if path.startswith("/hq/") else "offset"
    return "none"


def _limits(key: str, params: list[dict[str, str]]) -> tuple[int | None, int | None]:
    for p in params:
        if p["name"] == "limit":
            text = p["description"]
            m = _MAX.search(text)
            d = _DEFAULT.search(text)
            most = int(next(g for g in m.groups() if g)) if m else MAX_OVERRIDES.get(key)
            return most, int(d.group(1)) if d else None
    return None, None


def render(catalog: list[dict[str, object]]) -> str:
    assert len(catalog) == len(KEYS), (len(catalog), len(KEYS))
    rows = []
    for key, e in zip(KEYS, catalog, strict=True):
        urls = [_path(str(u)) for u in e["urls"]]  # type: ignore[attr-defined]
        query = [str(q["name"]) for q in e["query"]]  # type: ignore[attr-defined,index]
        body = [str(q["name"]) for q in e.get("body") or [] if q["name"] and " " not in q["name"]]  # type: ignore[attr-defined,index]
        params = list(e["query"]) + list(e.get("body") or [])  # type: ignore[call-overload]
        most, default = _limits(key, params)
        args = [repr(key), repr(f"{e['method']} {urls[0]}"), repr(" ".join(query))]
        args += [f"body={' '.join(body)!r}"] if body else []
        paging = _paging(urls[0], query, body)
        args += [f"paging={paging!r}"] if paging != "none" else []
        args += [f"max_limit={most}"] if most else []
        args += [f"default_limit={default}"] if default else []
        args += [f"items={ITEMS_OVERRIDES[key]!r}"] if key in ITEMS_OVERRIDES else []
        rows.append(f"    E({', '.join(args)}),  # {e['title']}")
    return HEADER + "\n".join(rows) + FOOTER


HEADER = '''"""The endpoint rows of the reference catalog, generated by scripts/gen_endpoints.py: edit the script, not
this file (one row per endpoint, so not formatted by ruff). `acc_mcp.endpoints` is the module to import."""

from __future__ import annotations

from ._endpoint import E, Endpoint

ENDPOINTS: tuple[Endpoint, ...] = (
'''

FOOTER = """
)
"""


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    TARGET.write_text(render(json.loads(source.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
