"""Screening names against lists: blocking, scoring, thresholds, affiliates, decisions, explanations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from netvet.model.screening import Decision, ScreeningStatus
from netvet.screening.config import ScreeningConfig, default_config
from netvet.screening.decisions import DecisionBook, DecisionRecord
from netvet.screening.index import CandidateIndex
from netvet.screening.lists import AffiliateGraph, ListEntry
from netvet.screening.matcher import Comparison, NameMatcher, TokenAlignmentMatcher
from netvet.screening.normalize import NameForm, Normalizer

_STATUS_ORDER = {ScreeningStatus.CLEAR: 0, ScreeningStatus.REVIEW: 1, ScreeningStatus.MATCH: 2}
# Candidates below this are not reported at all, not even as near misses.
_REPORT_FLOOR = 0.5


class Explanation(BaseModel):
    model_config = ConfigDict(frozen=True)

    query_normalised: str
    matched_normalised: str
    matcher: str
    pairs: tuple[str, ...]
    unmatched_query: tuple[str, ...]
    unmatched_candidate: tuple[str, ...]
    features: dict[str, float]
    affiliate_path: tuple[str, ...] = ()
    entry_source: str = ""
    decision_note: str = ""

    def summary(self) -> str:
        parts = [f"'{self.query_normalised}' vs '{self.matched_normalised}'"]
        if self.pairs:
            parts.append("paired " + ", ".join(self.pairs))
        if self.unmatched_query:
            parts.append("unmatched in name: " + " ".join(self.unmatched_query))
        if self.unmatched_candidate:
            parts.append("unmatched in entry: " + " ".join(self.unmatched_candidate))
        if self.affiliate_path:
            parts.append("affiliate of " + " > ".join(self.affiliate_path))
        if self.decision_note:
            parts.append(self.decision_note)
        return "; ".join(parts)


class ScreeningResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    list_id: str
    entity_id: str
    entity_name: str
    matched_name: str
    score: float = Field(ge=0.0, le=1.0)
    raw_status: ScreeningStatus
    status: ScreeningStatus
    decision: Decision | None = None
    affiliate_path: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    entry_hash: str = ""
    explanation: Explanation


class NameScreening(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    normalised: str
    status: ScreeningStatus
    results: tuple[ScreeningResult, ...]

    @property
    def flagged(self) -> tuple[ScreeningResult, ...]:
        return tuple(r for r in self.results if r.status is not ScreeningStatus.CLEAR)


class Screener:
    """An index over list entries; `screen` answers for one name."""

    def __init__(
        self,
        entries: Iterable[ListEntry],
        config: ScreeningConfig | None = None,
        matcher: NameMatcher | None = None,
        normalizer: Normalizer | None = None,
    ) -> None:
        self.config = config or default_config()
        self.matcher: NameMatcher = matcher or TokenAlignmentMatcher()
        self.normalizer = normalizer or Normalizer(self.config)
        all_entries = list(entries)
        self.graph = AffiliateGraph(all_entries)
        self.entries = [e for e in all_entries if e.is_active]
        self._hashes = [e.content_hash for e in self.entries]
        # One indexed form per distinct normalised name; owners are the (entry, name as listed) pairs that
        # normalise to it, so "Huawei" on five lists is scored once.
        self._forms: list[NameForm] = []
        self._owners: list[list[tuple[int, str]]] = []
        form_ids: dict[tuple[str, ...], int] = {}
        for entry_no, entry in enumerate(self.entries):
            seen: set[tuple[str, ...]] = set()
            for name in entry.names:
                form = self.normalizer.entry_form(name)
                if not form.tokens or form.tokens in seen:
                    continue
                seen.add(form.tokens)
                form_id = form_ids.get(form.tokens)
                if form_id is None:
                    form_id = form_ids[form.tokens] = len(self._forms)
                    self._forms.append(form)
                    self._owners.append([])
                self._owners[form_id].append((entry_no, name))
        self.index = CandidateIndex(self._forms, self.config)

    @property
    def name_count(self) -> int:
        """Names indexed (distinct normalised forms)."""
        return len(self._forms)

    def candidates(self, form: NameForm) -> list[tuple[int, NameForm]]:
        """(form number, list name form) pairs the index proposes for a query."""
        return [(i, self._forms[i]) for i in self.index.candidates(form)]

    def screen(
        self,
        name: str,
        country: str | None = None,
        decisions: DecisionBook | None = None,
        near_misses: int = 0,
    ) -> NameScreening:
        """Screen one name. `near_misses` clear candidates are reported too (best first), so a person
        reading a clear result sees what the name was compared with."""
        query = self.normalizer(name)
        best: dict[int, tuple[float, str, NameForm, Comparison]] = {}
        for form_id, form in self.candidates(query):
            comparison = self.matcher.compare(query, form)
            if comparison.score < _REPORT_FLOOR - 0.1:
                continue
            for entry_no, listed_name in self._owners[form_id]:
                score = comparison.score
                entry = self.entries[entry_no]
                if country and entry.countries:
                    score += (
                        self.config.same_country_bonus
                        if country.upper() in entry.countries
                        else self.config.different_country_penalty
                    )
                score = min(1.0, max(0.0, score))
                if entry_no not in best or score > best[entry_no][0]:
                    best[entry_no] = (score, listed_name, form, comparison)
        # Statuses (with decisions) first, models only for what is shown: most candidates are dropped.
        ranked: list[_Hit] = []
        for entry_no, (score, listed_name, form, comparison) in best.items():
            if score < _REPORT_FLOOR:
                continue
            entry = self.entries[entry_no]
            raw_status = self.config.status_for(score)
            record = decisions.lookup(query.text, entry.list_id, entry.entity_id) if decisions else None
            status = raw_status
            if record is not None and record.entry_hash == self._hashes[entry_no]:
                status = (
                    ScreeningStatus.MATCH if record.decision is Decision.CONFIRMED else ScreeningStatus.CLEAR
                )
            ranked.append(_Hit(score, entry_no, listed_name, form, comparison, raw_status, status, record))
        ranked.sort(key=lambda h: (-_STATUS_ORDER[h.status], -h.score, self.entries[h.entry_no].list_id))
        ranked = self._without_redundant_affiliates(ranked)
        flagged = [h for h in ranked if h.status is not ScreeningStatus.CLEAR]
        # Flagged hits, hits an analyst decided on (a dismissal stays visible), then near misses.
        decided = [h for h in ranked if h.status is ScreeningStatus.CLEAR and h.record is not None]
        rest = [h for h in ranked if h.status is ScreeningStatus.CLEAR and h.record is None]
        shown = flagged + decided + rest[:near_misses]
        status = max(
            (h.status for h in flagged), key=_STATUS_ORDER.__getitem__, default=ScreeningStatus.CLEAR
        )
        return NameScreening.model_construct(
            name=name,
            normalised=query.text,
            status=status,
            results=tuple(self._result(query, hit, country) for hit in shown),
        )

    def _without_redundant_affiliates(self, hits: list[_Hit]) -> list[_Hit]:
        """Drop an affiliate's hit when its parent (or any ancestor) scored at least as well: "Huawei
        Technologies" is Huawei, not each "Huawei Technologies <country>" subsidiary."""
        best: dict[str, float] = {}
        for hit in hits:
            entity = self.entries[hit.entry_no].entity_id
            best[entity] = max(best.get(entity, 0.0), hit.score)
        return [
            hit
            for hit in hits
            if not any(
                best.get(a, -1.0) >= hit.score for a in self.graph.path(self.entries[hit.entry_no].entity_id)
            )
        ]

    def _result(self, query: NameForm, hit: _Hit, country: str | None) -> ScreeningResult:
        entry = self.entries[hit.entry_no]
        entry_hash = self._hashes[hit.entry_no]
        record = hit.record
        decision: Decision | None = None
        note = ""
        if record is not None:
            when = record.decided_at.date().isoformat()
            if record.entry_hash != entry_hash:
                note = f"{record.decision.value} by {record.decided_by} on {when} lapsed: the entry changed since"
            else:
                decision = record.decision
                note = f"{decision.value} by {record.decided_by} on {when}: {record.reason}"
        comparison = hit.comparison
        features = dict(comparison.features)
        if country and entry.countries:
            features["same_country"] = 1.0 if country.upper() in entry.countries else 0.0
        path = self.graph.path(entry.entity_id)
        # model_construct: every value here is built by this class from validated entries.
        return ScreeningResult.model_construct(
            list_id=entry.list_id,
            entity_id=entry.entity_id,
            entity_name=entry.name,
            matched_name=hit.listed_name,
            score=round(hit.score, 4),
            raw_status=hit.raw_status,
            status=hit.status,
            decision=decision,
            affiliate_path=path,
            lists=self.graph.lists_of(entry.entity_id),
            entry_hash=entry_hash,
            explanation=Explanation.model_construct(
                query_normalised=query.text,
                matched_normalised=hit.form.text,
                matcher=self.matcher.name,
                pairs=comparison.pairs,
                unmatched_query=comparison.unmatched_query,
                unmatched_candidate=comparison.unmatched_candidate,
                features=features,
                affiliate_path=path,
                entry_source=entry.source,
                decision_note=note,
            ),
        )


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    entry_no: int
    listed_name: str
    form: NameForm
    comparison: Comparison
    raw_status: ScreeningStatus
    status: ScreeningStatus
    record: DecisionRecord | None
