"""OpenSanctions / FollowTheMoney entities, one JSON object per line (`entities.ftm.json`), and delta
files whose lines are `{"op": "ADD" | "MOD" | "DEL", "entity": {...}}`.

followthemoney reads each entity (`model.get_proxy`), so every name-typed property (name, alias,
previousName, weakAlias ...) counts as a name. Parties (LegalEntity and its descendants, vessels,
aircraft) become entries; `Ownership` and `Directorship`-like links are read for parent links only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from netvet.screening.lists import ListEntry, ListInfo, ScreeningList
from netvet.screening.loaders.common import ListFileError, decode, parse_date, text

_PARTY_SCHEMATA = ("LegalEntity", "Vessel", "Airplane")
_KINDS = {"Person": "person", "Vessel": "vessel", "Airplane": "aircraft"}
_DELTA_OPS = ("ADD", "MOD", "DEL")


def _lines(data: bytes, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(decode(data, source).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ListFileError(source, f"not valid JSON: {exc.msg}", number) from exc
        if not isinstance(value, dict):
            raise ListFileError(source, "each line must be a JSON object", number)
        yield number, value


def is_ftm_delta(data: bytes) -> bool:
    """A delta file's lines carry an `op`; an entity file's lines carry `schema`."""
    for line in data.splitlines():
        if line.strip():
            try:
                first = json.loads(line)
            except json.JSONDecodeError:
                return False
            return isinstance(first, dict) and "op" in first and "entity" in first
    return False


class _Reader:
    def __init__(self, source: str, list_id: str) -> None:
        self.source = source
        self.list_id = list_id
        self.entries: dict[str, ListEntry] = {}
        self.parents: dict[str, str] = {}

    def read(self, number: int, data: dict[str, Any]) -> ListEntry | None:
        """The entry for one entity (None for non-party entities such as sanctions or addresses)."""
        # Imported here: followthemoney takes a good part of a second to import, and only list loads
        # need it, not every start of the command line (`netvet screen-name`).
        from followthemoney import model, registry
        from followthemoney.exc import InvalidData

        for key in ("id", "schema"):
            if not data.get(key):
                raise ListFileError(self.source, f"the entity has no {key}", number, key)
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (InvalidData, TypeError, KeyError, ValueError) as exc:
            raise ListFileError(self.source, f"not a FollowTheMoney entity: {exc}", number, "schema") from exc
        schema = proxy.schema
        if schema.is_a("Ownership"):
            owners, assets = proxy.get("owner"), proxy.get("asset")
            for asset in assets:
                for owner in owners[:1]:
                    self.parents[asset] = owner
            return None
        if not any(schema.is_a(name) for name in _PARTY_SCHEMATA):
            return None
        names = [n for n in (text(v) for v in proxy.get_type_values(registry.name)) if n]
        primary = proxy.get("name")
        if not names:
            raise ListFileError(self.source, f"entity {proxy.id} has no name", number, "properties.name")
        name = text(primary[0]) if primary and text(primary[0]) else names[0]
        # first_seen is when the entity first appeared in the data (createdAt is a company's founding).
        added = parse_date(str(data.get("first_seen") or ""), self.source, number, "first_seen")
        countries = tuple(c.upper() for c in proxy.get_type_values(registry.country) if len(c) == 2)
        datasets = data.get("datasets") or []
        return ListEntry(
            entity_id=str(proxy.id),
            list_id=self.list_id,
            name=name,
            kind=_KINDS.get(schema.name, "organization"),
            aliases=tuple(n for n in dict.fromkeys(names) if n != name),
            countries=tuple(dict.fromkeys(countries)),
            addresses=tuple(proxy.get("address")),
            added_on=added,
            source="OpenSanctions: " + ", ".join(map(str, datasets)) if datasets else "OpenSanctions",
            source_url=f"https://www.opensanctions.org/entities/{proxy.id}/",
            note="; ".join(proxy.get("topics")),
        )

    def finish(self, as_of: date | None) -> ScreeningList:
        entries = []
        for entry in self.entries.values():
            parent = self.parents.get(entry.entity_id)
            if parent and parent in self.entries and entry.parent is None:
                entry = entry.model_copy(update={"parent": parent})
            entries.append(entry)
        if not entries:
            raise ListFileError(self.source, "the file has no party entities (companies, people, vessels)")
        info = ListInfo(
            id=self.list_id,
            title="OpenSanctions / FollowTheMoney entities",
            authority="OpenSanctions (aggregated official lists)",
            jurisdiction="INTL",
            url="https://www.opensanctions.org/datasets/",
            as_of=as_of,
        )
        return ScreeningList(info=info, entries=tuple(entries))


def read_ftm(data: bytes, source: str, list_id: str = "opensanctions") -> ScreeningList:
    reader = _Reader(source, list_id)
    for number, raw in _lines(data, source):
        if "op" in raw:
            raise ListFileError(
                source, "a delta line in an entity file: load the full file first", number, "op"
            )
        entry = reader.read(number, raw)
        if entry is not None:
            reader.entries[entry.entity_id] = entry
    return reader.finish(_latest(reader.entries.values()))


def apply_ftm_delta(previous: ScreeningList, data: bytes, source: str) -> ScreeningList:
    """The previous version with a delta file's additions, modifications and deletions applied."""
    reader = _Reader(source, previous.id)
    reader.entries = {e.entity_id: e for e in previous.entries}
    reader.parents = {e.entity_id: e.parent for e in previous.entries if e.parent}
    for number, raw in _lines(data, source):
        op = raw.get("op")
        if op not in _DELTA_OPS:
            raise ListFileError(
                source, f"op must be one of {', '.join(_DELTA_OPS)}, not {op!r}", number, "op"
            )
        entity = raw.get("entity")
        if not isinstance(entity, dict):
            raise ListFileError(source, "the line has no entity object", number, "entity")
        if op == "DEL":
            if not entity.get("id"):
                raise ListFileError(source, "the entity has no id", number, "entity.id")
            reader.entries.pop(str(entity["id"]), None)
            continue
        entry = reader.read(number, entity)
        if entry is not None:
            reader.entries[entry.entity_id] = entry
    return reader.finish(_latest(reader.entries.values()))


def _latest(entries: Any) -> date | None:
    return max((e.added_on for e in entries if e.added_on), default=None)
