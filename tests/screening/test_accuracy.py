"""Precision and recall on the labelled evaluation set (565 names: real spellings, suffixes,
abbreviations, Chinese script, romanisations, typos and subsidiaries of listed vendors; other telecom
vendors and look-alike names as hard negatives). `match` and `review` both count as flagged."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from netvet.screening.api import shipped_screener
from netvet.screening.evaluation import evaluate, read_labelled

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "screening" / "eval_pairs.csv"
MINIMUM = 0.97


def test_the_evaluation_set_is_large_and_varied() -> None:
    labelled = read_labelled(EVAL_SET.read_text(encoding="utf-8"))
    assert len(labelled) >= 500
    assert len({item.name for item in labelled}) == len(labelled)
    kinds = Counter(item.category for item in labelled if item.listed)
    assert {"chinese", "typo", "romanisation", "subsidiary", "abbreviation"} <= set(kinds)
    negatives = [item for item in labelled if not item.listed]
    assert len(negatives) >= 250 and sum(item.category == "look-alike" for item in negatives) >= 50


def test_precision_and_recall_on_the_evaluation_set(capsys: pytest.CaptureFixture[str]) -> None:
    labelled = read_labelled(EVAL_SET.read_text(encoding="utf-8"))
    result = evaluate(shipped_screener(), labelled)
    with capsys.disabled():  # reported on every run, not only with -s
        print(
            f"\nscreening accuracy on {len(labelled)} labelled names: precision {result.precision:.4f}, "
            f"recall {result.recall:.4f} (tp {result.true_positives}, fp {result.false_positives}, "
            f"fn {result.false_negatives}, tn {result.true_negatives})"
        )
    assert result.precision >= MINIMUM, result.false_alarms
    assert result.recall >= MINIMUM, result.misses
