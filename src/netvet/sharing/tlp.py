"""TLP 2.0 levels and their STIX 2.1 marking definitions (data/sharing/tlp.yaml)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import stix2

from netvet.data import DATA_DIR, load_yaml_file


class Tlp(StrEnum):
    """The five TLP 2.0 levels, from the widest release to the narrowest."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def is_stricter_than(self, other: Tlp) -> bool:
        return self.rank > other.rank

    @property
    def label(self) -> str:
        return "TLP:" + self.value.upper()

    @property
    def marking_id(self) -> str:
        return marking_catalogue().by_level[self].id


_ORDER = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)


class UnknownTlp(ValueError):
    pass


def parse_tlp(text: str) -> Tlp:
    """'amber+strict', 'AMBER+STRICT', 'TLP:AMBER+STRICT', 'amber-strict' or 'white' (TLP 1.0) -> Tlp."""
    key = text.strip().lower().removeprefix("tlp:").replace("-", "+").replace("_", "+").replace(" ", "+")
    if key == "white":
        return Tlp.CLEAR
    try:
        return Tlp(key)
    except ValueError:
        names = ", ".join(t.value for t in Tlp)
        raise UnknownTlp(f"{text!r} is not a TLP level (one of {names})") from None


@dataclass(frozen=True)
class MarkingLevel:
    level: Tlp
    name: str
    id: str
    tlp1_id: str | None
    disclosure: str


@dataclass(frozen=True)
class MarkingCatalogue:
    extension_definition: str
    created: str
    by_level: dict[Tlp, MarkingLevel]
    by_marking_id: dict[str, Tlp]

    def definition(self, level: Tlp) -> dict[str, Any]:
        """The published marking-definition object, exactly as OASIS writes it."""
        entry = self.by_level[level]
        return {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": entry.id,
            "created": self.created,
            "name": entry.name,
            "extensions": {
                self.extension_definition: {"extension_type": "property-extension", "tlp_2_0": level.value}
            },
        }

    def stix_definition(self, level: Tlp) -> stix2.MarkingDefinition:
        return stix2.parse(self.definition(level), allow_custom=False)

    def is_tlp_marking(self, marking_id: str) -> bool:
        return marking_id in self.by_marking_id


@cache
def marking_catalogue() -> MarkingCatalogue:
    data = load_yaml_file(DATA_DIR / "sharing" / "tlp.yaml", "tlp.schema.json")
    levels = {
        Tlp(raw["level"]): MarkingLevel(
            Tlp(raw["level"]), raw["name"], raw["id"], raw.get("tlp1_id"), " ".join(raw["disclosure"].split())
        )
        for raw in data["levels"]
    }
    by_id = {entry.id: level for level, entry in levels.items()}
    by_id.update({entry.tlp1_id: level for level, entry in levels.items() if entry.tlp1_id})
    return MarkingCatalogue(data["extension_definition"], data["created"], levels, by_id)


def tlp_of(marking_refs: Iterable[str]) -> Tlp | None:
    """The TLP level an object's `object_marking_refs` give it: the strictest TLP marking among them
    (TLP 1.0 ids are read as their 2.0 level), or None when none is a TLP marking."""
    catalogue = marking_catalogue()
    found = [catalogue.by_marking_id[ref] for ref in marking_refs if ref in catalogue.by_marking_id]
    return max(found, key=lambda level: level.rank) if found else None


def object_tlp(body: Mapping[str, Any]) -> Tlp | None:
    """The TLP level that governs releasing a whole object: the strictest among its
    `object_marking_refs` and the `marking_ref`s of its `granular_markings` (STIX 2.1, 7.2.3). A
    TLP:RED description inside a TLP:GREEN report must not reach the community, and netvet serves
    objects whole, so the object goes no further than its most restricted part."""
    refs = [*body.get("object_marking_refs", ())]
    for marking in body.get("granular_markings", ()) or ():
        if isinstance(marking, Mapping) and isinstance(marking.get("marking_ref"), str):
            refs.append(marking["marking_ref"])
    return tlp_of(refs)
