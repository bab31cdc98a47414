"""The token-alignment matcher: typos, joined words, unmatched words, short tokens."""

from __future__ import annotations

from netvet.screening.matcher import TokenAlignmentMatcher, token_similarity
from netvet.screening.normalize import default_normalizer


def score(a: str, b: str) -> float:
    n = default_normalizer()
    return TokenAlignmentMatcher().compare(n(a), n(b)).score


def test_identical_names_score_one() -> None:
    assert score("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES") == 1.0


def test_one_typo_costs_a_little_and_says_so() -> None:
    n = default_normalizer()
    comparison = TokenAlignmentMatcher().compare(n("Huawie"), n("Huawei"))
    assert 0.8 < comparison.score < 1.0
    assert comparison.pairs == ("huawie~huawei 0.83",)
    assert comparison.features["typo_or_sound_pairs"] == 1.0


def test_short_tokens_must_match_exactly() -> None:
    assert token_similarity("zte", "ztt") == 0.0
    assert token_similarity("zte", "zte") == 1.0


def test_words_written_apart_pair_with_the_joined_word() -> None:
    n = default_normalizer()
    comparison = TokenAlignmentMatcher().compare(n("Hua Wei"), n("Huawei"))
    assert comparison.score == 1.0
    assert comparison.pairs == ("hua+wei=huawei",)


def test_an_unmatched_distinctive_word_pulls_the_score_down() -> None:
    assert score("Hua Wei Restaurant", "Huawei") < 0.7
    assert score("Huawei Technologies Sweden", "Huawei Technologies") > score("Hua Wei Restaurant", "Huawei")


def test_phonetic_equivalents_pair_beyond_the_edit_limit() -> None:
    # Two edits on an 8-letter word, but rigour's metaphone codes agree.
    assert token_similarity("erikson", "ericsson") > 0.0
    assert token_similarity("nokia", "nikon") == 0.0


def test_unrelated_names_score_zero() -> None:
    assert score("Ericsson", "Huawei") == 0.0
