"""Candidate blocking: which list names are worth scoring for a query, without scanning the list.

Three kinds of keys lead from a query token to list names: the token itself (and two adjacent tokens
joined, for "Hua Wei" / "Huawei"), its one-deletion neighbourhood (a typo within one edit shares a
deletion variant: "huawie" and "huawei" both give "huawe"), and its metaphone code (rigour's phonetic
key: "ericson" and "ericsson" both give ERKSN). Each vocabulary token found adds its names, weighted by
the token's rarity (idf) and weight; only the best-ranked names are scored.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from rigour._core import metaphone

from netvet.screening.config import ScreeningConfig
from netvet.screening.matcher import token_similarity
from netvet.screening.normalize import NameForm

# A token in more names than this only re-ranks names that rarer tokens proposed.
_PROPOSE_LIMIT = 100
_RELATIVE_FLOOR = 0.4
_JOINABLE = 16


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class CandidateIndex:
    def __init__(self, forms: Sequence[NameForm], config: ScreeningConfig) -> None:
        self.config = config
        self.size = len(forms)
        postings: dict[str, set[int]] = defaultdict(set)
        for name_id, form in enumerate(forms):
            for token in self._vocabulary_keys(form.tokens):
                postings[token].add(name_id)
        self._postings: dict[str, tuple[int, ...]] = {t: tuple(ids) for t, ids in postings.items()}
        self._idf: dict[str, float] = {
            t: math.log(1.0 + self.size / len(ids)) for t, ids in self._postings.items()
        }
        # Ties between names sharing the same tokens go to the shorter name (fewer unmatched words).
        self._length_norm = [math.sqrt(1.0 + form.total_weight) for form in forms]
        self._posting_sets: dict[str, frozenset[int]] = {}
        self._near_cache: dict[str, tuple[str, ...]] = {}
        self._fuzzy: dict[str, set[str]] = defaultdict(set)
        for token in self._postings:
            if len(token) >= config.typo_min_length:
                for key in self._fuzzy_keys(token):
                    self._fuzzy[key].add(token)

    @staticmethod
    def _vocabulary_keys(tokens: Sequence[str]) -> Iterable[str]:
        yield from tokens
        for i in range(len(tokens) - 1):
            yield tokens[i] + tokens[i + 1]

    @staticmethod
    def _fuzzy_keys(token: str) -> Iterable[str]:
        yield "d:" + token
        for variant in _deletions(token):
            yield "d:" + variant
        code = metaphone(token)
        if len(code) >= 3:
            yield "p:" + code

    def vocabulary_size(self) -> int:
        return len(self._postings)

    def _near(self, token: str) -> tuple[str, ...]:
        """Vocabulary tokens within one edit or with the same metaphone code (cached per token)."""
        found = self._near_cache.get(token)
        if found is None:
            near: set[str] = set()
            for key in self._fuzzy_keys(token):
                near.update(self._fuzzy.get(key, ()))
            near.discard(token)
            # Keep only neighbours the matcher can pair: blocking on anything else is wasted scoring.
            found = tuple(t for t in near if token_similarity(token, t) > 0.0)
            if len(self._near_cache) < 500_000:
                self._near_cache[token] = found
        return found

    def _members(self, token: str) -> frozenset[int]:
        members = self._posting_sets.get(token)
        if members is None:
            members = self._posting_sets[token] = frozenset(self._postings[token])
        return members

    def candidates(self, query: NameForm) -> list[int]:
        """Name ids worth scoring, best first, at most `max_candidate_names`.

        Rare tokens propose names; common ones (more than `_PROPOSE_LIMIT` names) only add to the
        score of names already proposed, so a query with "al" or "trading" does not walk thousands of
        postings.
        """
        cfg = self.config
        found: dict[str, float] = {}  # vocabulary token -> weight of the query token that led to it
        tokens = query.tokens
        weights = query.weights
        keys = list(zip(tokens, weights, strict=True))
        # Words written apart ("hua wei", "hi silicon") are short; longer pairs are not joined.
        keys.extend(
            (tokens[i] + tokens[i + 1], max(weights[i], weights[i + 1]))
            for i in range(len(tokens) - 1)
            if len(tokens[i]) + len(tokens[i + 1]) <= _JOINABLE
        )
        postings = self._postings
        for token, weight in keys:
            if token in postings:
                found[token] = max(found.get(token, 0.0), weight)
            elif len(token) >= cfg.typo_min_length:
                # Only a word the lists do not contain is looked up as a possible misspelling.
                for near in self._near(token):
                    found.setdefault(near, weight * 0.8)
        if not found:
            return []
        ordered = sorted(found, key=lambda t: len(self._postings[t]))
        scores: dict[int, float] = defaultdict(float)
        for position, token in enumerate(ordered):
            ids: Iterable[int] = self._postings[token]
            gain = found[token] * self._idf[token]
            if not scores and len(self._postings[token]) > _PROPOSE_LIMIT and position + 1 < len(ordered):
                # Only common words: propose the names that have the two rarest of them.
                both = self._members(token) & self._members(ordered[position + 1])
                ids = both or ids
            if not scores or len(self._postings[token]) <= _PROPOSE_LIMIT:
                if len(self._postings[token]) > cfg.max_postings and scores:
                    break
                for name_id in ids:
                    scores[name_id] += gain
            else:
                members = self._members(token)
                for name_id in scores:
                    if name_id in members:
                        scores[name_id] += gain
        norm = self._length_norm
        ranked = heapq.nlargest(cfg.max_candidate_names, scores, key=lambda i: scores[i] / norm[i])
        # Names sharing far less of the query's weight than the best one cannot reach review.
        floor = _RELATIVE_FLOOR * scores[ranked[0]] / norm[ranked[0]]
        return [i for i in ranked if scores[i] / norm[i] >= floor]
