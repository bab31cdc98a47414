"""Validation against the official CSAF 2.0 JSON schema shipped in `netvet/data/schemas/csaf/`.

The schema references the FIRST CVSS schemas by URL; they are shipped beside it and registered
under those URLs, so validation never reaches the network.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource

from netvet.advisories.model import ValidationIssue
from netvet.data import SCHEMA_DIR

CSAF_SCHEMA_DIR = SCHEMA_DIR / "csaf"
_CVSS_SCHEMAS = {
    "https://www.first.org/cvss/cvss-v2.0.json": "cvss-v2.0.json",
    "https://www.first.org/cvss/cvss-v3.0.json": "cvss-v3.0.json",
    "https://www.first.org/cvss/cvss-v3.1.json": "cvss-v3.1.json",
}


def _load(name: str) -> dict[str, Any]:
    with (CSAF_SCHEMA_DIR / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@cache
def csaf_schema() -> dict[str, Any]:
    return _load("csaf_json_schema.json")


@cache
def _validator() -> jsonschema.protocols.Validator:
    registry: Registry[Any] = Registry()
    for url, name in _CVSS_SCHEMAS.items():
        contents = _load(name)
        resource = Resource.from_contents(contents)
        registry = registry.with_resource(url, resource)
        # The 3.1 schema's own $id carries a date query; register that too so inner refs resolve.
        own_id = contents.get("$id")
        if isinstance(own_id, str) and own_id != url:
            registry = registry.with_resource(own_id, resource)
    schema = csaf_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator: jsonschema.protocols.Validator = validator_class(
        schema, registry=registry, format_checker=validator_class.FORMAT_CHECKER
    )
    return validator


def json_pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "/"


def schema_issues(document: Any, limit: int = 20) -> list[ValidationIssue]:
    """Schema violations, most specific first, each with its JSON path."""
    issues: list[ValidationIssue] = []
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:limit]:
        # For anyOf/oneOf failures the innermost error names the field that is actually wrong.
        best = jsonschema.exceptions.best_match([error, *error.context]) if error.context else error
        message = best.message if len(best.message) < 300 else best.message[:297] + "..."
        issues.append(ValidationIssue(test="schema", path=json_pointer(best.absolute_path), message=message))
    return issues
