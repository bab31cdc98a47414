"""The calls other areas make: screen names with the shipped (or given) lists, evidence for the rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache

from netvet.model.screening import ScreeningStatus, VendorEvidence
from netvet.screening.decisions import DecisionBook
from netvet.screening.lists import ScreeningList, shipped_lists
from netvet.screening.screener import NameScreening, Screener, ScreeningResult


@cache
def shipped_screener() -> Screener:
    """A screener over the shipped lists, built once per process."""
    return Screener.for_lists(shipped_lists())


def screener_for(lists: Sequence[ScreeningList] | None) -> Screener:
    return shipped_screener() if lists is None else Screener.for_lists(lists)


def screen_names(
    names: Iterable[str],
    lists: Sequence[ScreeningList] | None = None,
    decisions: DecisionBook | None = None,
) -> dict[str, NameScreening]:
    """Screen each distinct name (keyed exactly as given) against `lists` (default: the shipped lists)."""
    screener = screener_for(lists)
    return {name: screener.screen(name, decisions=decisions) for name in dict.fromkeys(names)}


def evidence_from_result(name: str, result: ScreeningResult, listed_on: date | None = None) -> VendorEvidence:
    return VendorEvidence(
        name=name,
        status=result.status,
        entity_id=result.entity_id,
        entity_name=result.entity_name,
        list_id=result.list_id,
        matched_name=result.matched_name,
        score=result.score,
        explanation=result.explanation.summary(),
        affiliate_path=result.affiliate_path,
        lists=result.lists,
        decision=result.decision,
        listed_on=listed_on,
    )


def first_listed(lists: Iterable[ScreeningList]) -> dict[str, date]:
    """entity id -> the earliest day any of its active entries took effect."""
    found: dict[str, date] = {}
    for lst in lists:
        for e in lst.entries:
            if e.is_active and e.added_on is not None:
                found[e.entity_id] = min(found.get(e.entity_id, e.added_on), e.added_on)
    return found


def evidence_from_screening(
    screening: NameScreening, listed_on: Mapping[str, date] | None = None
) -> list[VendorEvidence]:
    """Evidence for every flagged result, and for dismissed ones (the rules see the dismissal)."""
    return [
        evidence_from_result(screening.name, r, (listed_on or {}).get(r.entity_id))
        for r in screening.results
        if r.status is not ScreeningStatus.CLEAR or r.decision is not None
    ]


def vendor_evidence_for_names(
    names: Iterable[str],
    lists: Sequence[ScreeningList] | None = None,
    decisions: DecisionBook | None = None,
) -> dict[str, list[VendorEvidence]]:
    """The same shape as netvet.storage.screening.vendor_evidence, without a database."""
    listed_on = first_listed(shipped_lists() if lists is None else lists)
    screenings = screen_names(names, lists, decisions)
    return {name: evidence_from_screening(s, listed_on) for name, s in screenings.items()}
