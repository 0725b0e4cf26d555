"""Vendor what the tests need from the shared reference into tests/reference/ (run when the reference changes).

Writes `tests/reference/examples.json`: for each registry key, its method, path and the catalog's example
responses (catalog entries are matched to keys by method and path); and copies Autodesk's OpenAPI specs for
the Admin and Issues families, with their license and provenance, to `tests/reference/openapi/`. The tests
then read only the repository, never `../shared`.

    python scripts/vendor_reference.py [path/to/shared/reference]
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acc_mcp.endpoints import ENDPOINTS  # noqa: E402

SOURCE = ROOT.parent / "shared" / "reference"
TARGET = ROOT / "tests" / "reference"
HOST = "https://developer.api.autodesk.com"
OPENAPI = ("accountadmin.yaml", "Issues.yaml", "LICENSE.aps-sdk-openapi", "SOURCES.md")


def _path(url: str) -> str:
    return re.sub(r"/:([A-Za-z_]+)", r"/{\1}", url.removeprefix(HOST))


def main(source: Path = SOURCE) -> None:
    catalog = json.loads((source / "endpoints.json").read_text())
    by_route = {(e["method"], _path(url)): e for e in catalog for url in e["urls"]}
    examples = {}
    for ep in ENDPOINTS:
        entry = by_route[(ep.method, ep.path)]
        examples[ep.key] = {"method": ep.method, "path": ep.path, "examples": entry["example_responses"]}
    (TARGET / "openapi").mkdir(parents=True, exist_ok=True)
    (TARGET / "examples.json").write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n")
    for name in OPENAPI:
        shutil.copyfile(source / "openapi" / name, TARGET / "openapi" / name)
    with (TARGET / "openapi" / "SOURCES.md").open("a") as sources:
        sources.write(f"\nVendored into this folder by `scripts/vendor_reference.py`: {', '.join(OPENAPI[:2])} only.\n")
    print(f"{len(examples)} endpoints, {sum(len(e['examples']) for e in examples.values())} examples -> {TARGET}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
