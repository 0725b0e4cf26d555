"""The vendored reference (tests/reference/, written by scripts/vendor_reference.py) as test helpers.

`EXAMPLES` holds each registry key's example responses; `component()` and `response_schema()` turn Autodesk's
OpenAPI 3.0 schemas into JSON Schema validators. Tests read only these files, never `../shared`.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
EXAMPLES: dict[str, Any] = json.loads((REFERENCE / "examples.json").read_text())
OPENAPI = ("accountadmin.yaml", "Issues.yaml")


@functools.cache
def _specs() -> dict[str, dict[str, Any]]:
    return {name: yaml.safe_load((REFERENCE / "openapi" / name).read_text()) for name in OPENAPI}


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec's component schemas, with the two places the reference text overrules Issues.yaml fixed."""
    schemas: dict[str, Any] = copy.deepcopy(spec["components"]["schemas"])
    if "Issue" in schemas:
        # Issues.yaml types Issue.permittedActions as an object and a custom attribute's value as an object (and
        # says so itself); the reference text documents "array: string" and a string, a number or null.
        issue = schemas["Issue"]["properties"]
        issue["permittedActions"] = {"type": "array", "items": {"type": "string"}}
        issue["customAttributes"]["items"]["properties"]["value"] = {"type": ["string", "number", "null"]}
    return schemas


def nullable(node: Any, schemas: dict[str, Any]) -> Any:
    """Inline `$ref`s and let every typed value also be null.

    The YAML is OpenAPI 3.0 without `nullable`, while the reference text has unset values (an unassigned
    issue's assignedTo, an open issue's closedAt) and ACC returns them as null; so null is allowed and every
    non-null value is still held to its declared type.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            return nullable(schemas[node["$ref"].rsplit("/", 1)[-1]], schemas)
        out = {k: nullable(v, schemas) for k, v in node.items() if not k.startswith("x-")}
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        return out
    if isinstance(node, list):
        return [nullable(v, schemas) for v in node]
    return node


def component(name: str, spec: str = "Issues.yaml") -> Any:
    """A validator for one of the spec's component schemas (`Issue`, `IssuesPage`, …)."""
    schemas = _schemas(_specs()[spec])
    return jsonschema.Draft7Validator(nullable(schemas[name], schemas))


def response_schema(method: str, path: str) -> Any | None:
    """A validator for the 200 response of `method path` (a registry path), or None if no spec has one."""
    for spec in _specs().values():
        operation = spec["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue
        content = operation["responses"]["200"].get("content", {}).get("application/json", {})
        if "schema" in content:
            return jsonschema.Draft7Validator(nullable(content["schema"], _schemas(spec)))
    return None
