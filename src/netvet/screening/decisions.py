"""Analysts' decisions on candidates, and how they apply to later screenings.

A decision is about one name (in its normalised form, so "HUAWEI" and "Huawei" share it) against one
entity, whichever lists it is on: "Huawie" against Huawei is one decision, not one per list entry. It
holds while the entity's entries are as they were when it was taken: the content hash of each entry is
recorded, and a reload that changes an entry (new alias, new address) or lists the entity somewhere new
makes the decision lapse, so the candidate comes back for review.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from netvet.model.screening import Decision


class DecisionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    name_key: str
    entity_id: str
    decision: Decision
    reason: str
    decided_by: str
    decided_at: datetime
    entry_hashes: dict[str, str]  # list id -> content hash of the entity's entry on that list
    name: str = ""  # the name as the analyst saw it

    def holds_for(self, current: Mapping[str, str]) -> bool:
        """The entity's entries now (list id -> hash) are all ones the analyst saw, unchanged."""
        return bool(current) and all(self.entry_hashes.get(lst) == h for lst, h in current.items())


def entity_hash(entry_hashes: Mapping[str, str]) -> str:
    """One hash for an entity's entries on every list (what a stored result records)."""
    payload = json.dumps(dict(sorted(entry_hashes.items())), separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class DecisionBook:
    """The decisions in force, looked up by (normalised name, entity); the latest decision wins."""

    def __init__(self, records: Iterable[DecisionRecord] = ()) -> None:
        self._records: dict[tuple[str, str], DecisionRecord] = {}
        for record in sorted(records, key=lambda r: r.decided_at):
            self._records[(record.name_key, record.entity_id)] = record

    def __len__(self) -> int:
        return len(self._records)

    def lookup(self, name_key: str, entity_id: str) -> DecisionRecord | None:
        return self._records.get((name_key, entity_id))
