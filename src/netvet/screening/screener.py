"""Screening names against lists: blocking, scoring, thresholds, affiliates, decisions, explanations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from netvet.model.screening import Decision, ScreeningStatus
from netvet.screening.brands import BrandTable, default_brand_table
from netvet.screening.config import ScreeningConfig, default_config
from netvet.screening.decisions import DecisionBook, DecisionRecord, entity_hash
from netvet.screening.index import CandidateIndex
from netvet.screening.lists import AffiliateGraph, ListEntry, ScreeningList
from netvet.screening.matcher import Comparison, NameMatcher, TokenAlignmentMatcher
from netvet.screening.normalize import NameForm, Normalizer
from netvet.screening.products import ProductReading, ProductVocabulary, anchor_allowed, product_readings

_STATUS_ORDER = {ScreeningStatus.CLEAR: 0, ScreeningStatus.REVIEW: 1, ScreeningStatus.MATCH: 2}
# Candidates below this are not reported at all, not even as near misses.
_REPORT_FLOOR = 0.5
# Lists that bind (a designation) come before guidance and statements when an entity is on several.
LEGAL_ORDER = {"binding": 0, "guidance": 1, "statement": 2}


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
    notes: tuple[str, ...] = ()

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
        parts.extend(self.notes)
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
    entry_hash: str = ""  # of the entity's entries on every list (a decision lapses when it changes)
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
    """An index over list entries (and the brands, product lines, domains and other-script names of their
    entities); `screen` answers for one name."""

    def __init__(
        self,
        entries: Iterable[ListEntry],
        config: ScreeningConfig | None = None,
        matcher: NameMatcher | None = None,
        normalizer: Normalizer | None = None,
        brands: BrandTable | None = None,
        legal_status: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config or default_config()
        self.matcher: NameMatcher = matcher or TokenAlignmentMatcher()
        self.normalizer = normalizer or Normalizer(self.config)
        self.brands = brands if brands is not None else default_brand_table()
        # list id -> binding | guidance | statement; lists loaded from files are binding designations.
        self._legal_rank = {k: LEGAL_ORDER.get(v, 0) for k, v in (legal_status or {}).items()}
        all_entries = list(entries)
        self.graph = AffiliateGraph(all_entries)
        self.entries = [e for e in all_entries if e.is_active]
        self._hashes = [e.content_hash for e in self.entries]
        # One indexed form per distinct normalised name; owners are the (entry, name as listed, kind) that
        # normalise to it, so "Huawei" on five lists is scored once. Kind is "" for a list's own name.
        self._forms: list[NameForm] = []
        self._owners: list[list[tuple[int, str, str]]] = []
        self._form_ids: dict[tuple[str, ...], int] = {}
        self._entity_entries: dict[str, list[int]] = {}
        vocabulary: dict[str, set[str]] = {}
        for entry_no, entry in enumerate(self.entries):
            self._entity_entries.setdefault(entry.entity_id, []).append(entry_no)
            seen: set[tuple[str, ...]] = set()
            for name in entry.names:
                form = self.normalizer.entry_form(name)
                if form.tokens and form.tokens not in seen:
                    seen.add(form.tokens)
                    vocabulary.setdefault(entry.entity_id, set()).update(form.tokens)
                    self._own(form, entry_no, name, "")
        for brand in self.brands.names:
            form = self.normalizer.entry_form(brand.name)
            for entry_no in self._entity_entries.get(brand.entity_id, ()) if form.tokens else ():
                self._own(form, entry_no, brand.name, brand.kind)
        self._vocabulary = {k: frozenset(v) for k, v in vocabulary.items()}
        self._entity_hashes = {
            entity: {self.entries[no].list_id: self._hashes[no] for no in numbers}
            for entity, numbers in self._entity_entries.items()
        }
        self._anchors: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
        for tokens, form_id in self._form_ids.items():
            owners = self._owners[form_id]
            is_brand = any(kind in {"brand", "product line"} for _, _, kind in owners)
            if anchor_allowed(tokens, self._forms[form_id].weights, is_brand):
                kinds = {self.entries[no].kind for no, _, kind in owners if not kind}
                if is_brand or "organization" in kinds:
                    entities = sorted({self.entries[no].entity_id for no, _, _ in owners})
                    self._anchors[tokens] = [(e, is_brand) for e in entities]
        self._products = ProductVocabulary(self.brands, self.normalizer, self.config)
        self.index = CandidateIndex(self._forms, self.config)

    def _own(self, form: NameForm, entry_no: int, name: str, kind: str) -> None:
        form_id = self._form_ids.get(form.tokens)
        if form_id is None:
            form_id = self._form_ids[form.tokens] = len(self._forms)
            self._forms.append(form)
            self._owners.append([])
        if all(no != entry_no for no, _, _ in self._owners[form_id]):
            self._owners[form_id].append((entry_no, name, kind))

    @classmethod
    def for_lists(cls, lists: Iterable[ScreeningList], config: ScreeningConfig | None = None) -> Screener:
        """A screener over whole lists, knowing which of them are legal designations."""
        chosen = list(lists)
        return cls(
            (entry for lst in chosen for entry in lst.entries),
            config=config,
            legal_status={lst.id: lst.info.legal_status for lst in chosen},
        )

    def entities_of(self, form_id: int) -> tuple[str, ...]:
        """The entities a candidate name form belongs to (usually one)."""
        return tuple(dict.fromkeys(self.entries[no].entity_id for no, _, _ in self._owners[form_id]))

    def entry_hashes(self, entity_id: str) -> dict[str, str]:
        """list id -> content hash of each of the entity's active entries ({} for an unknown entity)."""
        return dict(self._entity_hashes.get(entity_id, {}))

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
        country = country.upper() if country else None
        best: dict[int, _Scored] = {}
        self._score(query, country, best, ())
        if max((hit.score for hit in best.values()), default=0.0) < self.config.match_threshold:
            # "Huawei Tech Co., Ltd. - Shenzhen, PRC": the name without its location or branch tail.
            split = self.normalizer.location_head(name)
            if split is not None:
                self._score(
                    self.normalizer(split[0]), country, best, (f"location tail set aside: {split[1]}",)
                )
        self._score_products(query, country, best)
        # One hit per entity, whichever lists it is on: its best score, reported on its first list
        # (legal designations before statements). Statuses (with decisions) first, models only for what
        # is shown: most candidates are dropped.
        per_entity: dict[str, int] = {}
        for entry_no, scored in best.items():
            if scored.score < _REPORT_FLOOR:
                continue
            entity = self.entries[entry_no].entity_id
            current = per_entity.get(entity)
            if current is None or self._before(entry_no, scored, current, best[current]):
                per_entity[entity] = entry_no
        ranked: list[_Hit] = []
        for entity, entry_no in per_entity.items():
            scored = best[entry_no]
            raw_status = self.config.status_for(scored.score)
            record = decisions.lookup(query.text, entity) if decisions else None
            status = raw_status
            if record is not None and record.holds_for(self._entity_hashes[entity]):
                status = (
                    ScreeningStatus.MATCH if record.decision is Decision.CONFIRMED else ScreeningStatus.CLEAR
                )
            ranked.append(_Hit(scored, entry_no, raw_status, status, record))
        ranked.sort(key=lambda h: self._rank(h, name))
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
            results=tuple(self._result(hit, country) for hit in shown),
        )

    def _rank(self, hit: _Hit, name: str) -> tuple[float, ...]:
        """Flagged first, best score first; among equal scores the entry whose name as written (legal
        form included) is closest to the query, so "Huawei International Pte. Ltd." reports the Singapore
        entry, not the Hong Kong "Co., Limited"; then legal designations before statements."""
        entry = self.entries[hit.entry_no]
        closeness = fuzz.ratio(name.casefold(), hit.scored.listed_name.casefold())
        return (
            -_STATUS_ORDER[hit.status],
            -round(hit.scored.score, 4),
            -closeness,
            self._legal_rank.get(entry.list_id, 0),
        )

    def _before(self, entry_no: int, scored: _Scored, other_no: int, other: _Scored) -> bool:
        """Whether this entry of an entity reports it rather than the other one: the better score, then
        the list that binds."""
        if scored.score != other.score:
            return scored.score > other.score
        mine, theirs = self.entries[entry_no].list_id, self.entries[other_no].list_id
        return (self._legal_rank.get(mine, 0), mine) < (self._legal_rank.get(theirs, 0), theirs)

    def _bonus(self, entry: ListEntry, country: str | None) -> float:
        return self.config.same_country_bonus if country and country in entry.countries else 0.0

    def _keep(self, best: dict[int, _Scored], entry_no: int, scored: _Scored) -> None:
        if entry_no not in best or scored.score > best[entry_no].score:
            best[entry_no] = scored

    def _score(
        self, query: NameForm, country: str | None, best: dict[int, _Scored], notes: tuple[str, ...]
    ) -> None:
        for form_id, form in self.candidates(query):
            owners = self._owners[form_id]
            comparison, own_notes = self._compare(query, form, owners)
            if comparison.score < _REPORT_FLOOR - 0.1:
                continue
            if comparison.score < 1.0 and all(kind == "product line" for _, _, kind in owners):
                continue  # a product line's code matches as written or not at all: Zhone is not ZXONE
            for entry_no, listed_name, kind in owners:
                entry = self.entries[entry_no]
                score = min(1.0, comparison.score + self._bonus(entry, country))
                extra = (f"{kind} of {entry.entity_id}",) if kind else ()
                self._keep(
                    best, entry_no, _Scored(score, listed_name, form, comparison, notes + own_notes + extra)
                )

    def _compare(
        self, query: NameForm, form: NameForm, owners: list[tuple[int, str, str]]
    ) -> tuple[Comparison, tuple[str, ...]]:
        """The matcher's comparison, made monotonic: words of the entity's own listed names left unpaired
        in the query are set aside, so "HIKVISION DIGITAL TECHNOLOGY" never scores below "Hikvision"."""
        comparison = self.matcher.compare(query, form)
        if comparison.score >= 1.0 or comparison.score < _REPORT_FLOOR - 0.2:
            return comparison, ()
        paired: set[int] = set()
        covered = 0.0
        for _, _, qi, cj in comparison.alignment:
            paired.update(qi)
            covered += sum(form.weights[j] for j in cj)
        # Only for a name that already covers most of the list name: setting words aside must not make
        # a candidate out of a name that shares one word with it.
        if len(paired) == len(query.tokens) or covered < 0.5 * form.total_weight:
            return comparison, ()
        vocabularies = [self._vocabulary.get(self.entries[no].entity_id, frozenset()) for no, _, _ in owners]
        set_aside = [
            i
            for i, t in enumerate(query.tokens)
            if i not in paired and any(t in vocabulary for vocabulary in vocabularies)
        ]
        kept = [i for i in range(len(query.tokens)) if i not in set_aside]
        if not set_aside or not kept:
            return comparison, ()
        reduced = NameForm(
            query.original, tuple(query.tokens[i] for i in kept), tuple(query.weights[i] for i in kept)
        )
        second = self.matcher.compare(reduced, form)
        if second.score <= comparison.score:
            return comparison, ()
        words = " ".join(query.tokens[i] for i in set_aside)
        return second, (f"the entity's own name words set aside: {words}",)

    def _score_products(self, query: NameForm, country: str | None, best: dict[int, _Scored]) -> None:
        cfg = self.config
        for reading in product_readings(query.tokens, self._anchors, self._products):
            anchored = bool(reading.anchor)
            score = cfg.product_match_score if anchored and reading.product_line else cfg.product_review_score
            form_id = self._form_ids.get(reading.anchor)
            form = self._forms[form_id] if form_id is not None else query
            comparison = _product_comparison(query, form, reading, score)
            note = _product_note(reading)
            for entry_no in self._entity_entries.get(reading.entity_id, ()):
                entry = self.entries[entry_no]
                listed = entry.name
                if form_id is not None:
                    listed = next((n for no, n, _ in self._owners[form_id] if no == entry_no), entry.name)
                total = min(1.0, score + self._bonus(entry, country))
                self._keep(best, entry_no, _Scored(total, listed, form, comparison, (note,)))

    def _without_redundant_affiliates(self, hits: list[_Hit]) -> list[_Hit]:
        """Drop an affiliate's hit when its parent (or any ancestor) scored at least as well: "Huawei
        Technologies" is Huawei, not each "Huawei Technologies <country>" subsidiary."""
        best: dict[str, float] = {}
        for hit in hits:
            entity = self.entries[hit.entry_no].entity_id
            best[entity] = max(best.get(entity, 0.0), hit.scored.score)
        return [
            hit
            for hit in hits
            if not any(
                best.get(a, -1.0) >= hit.scored.score
                for a in self.graph.path(self.entries[hit.entry_no].entity_id)
            )
        ]

    def _lists_of(self, entity_id: str) -> tuple[str, ...]:
        """Every list the entity or a parent is on, legal designations first."""
        lists = self.graph.lists_of(entity_id)
        return tuple(sorted(lists, key=lambda lst: (self._legal_rank.get(lst, 0), lst)))

    def _result(self, hit: _Hit, country: str | None) -> ScreeningResult:
        entry = self.entries[hit.entry_no]
        hashes = self._entity_hashes[entry.entity_id]
        record = hit.record
        decision: Decision | None = None
        note = ""
        if record is not None:
            when = record.decided_at.date().isoformat()
            if not record.holds_for(hashes):
                note = (
                    f"{record.decision.value} by {record.decided_by} on {when} lapsed: the entity's "
                    "entries changed since"
                )
            else:
                decision = record.decision
                note = f"{decision.value} by {record.decided_by} on {when}: {record.reason}"
        scored = hit.scored
        comparison = scored.comparison
        features = dict(comparison.features)
        if country and entry.countries:
            features["same_country"] = 1.0 if country in entry.countries else 0.0
        path = self.graph.path(entry.entity_id)
        # model_construct: every value here is built by this class from validated entries.
        return ScreeningResult.model_construct(
            list_id=entry.list_id,
            entity_id=entry.entity_id,
            entity_name=entry.name,
            matched_name=scored.listed_name,
            score=round(scored.score, 4),
            raw_status=hit.raw_status,
            status=hit.status,
            decision=decision,
            affiliate_path=path,
            lists=self._lists_of(entry.entity_id),
            entry_hash=entity_hash(hashes),
            explanation=Explanation.model_construct(
                query_normalised=(comparison.query or scored.form).text,
                matched_normalised=scored.form.text,
                matcher=self.matcher.name,
                pairs=comparison.pairs,
                unmatched_query=comparison.unmatched_query,
                unmatched_candidate=comparison.unmatched_candidate,
                features=features,
                affiliate_path=path,
                entry_source=entry.source,
                decision_note=note,
                notes=scored.notes,
            ),
        )


def _product_comparison(query: NameForm, form: NameForm, reading: ProductReading, score: float) -> Comparison:
    n, k = len(query.tokens), len(reading.anchor)
    positions = range(k) if reading.anchor_at_start else range(n - k, n)
    alignment = tuple((1.0, 2, (i,), (j,)) for j, i in enumerate(positions)) if k else ()
    return Comparison(
        score=score,
        query=query,
        candidate=form if k else None,
        alignment=alignment,
        extra_features={
            "product_reading": 1.0,
            "model_words": float(sum(any(c.isdigit() for c in t) for t in reading.leftover)),
            "own_product_line": 1.0 if reading.product_line else 0.0,
        },
    )


def _product_note(reading: ProductReading) -> str:
    where = "then" if reading.anchor_at_start else "after"
    if not reading.anchor:
        return f"a product of {reading.entity_id}: model code in {' '.join(reading.leftover)}"
    return (
        f"a product of {reading.entity_id}: '{' '.join(reading.anchor)}' {where} {' '.join(reading.leftover)}"
    )


@dataclass(frozen=True, slots=True)
class _Scored:
    score: float
    listed_name: str
    form: NameForm
    comparison: Comparison
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Hit:
    scored: _Scored
    entry_no: int
    raw_status: ScreeningStatus
    status: ScreeningStatus
    record: DecisionRecord | None
