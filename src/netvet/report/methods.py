"""The methods section: which rule packs and list versions a report rests on, and their sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netvet.storage import Database


@dataclass(frozen=True)
class RuleSummary:
    id: str
    title: str
    legal_status: str
    confidence: str
    sources: tuple[str, ...]
    reads: str = "presence"  # purchase, installation or presence
    deadline: str = ""  # the source's date and how its day counts


@dataclass(frozen=True)
class PackSummary:
    jurisdiction: str
    name: str
    version: str
    countries: tuple[str, ...]
    rules: tuple[RuleSummary, ...]


@dataclass(frozen=True)
class ListSummary:
    id: str
    title: str
    authority: str
    as_of: date | None
    url: str
    entries: int
    version: str = ""  # the stored version screening used: number, origin, file and its digest


@dataclass
class Methods:
    packs: list[PackSummary] = field(default_factory=list)
    lists: list[ListSummary] = field(default_factory=list)
    rules_skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _stored_lists(db: Database) -> list[ListSummary]:
    """The newest stored version of each list: what screening used."""
    from netvet.storage.screening import latest_versions

    with db.connect() as conn:
        versions = latest_versions(conn)
    return [
        ListSummary(
            id=v.list_id,
            title=v.info.title,
            authority=v.info.authority,
            as_of=v.info.as_of,
            url=v.info.url,
            entries=v.entry_count,
            version=f"v{v.version} ({v.origin}, {v.file_name}, loaded {v.loaded_at:%Y-%m-%d}, sha256 {v.sha256[:12]})",
        )
        for v in versions
    ]


def methods_for(
    jurisdictions: Sequence[str] = (),
    rules_skipped: Mapping[str, str] | None = None,
    extra_policies: Sequence[Path | str] = (),
    db: Database | None = None,
) -> Methods:
    """The packs in use (all, or those of `jurisdictions`, plus user packs) and the restricted lists:
    the versions stored in `db` (what screening used), else the lists netvet ships."""
    from netvet.policy import select_packs
    from netvet.screening.lists import shipped_lists
    from netvet.storage.policy import rule_packs

    packs = [
        PackSummary(
            jurisdiction=pack.jurisdiction,
            name=pack.name,
            version=pack.version,
            countries=tuple(pack.countries),
            rules=tuple(
                RuleSummary(
                    id=rule.id,
                    title=rule.title,
                    legal_status=rule.legal_status.value,
                    confidence=rule.confidence.value,
                    sources=tuple(source.render() for source in rule.sources),
                    reads=rule.reads.value,
                    deadline=(
                        f"deadline {rule.deadline} ({rule.deadline_kind.words})"
                        if rule.deadline and rule.deadline_kind
                        else ""
                    ),
                )
                for rule in pack.rules
            ),
        )
        for pack in select_packs(rule_packs(extra_policies), list(jurisdictions))
    ]
    lists = _stored_lists(db) if db is not None else []
    if not lists:
        lists = [
            ListSummary(
                id=item.info.id,
                title=item.info.title,
                authority=item.info.authority,
                as_of=item.info.as_of,
                url=item.info.url,
                entries=len(item.entries),
                version="as shipped with netvet",
            )
            for item in shipped_lists()
        ]
    return Methods(packs=packs, lists=lists, rules_skipped=dict(rules_skipped or {}))
