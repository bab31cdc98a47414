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
from netvet.screening.normalize import NameForm


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

    def candidates(self, query: NameForm) -> list[int]:
        """Name ids worth scoring, best first, at most `max_candidate_names`."""
        cfg = self.config
        found: dict[str, float] = {}  # vocabulary token -> weight of the query token that led to it
        keys = list(self._vocabulary_keys(query.tokens))
        weights = [
            *query.weights,
            *(max(a, b) for a, b in zip(query.weights, query.weights[1:], strict=False)),
        ]
        for token, weight in zip(keys, weights, strict=True):
            if token in self._postings:
                found[token] = max(found.get(token, 0.0), weight)
            if len(token) >= cfg.typo_min_length:
                for key in self._fuzzy_keys(token):
                    for near in self._fuzzy.get(key, ()):
                        found.setdefault(near, weight * 0.8)
        if not found:
            return []
        usable = [t for t in found if len(self._postings[t]) <= cfg.max_postings]
        if not usable:  # only very common words: use the rarest one anyway
            usable = [min(found, key=lambda t: len(self._postings[t]))]
        scores: dict[int, float] = defaultdict(float)
        for token in usable:
            gain = found[token] * self._idf[token]
            for name_id in self._postings[token]:
                scores[name_id] += gain
        return heapq.nlargest(cfg.max_candidate_names, scores, key=scores.__getitem__)
