"""Precision and recall of a screener on a labelled set of names (tests/data/screening/eval_pairs.csv).

A listed name counts as found when some `match` or `review` result belongs to the same family as the
labelled entity (the entity, its parents or its subsidiaries, i.e. the same root); an unlisted name counts
as a false positive when anything at all is flagged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from netvet.model.screening import ScreeningStatus
from netvet.screening.screener import NameScreening, Screener


@dataclass(frozen=True)
class LabelledName:
    name: str
    listed: bool
    entity_id: str
    category: str


@dataclass
class Evaluation:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        listed = self.true_positives + self.false_negatives
        return self.true_positives / listed if listed else 1.0


def read_labelled(text: str) -> list[LabelledName]:
    return [
        LabelledName(row["name"], row["listed"] == "1", row["entity_id"], row["category"])
        for row in csv.DictReader(io.StringIO(text))
    ]


def evaluate(
    screener: Screener,
    labelled: Sequence[LabelledName],
    screen: Callable[[str], NameScreening] | None = None,
) -> Evaluation:
    screen = screen or screener.screen

    def root(entity_id: str) -> str:
        return (screener.graph.path(entity_id) or (entity_id,))[-1]

    result = Evaluation()
    for item in labelled:
        flagged = [r for r in screen(item.name).results if r.status is not ScreeningStatus.CLEAR]
        if item.listed:
            if any(root(r.entity_id) == root(item.entity_id) for r in flagged):
                result.true_positives += 1
            else:
                result.false_negatives += 1
                result.misses.append(item.name)
        elif flagged:
            result.false_positives += 1
            result.false_alarms.append(f"{item.name} -> {flagged[0].entity_id} {flagged[0].score:.2f}")
        else:
            result.true_negatives += 1
    return result
