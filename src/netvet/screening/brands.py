"""Brands, product lines, model codes, web domains and other-script names of listed entities
(data/screening/brands.yaml): the names inventories write instead of a legal name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from netvet.data import DATA_DIR, load_yaml_file

BRANDS_FILE = DATA_DIR / "screening" / "brands.yaml"
BRANDS_SCHEMA = "brands.schema.json"


@dataclass(frozen=True)
class BrandName:
    """A name that identifies an entity on its own: a brand, a coined product line, a web domain's
    name, or the entity's name in another script."""

    entity_id: str
    name: str
    kind: str  # "brand", "product line", "web domain", "other script"
    source: str


@dataclass(frozen=True)
class BrandTable:
    names: tuple[BrandName, ...] = ()
    # Every product line of an entity, standalone or not ("Total Security" only counts after "Kaspersky").
    product_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    model_patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)  # registrable domain -> entity id

    def entity_of_model(self, token: str) -> str | None:
        for entity_id, patterns in self.model_patterns.items():
            if any(p.match(token) for p in patterns):
                return entity_id
        return None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> BrandTable:
        names: list[BrandName] = []
        lines: dict[str, tuple[str, ...]] = {}
        patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
        domains: dict[str, str] = {}
        for record in data["entities"]:
            entity = record["entity_id"]
            names.extend(BrandName(entity, b["name"], "brand", b["source"]) for b in record.get("brands", ()))
            for line in record.get("product_lines", ()):
                if line.get("standalone", False):
                    names.append(BrandName(entity, line["name"], "product line", line["source"]))
            lines[entity] = tuple(line["name"] for line in record.get("product_lines", ()))
            names.extend(
                BrandName(entity, n["name"], "other script", n["source"])
                for n in record.get("other_scripts", ())
            )
            patterns[entity] = tuple(re.compile(p["pattern"]) for p in record.get("model_patterns", ()))
            for d in record.get("domains", ()):
                domains[d["domain"]] = entity
                names.append(BrandName(entity, d["domain"], "web domain", d["source"]))
        return cls(tuple(names), lines, {e: p for e, p in patterns.items() if p}, domains)


def load_brand_table(path: Path | str = BRANDS_FILE) -> BrandTable:
    return BrandTable.from_mapping(load_yaml_file(path, BRANDS_SCHEMA))


@cache
def default_brand_table() -> BrandTable:
    return load_brand_table()
