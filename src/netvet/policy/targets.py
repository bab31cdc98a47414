"""Which names written in the inventory a rule reaches, decided from screening's vendor evidence.

Work is per distinct name (hundreds or thousands), never per asset; assets are then selected in bulk by
name. A rule targeting `huawei` reaches HiSilicon through `VendorEvidence.affiliate_path`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from netvet.model.screening import Decision, ScreeningStatus, VendorEvidence
from netvet.policy.rules import Designation, VendorTarget


def describe_evidence(evidence: VendorEvidence) -> str:
    """'Huawei Tech' -> huawei (Huawei Technologies Co., Ltd.) on bis-entity, score 0.97, via ..."""
    lists = ", ".join(sorted({evidence.list_id, *evidence.lists}))
    text = (
        f"'{evidence.name}' -> {evidence.entity_id} ({evidence.entity_name}) on {lists}, "
        f"matched '{evidence.matched_name}' with score {evidence.score:.2f}"
    )
    if evidence.affiliate_path:
        text += f", affiliate of {' -> '.join(evidence.affiliate_path)}"
    if evidence.decision is Decision.CONFIRMED:
        text += ", confirmed by an analyst"
    return text


def _reached_from(
    target: VendorTarget, designations: Sequence[Designation], evidence: VendorEvidence
) -> date | None:
    """The first day `target` reaches this evidence (date.min: from the rule's own dates); None: never."""
    entity_ids = set(evidence.entity_ids)
    lists = {evidence.list_id, *evidence.lists}
    days: list[date] = []
    if entity_ids & set(target.entities) or lists & set(target.lists):
        days.append(date.min)
    for designation in designations:
        reached = entity_ids & set(designation.entities) or lists & set(designation.lists)
        if designation.id in target.designations and reached:
            days.append(designation.designated + timedelta(days=target.days_after_designation))
    if not days:
        return None
    # Assessing an earlier day uses what the lists said then: an affiliate belongs to its group from
    # the day its entry was added (Huawei Cloud joined the Entity List on 2020-08-17, a year after Huawei).
    listed = evidence.listed_on if evidence.affiliate_path and evidence.listed_on else date.min
    return max(min(days), listed)


def _reaches(
    target: VendorTarget, designations: Sequence[Designation], evidence: VendorEvidence, at: date
) -> bool:
    since = _reached_from(target, designations, evidence)
    return since is not None and since <= at


@dataclass
class NameTargets:
    """For one rule: each targeted name with its evidence text, and names a pending review might add."""

    reaches_anyone: bool = False
    names: dict[str, str] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    # Names the rule reaches only from a day of their own (a designation, an affiliate's listing).
    since: dict[str, date] = field(default_factory=dict)


def target_names(
    target: VendorTarget,
    designations: Sequence[Designation],
    evidence: Mapping[str, Sequence[VendorEvidence]],
    at: date,
) -> NameTargets:
    found = NameTargets(reaches_anyone=target.any)
    for name, items in evidence.items():
        hits = [e for e in items if e.counts_as_restricted and _reaches(target, designations, e, at)]
        if hits:
            # Screening may hit one entity through several list entries: name each entity once, best score.
            best: dict[str, VendorEvidence] = {}
            for e in sorted(hits, key=lambda e: -e.score):
                best.setdefault(e.entity_id, e)
            found.names[name] = "; ".join(describe_evidence(e) for e in best.values())
            first = min(_reached_from(target, designations, e) or date.min for e in hits)
            if first > date.min:
                found.since[name] = first
            continue
        if any(
            e.status is ScreeningStatus.REVIEW
            and e.decision is None
            and _reaches(target, designations, e, at)
            for e in items
        ):
            found.pending.add(name)
    return found
