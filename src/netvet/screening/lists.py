"""Restricted-party lists and their entries, and the lists shipped with netvet."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from netvet.data import DATA_DIR, load_yaml_file

LISTS_DIR = DATA_DIR / "lists"
LIST_SCHEMA = "list.schema.json"


class ListInfo(BaseModel):
    """What a list is and who publishes it."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    authority: str = ""
    jurisdiction: str = ""
    url: str = ""
    as_of: date | None = None
    # Where `as_of` comes from: "" the publisher's own date (in the file or the shipped data), "file" the
    # loaded file's modification day (OFAC's CSV files carry no date), "given" the analyst's --as-of.
    as_of_source: str = ""
    legal_status: str = "binding"
    note: str = ""


class ListEntry(BaseModel):
    """One entry of one list. The same company on two lists has the same `entity_id`."""

    model_config = ConfigDict(frozen=True)

    entity_id: str
    list_id: str
    name: str
    kind: str = "organization"
    aliases: tuple[str, ...] = ()
    original_script: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    added_on: date | None = None
    delisted_on: date | None = None
    source: str = ""
    source_url: str = ""
    parent: str | None = None
    scope: str = ""
    confidence: str = "verified"
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entry is known by, primary first, without repeats."""
        return tuple(dict.fromkeys((self.name, *self.aliases, *self.original_script)))

    @property
    def is_active(self) -> bool:
        """Still listed today (a denial order with an end date stops applying after it)."""
        return self.delisted_on is None or self.delisted_on > date.today()

    @property
    def content_hash(self) -> str:
        """Changes when anything about the entry changes; a decision on the old content then lapses."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class ScreeningList(BaseModel):
    """A list and its entries, as shipped or as loaded from a published file."""

    model_config = ConfigDict(frozen=True)

    info: ListInfo
    entries: tuple[ListEntry, ...]

    @property
    def id(self) -> str:
        return self.info.id


def list_from_mapping(data: dict[str, Any]) -> ScreeningList:
    """Build a list from a parsed (schema-valid) list file."""
    info = ListInfo(**data["list"])
    entries = tuple(ListEntry(list_id=info.id, **raw) for raw in data["entries"])
    return ScreeningList(info=info, entries=entries)


def load_list_file(path: Path | str) -> ScreeningList:
    """A list file in netvet's own YAML format, validated against list.schema.json."""
    return list_from_mapping(load_yaml_file(path, LIST_SCHEMA))


@cache
def shipped_lists() -> tuple[ScreeningList, ...]:
    """The lists in src/netvet/data/lists/, sorted by list id."""
    lists = [load_list_file(path) for path in sorted(LISTS_DIR.glob("*.yaml"))]
    return tuple(sorted(lists, key=lambda lst: lst.id))


def all_entries(lists: Iterable[ScreeningList]) -> list[ListEntry]:
    return [entry for lst in lists for entry in lst.entries]


def shipped_entity_ids() -> frozenset[str]:
    """Every entity id the shipped lists use (rule packs target these)."""
    return frozenset(entry.entity_id for entry in all_entries(shipped_lists()))


class AffiliateGraph:
    """Parent links between entities, gathered from every list (an affiliate names its parent)."""

    def __init__(self, entries: Sequence[ListEntry]) -> None:
        self._parent: dict[str, str] = {}
        self._lists: dict[str, set[str]] = {}
        for entry in entries:
            if entry.parent and entry.parent != entry.entity_id:
                self._parent.setdefault(entry.entity_id, entry.parent)
            if entry.is_active:
                self._lists.setdefault(entry.entity_id, set()).add(entry.list_id)

    def path(self, entity_id: str) -> tuple[str, ...]:
        """The parents above `entity_id`, nearest first; stops on a cycle."""
        if entity_id not in self._parent:
            return ()
        chain: list[str] = []
        seen = {entity_id}
        current = self._parent.get(entity_id)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = self._parent.get(current)
        return tuple(chain)

    def lists_of(self, entity_id: str) -> tuple[str, ...]:
        """Every list the entity or any of its parents is on (where it is active)."""
        found: set[str] = set()
        for eid in (entity_id, *self.path(entity_id)):
            found |= self._lists.get(eid, set())
        return tuple(sorted(found))
