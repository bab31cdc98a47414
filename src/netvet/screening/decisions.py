"""Analysts' decisions on candidates, and how they apply to later screenings.

A decision is about one name (in its normalised form, so "HUAWEI" and "Huawei" share it) against one
list entry, and it holds only while that entry is unchanged: the entry's content hash is recorded with the
decision, and a reload that changes the entry (new alias, new address) makes the decision lapse, so the
candidate comes back for review.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from netvet.model.screening import Decision


class DecisionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    name_key: str
    list_id: str
    entity_id: str
    decision: Decision
    reason: str
    decided_by: str
    decided_at: datetime
    entry_hash: str
    name: str = ""  # the name as the analyst saw it


DecisionKey = tuple[str, str, str]  # (name_key, list_id, entity_id)


class DecisionBook:
    """The decisions in force, looked up by (normalised name, list, entity)."""

    def __init__(self, records: Iterable[DecisionRecord] = ()) -> None:
        self._records: dict[DecisionKey, DecisionRecord] = {}
        for record in sorted(records, key=lambda r: r.decided_at):
            self._records[(record.name_key, record.list_id, record.entity_id)] = record

    def __len__(self) -> int:
        return len(self._records)

    def lookup(self, name_key: str, list_id: str, entity_id: str) -> DecisionRecord | None:
        return self._records.get((name_key, list_id, entity_id))
