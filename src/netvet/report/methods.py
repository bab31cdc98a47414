"""The methods section: which rule packs and list versions a report rests on, and their sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class RuleSummary:
    id: str
    title: str
    legal_status: str
    confidence: str
    sources: tuple[str, ...]


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


@dataclass
class Methods:
    packs: list[PackSummary] = field(default_factory=list)
    lists: list[ListSummary] = field(default_factory=list)
    rules_skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def methods_for(
    jurisdictions: Sequence[str] = (),
    rules_skipped: Mapping[str, str] | None = None,
    extra_policies: Sequence[Path | str] = (),
) -> Methods:
    """The packs in use (all, or those of `jurisdictions`, plus user packs) and the shipped restricted lists."""
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
                )
                for rule in pack.rules
            ),
        )
        for pack in select_packs(rule_packs(extra_policies), list(jurisdictions))
    ]
    lists = [
        ListSummary(
            id=item.info.id,
            title=item.info.title,
            authority=item.info.authority,
            as_of=item.info.as_of,
            url=item.info.url,
            entries=len(item.entries),
        )
        for item in shipped_lists()
    ]
    return Methods(packs=packs, lists=lists, rules_skipped=dict(rules_skipped or {}))
