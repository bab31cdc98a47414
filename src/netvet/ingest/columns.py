"""The canonical inventory columns and how real-world headers map onto them (data/inventory_columns.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from netvet.data import DATA_DIR, load_yaml_file

CANONICAL_COLUMNS: tuple[str, ...] = (
    "asset_id",
    "site_id",
    "site_name",
    "region",
    "country",
    "latitude",
    "longitude",
    "vendor",
    "manufacturer",
    "model",
    "part_number",
    "serial_number",
    "hardware_version",
    "software_version",
    "role",
    "domain",
    "technology",
    "installed_on",
    "purchased_on",
    "funding",
)
# Not in the canonical list the issue fixes, but read when present: the planner costs by site type;
# rules on sites significant to national security (UK DVD) read national_security (yes/no, blank: unknown);
# advisories match the operating system (platform) an element runs.
OPTIONAL_COLUMNS: tuple[str, ...] = ("site_kind", "national_security", "platform")
REQUIRED_COLUMNS: tuple[str, ...] = ("asset_id", "site_id", "vendor", "role")

_NON_WORD = re.compile(r"[^a-z0-9]+")


def header_key(header: str) -> str:
    return _NON_WORD.sub("_", header.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnVocabulary:
    variants: dict[str, str]  # header key -> canonical column
    technologies: dict[str, str]  # technology key -> generation label


@cache
def vocabulary() -> ColumnVocabulary:
    data = load_yaml_file(DATA_DIR / "inventory_columns.yaml", "inventory_columns.schema.json")
    variants: dict[str, str] = {}
    for column in (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS):
        variants[column] = column
        for variant in data["columns"].get(column, []):
            variants[header_key(variant)] = column
    technologies: dict[str, str] = {}
    for label, spellings in data.get("technologies", {}).items():
        technologies[label.lower()] = label
        for spelling in spellings:
            technologies[spelling.lower()] = label
    return ColumnVocabulary(variants, technologies)
