"""Precision and recall on the labelled evaluation set (over 500 names: real spellings, suffixes,
abbreviations, Chinese script, romanisations, typos and subsidiaries of listed vendors; other telecom
vendors and look-alike names as hard negatives). `match` and `review` both count as flagged."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_data
from netvet.screening import Screener, shipped_lists
from netvet.screening.api import shipped_screener
from netvet.screening.evaluation import evaluate, read_labelled
from netvet.screening.lists import all_entries
from netvet.screening.loaders import read_ofac_csv

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


@pytest.mark.shared_data
@pytest.mark.slow
def test_precision_and_recall_hold_with_the_real_ofac_list_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    """17,000 more names to be confused with: the look-alikes must still stay clear."""
    folder = shared_data("ofac")
    ofac = read_ofac_csv(
        (folder / "sdn.csv").read_bytes(),
        "sdn.csv",
        alt=(folder / "alt.csv").read_bytes(),
        add=(folder / "add.csv").read_bytes(),
    )
    screener = Screener([*ofac.entries, *all_entries(shipped_lists())])
    labelled = read_labelled(EVAL_SET.read_text(encoding="utf-8"))
    result = evaluate(screener, labelled)
    with capsys.disabled():
        print(
            f"\nwith OFAC SDN loaded: precision {result.precision:.4f}, recall {result.recall:.4f}; "
            f"false alarms: {result.false_alarms}"
        )
    assert result.precision >= MINIMUM, result.false_alarms
    assert result.recall >= MINIMUM, result.misses
