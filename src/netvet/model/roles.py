"""Derive an asset's domain from its role, through a table kept as data (data/roles.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netvet.model.inventory import Domain

_SEPARATORS = re.compile(r"[\s_\-/.]+")


class RoleTableError(ValueError):
    pass


def role_key(role: str) -> str:
    """The form roles are compared in: upper case, separators folded, so 'g-NB' meets 'GNB'."""
    return _SEPARATORS.sub(" ", role.strip().upper()).strip()


@dataclass(frozen=True, slots=True)
class RoleEntry:
    role: str
    domain: Domain
    description: str
    aliases: tuple[str, ...]
    source: str | None


class RoleTable:
    """Maps a role as written in an inventory to its canonical role and domain."""

    def __init__(self, entries: Sequence[RoleEntry]) -> None:
        self.entries = tuple(entries)
        self._by_key: dict[str, RoleEntry] = {}
        for entry in self.entries:
            for name in (entry.role, *entry.aliases):
                for key in {role_key(name), role_key(name).replace(" ", "")}:
                    other = self._by_key.get(key)
                    if other is not None and other is not entry:
                        raise RoleTableError(
                            f"role alias {name!r} is given for both {other.role} and {entry.role}"
                        )
                    self._by_key[key] = entry

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> RoleTable:
        raw_roles = data.get("roles")
        if not isinstance(raw_roles, list):
            raise RoleTableError("the role table needs a list under 'roles'")
        entries = []
        for raw in raw_roles:
            if not isinstance(raw, Mapping):
                raise RoleTableError(f"role entry {raw!r} is not a mapping")
            entries.append(
                RoleEntry(
                    role=str(raw["role"]),
                    domain=Domain(str(raw["domain"])),
                    description=str(raw.get("description", "")),
                    aliases=tuple(str(a) for a in raw.get("aliases", ()) or ()),
                    source=str(raw["source"]) if raw.get("source") else None,
                )
            )
        return cls(entries)

    def lookup(self, role: str) -> RoleEntry | None:
        key = role_key(role)
        return self._by_key.get(key) or self._by_key.get(key.replace(" ", ""))

    def domain_for(self, role: str) -> Domain | None:
        entry = self.lookup(role)
        return entry.domain if entry else None
