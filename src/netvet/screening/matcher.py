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
from typing import Protocol

from rapidfuzz.distance import OSA

from netvet.screening.normalize import NameForm

_MIN_FUZZY_LENGTH = 4  # shorter tokens (zte, cta, dji) must match exactly
_TWO_EDIT_LENGTH = 9  # tokens this long may differ by two edits


@dataclass(frozen=True)
class Comparison:
    score: float
    pairs: tuple[str, ...] = ()  # "huawie~huawei 0.83", "hua+wei=huawei"
    unmatched_query: tuple[str, ...] = ()
    unmatched_candidate: tuple[str, ...] = ()
    features: dict[str, float] = field(default_factory=dict)


class NameMatcher(Protocol):
    """One narrow interface, so another algorithm can be dropped in (see the benchmark)."""

    name: str

    def compare(self, query: NameForm, candidate: NameForm) -> Comparison: ...


def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    if min(len(a), len(b)) < _MIN_FUZZY_LENGTH:
        return 0.0
    allowed = 2 if longest >= _TWO_EDIT_LENGTH else 1
    distance = OSA.distance(a, b, score_cutoff=allowed)
    if distance > allowed:
        return 0.0
    return 1.0 - distance / longest


class TokenAlignmentMatcher:
    """netvet's matcher: weighted token alignment with typo and split/joined-word tolerance."""

    name = "netvet-token-alignment"

    def compare(self, query: NameForm, candidate: NameForm) -> Comparison:
        q, c = query.tokens, candidate.tokens
        if not q or not c:
            return Comparison(score=0.0)
        options: list[tuple[float, int, tuple[int, ...], tuple[int, ...]]] = []
        for i, qt in enumerate(q):
            for j, ct in enumerate(c):
                sim = token_similarity(qt, ct)
                if sim > 0.0:
                    options.append((sim, 2, (i,), (j,)))
        # Words written apart on one side and together on the other.
        for i in range(len(q) - 1):
            joined = q[i] + q[i + 1]
            for j, ct in enumerate(c):
                sim = token_similarity(joined, ct)
                if sim > 0.0:
                    options.append((sim, 3, (i, i + 1), (j,)))
        for j in range(len(c) - 1):
            joined = c[j] + c[j + 1]
            for i, qt in enumerate(q):
                sim = token_similarity(qt, joined)
                if sim > 0.0:
                    options.append((sim, 3, (i,), (j, j + 1)))
        # Greedy one-to-one alignment, best pairs first; a join wins a tie with a single pair.
        options.sort(key=lambda o: (o[0], o[1]), reverse=True)
        used_q: set[int] = set()
        used_c: set[int] = set()
        gained = 0.0
        surplus = 0.0
        edits = 0
        joins = 0
        pairs: list[str] = []
        for sim, _, qi, cj in options:
            if used_q.intersection(qi) or used_c.intersection(cj):
                continue
            used_q.update(qi)
            used_c.update(cj)
            # Two words written together count as one word: the split form earns no extra weight.
            q_weight = max(query.weights[i] for i in qi)
            c_weight = max(candidate.weights[j] for j in cj)
            surplus += sum(query.weights[i] for i in qi) - q_weight
            surplus += sum(candidate.weights[j] for j in cj) - c_weight
            gained += sim * (q_weight + c_weight)
            q_text = "+".join(q[i] for i in qi)
            c_text = "+".join(c[j] for j in cj)
            if len(qi) > 1 or len(cj) > 1:
                joins += 1
            if sim < 1.0:
                edits += 1
                pairs.append(f"{q_text}~{c_text} {sim:.2f}")
            else:
                pairs.append(f"{q_text}={c_text}")
        total = query.total_weight + candidate.total_weight - surplus
        score = gained / total if total else 0.0
        unmatched_q = tuple(q[i] for i in range(len(q)) if i not in used_q)
        unmatched_c = tuple(c[j] for j in range(len(c)) if j not in used_c)
        return Comparison(
            score=score,
            pairs=tuple(pairs),
            unmatched_query=unmatched_q,
            unmatched_candidate=unmatched_c,
            features={
                "weighted_overlap": round(score, 4),
                "tokens_paired": float(len(pairs)),
                "typo_pairs": float(edits),
                "joined_words": float(joins),
                "query_tokens_unmatched": float(len(unmatched_q)),
                "candidate_tokens_unmatched": float(len(unmatched_c)),
            },
        )
