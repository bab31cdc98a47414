"""Scoring one name against one list name, with the features that explain the score.

The score is a weighted token alignment: tokens of the two names are paired (exactly, within one or two
edits by rapidfuzz's optimal-string-alignment distance, or as two adjacent tokens written together, as in
"Hua Wei" / "Huawei"), and the score is the share of both names' token weight that was paired, each pair
counted at its similarity. Generic words and places weigh less (data/screening.yaml), so "Huawei
Technologies Sweden" stays close to "Huawei Technologies" while "Hua Wei Restaurant" does not reach the
review threshold: the unmatched distinctive word pulls it down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Protocol

from rapidfuzz.distance import OSA, JaroWinkler
from rigour._core import metaphone

from netvet.screening.normalize import NameForm

_MIN_FUZZY_LENGTH = 4  # shorter tokens (zte, cta, dji) must match exactly
_TWO_EDIT_LENGTH = 9  # tokens this long may differ by two edits
_PHONETIC_LENGTH = 6  # tokens this long that sound the same (and look close) pair beyond the edit limit
_PHONETIC_SIMILARITY = 0.8
_PHONETIC_MIN_JARO_WINKLER = 0.9  # metaphone alone pairs sepura / sparrow
_FIRST_LETTER_FREE = 7  # shorter words must start with the same letter to count as misspellings


@dataclass(frozen=True)
class Comparison:
    """A score, and the alignment behind it (explained on demand: most comparisons are discarded)."""

    score: float
    query: NameForm | None = None
    candidate: NameForm | None = None
    alignment: tuple[tuple[float, int, tuple[int, ...], tuple[int, ...]], ...] = ()
    extra_features: dict[str, float] = field(default_factory=dict)

    @cached_property
    def pairs(self) -> tuple[str, ...]:
        """ "huawei=huawei", "huawie~huawei 0.83", "hua+wei=huawei"."""
        if self.query is None or self.candidate is None:
            return ()
        out = []
        for sim, _, qi, cj in self.alignment:
            left = "+".join(self.query.tokens[i] for i in qi)
            right = "+".join(self.candidate.tokens[j] for j in cj)
            out.append(f"{left}={right}" if sim >= 1.0 else f"{left}~{right} {sim:.2f}")
        return tuple(out)

    def _unmatched(self, form: NameForm | None, query_side: bool) -> tuple[str, ...]:
        if form is None:
            return ()
        used = {k for _, _, qi, cj in self.alignment for k in (qi if query_side else cj)}
        return tuple(t for k, t in enumerate(form.tokens) if k not in used)

    @cached_property
    def unmatched_query(self) -> tuple[str, ...]:
        return self._unmatched(self.query, True)

    @cached_property
    def unmatched_candidate(self) -> tuple[str, ...]:
        return self._unmatched(self.candidate, False)

    @property
    def features(self) -> dict[str, float]:
        joins = sum(1 for _, _, qi, cj in self.alignment if len(qi) > 1 or len(cj) > 1)
        typos = sum(1 for sim, *_ in self.alignment if sim < 1.0)
        return {
            "weighted_overlap": round(self.score, 4),
            "tokens_paired": float(len(self.alignment)),
            "typo_or_sound_pairs": float(typos),
            "joined_words": float(joins),
            "query_tokens_unmatched": float(len(self.unmatched_query)),
            "candidate_tokens_unmatched": float(len(self.unmatched_candidate)),
            **self.extra_features,
        }


class NameMatcher(Protocol):
    """One narrow interface, so another algorithm can be dropped in (see the benchmark)."""

    name: str

    def compare(self, query: NameForm, candidate: NameForm) -> Comparison: ...


@lru_cache(maxsize=262_144)
def token_similarity(a: str, b: str) -> float:
    """1.0 for equal tokens, 1 - edits/length within one edit (two for long tokens), else 0."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la < _MIN_FUZZY_LENGTH or lb < _MIN_FUZZY_LENGTH:
        return 0.0
    longest = la if la > lb else lb
    allowed = 2 if longest >= _TWO_EDIT_LENGTH else 1
    same_start = a[0] == b[0]
    if longest < _FIRST_LETTER_FREE and not same_start:
        return 0.0  # a short word misspelt in its first letter is another word (Cisco / Zisco)
    if abs(la - lb) <= allowed:
        distance = OSA.distance(a, b, score_cutoff=allowed)
        if distance <= allowed:
            return 1.0 - distance / longest
    phonetic = same_start and min(la, lb) >= _PHONETIC_LENGTH and abs(la - lb) <= allowed + 1
    if phonetic and same_sound(a, b) and JaroWinkler.similarity(a, b) >= _PHONETIC_MIN_JARO_WINKLER:
        return _PHONETIC_SIMILARITY
    return 0.0


@lru_cache(maxsize=262_144)
def sound_code(token: str) -> str:
    return metaphone(token)


def same_sound(a: str, b: str) -> bool:
    """rigour's metaphone codes agree (Ericsson / Erikson), for codes long enough to mean something."""
    code = sound_code(a)
    return len(code) >= 3 and code == sound_code(b)


Option = tuple[float, int, tuple[int, ...], tuple[int, ...]]


def _pairings(q: tuple[str, ...], c: tuple[str, ...]) -> list[Option]:
    """Every way a query token (or two adjacent ones) can pair with a candidate token (or two)."""
    options: list[Option] = []
    c_set = set(c)
    q_set = set(q)
    c_loose = [(j, ct) for j, ct in enumerate(c) if ct not in q_set]
    q_loose = [(i, qt) for i, qt in enumerate(q) if qt not in c_set]
    for i, qt in enumerate(q):
        if qt in c_set:
            options.extend((1.0, 2, (i,), (j,)) for j, ct in enumerate(c) if ct == qt)
    if not q_loose or not c_loose:
        return options
    for i, qt in q_loose:
        if len(qt) >= _MIN_FUZZY_LENGTH:
            for j, ct in c_loose:
                if abs(len(qt) - len(ct)) <= 3:
                    sim = token_similarity(qt, ct)
                    if sim > 0.0:
                        options.append((sim, 2, (i,), (j,)))
    # Words written apart on one side and together on the other ("hua wei" / "huawei"): only for
    # tokens without an exact partner, and the joined form must start like its partner.
    loose_q = {i for i, _ in q_loose}
    loose_c = {j for j, _ in c_loose}
    for i in range(len(q) - 1):
        if i in loose_q and i + 1 in loose_q:
            joined = q[i] + q[i + 1]
            for j, ct in c_loose:
                if ct[0] == joined[0] and abs(len(ct) - len(joined)) <= 2:
                    sim = token_similarity(joined, ct)
                    if sim > 0.0:
                        # Joined and misspelt is two steps from the name: weaker evidence.
                        options.append((sim * sim, 3, (i, i + 1), (j,)))
    for j in range(len(c) - 1):
        if j in loose_c and j + 1 in loose_c:
            joined = c[j] + c[j + 1]
            for i, qt in q_loose:
                if qt[0] == joined[0] and abs(len(qt) - len(joined)) <= 2:
                    sim = token_similarity(qt, joined)
                    if sim > 0.0:
                        options.append((sim * sim, 3, (i,), (j, j + 1)))
    return options


class TokenAlignmentMatcher:
    """netvet's matcher: weighted token alignment with typo and split/joined-word tolerance."""

    name = "netvet-token-alignment"

    def compare(self, query: NameForm, candidate: NameForm) -> Comparison:
        q, c = query.tokens, candidate.tokens
        if not q or not c:
            return Comparison(score=0.0)
        options = _pairings(q, c)
        # Greedy one-to-one alignment, best pairs first; a join wins a tie with a single pair.
        options.sort(reverse=True)
        used_q: set[int] = set()
        used_c: set[int] = set()
        accepted: list[Option] = []
        gained = 0.0
        surplus = 0.0
        qw, cw = query.weights, candidate.weights
        for option in options:
            sim, _, qi, cj = option
            if len(qi) == 1 and len(cj) == 1:
                i, j = qi[0], cj[0]
                if i in used_q or j in used_c:
                    continue
                used_q.add(i)
                used_c.add(j)
                gained += sim * (qw[i] + cw[j])
            else:
                if used_q.intersection(qi) or used_c.intersection(cj):
                    continue
                used_q.update(qi)
                used_c.update(cj)
                # Two words written together count as one word: the split form earns no extra weight.
                q_weight = max(qw[i] for i in qi)
                c_weight = max(cw[j] for j in cj)
                surplus += sum(qw[i] for i in qi) - q_weight + sum(cw[j] for j in cj) - c_weight
                gained += sim * (q_weight + c_weight)
            accepted.append(option)
        total = query.total_weight + candidate.total_weight - surplus
        return Comparison(
            score=gained / total if total else 0.0,
            query=query,
            candidate=candidate,
            alignment=tuple(accepted),
        )
