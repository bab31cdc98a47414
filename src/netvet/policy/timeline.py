"""Every dated obligation that applies to the network, past and future, in order.

A rule belongs on the timeline when at least one asset in its countries and scope comes from a vendor
it reaches (with every designation counted, whatever its date). Counting is bulk, one pass per rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from netvet.model.roles import RoleTable
from netvet.model.screening import VendorEvidence
from netvet.policy.evaluate import select_packs
from netvet.policy.frame import decide, prepare_assets, scope_conditions, vendor_filter
from netvet.policy.licences import Extension, Licence, deadline_overrides
from netvet.policy.rules import DeadlineKind, EffectType, Rule, RulePack
from netvet.policy.targets import target_names


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    jurisdiction: str
    rule_id: str
    event: str  # adopted, in force, deadline, report due, licence ends, ...
    description: str
    legal_status: str
    confidence: str
    assets: int
    sites: int


def _deadline_label(rule: Rule) -> str:
    if rule.deadline_kind is DeadlineKind.START_OF_DAY:
        return "deadline (gone by the start of this day)"
    return "deadline (last day allowed)"


def _rule_events(
    rule: Rule, today: date, extension_deadlines: dict[str, date]
) -> list[tuple[date, str, str]]:
    events = [(rule.adopted, "adopted", rule.wording or rule.title)]
    if rule.effective and rule.effective != rule.adopted:
        label = "ban starts" if rule.effect.type is EffectType.BAN else "in force"
        events.append((rule.effective, label, rule.wording or rule.title))
    for change in rule.deadline_changes:
        events.append((change.issued, "deadline moved", f"to {change.deadline}: {change.note or rule.title}"))
    if rule.effect.type is EffectType.REPORT:
        dues = [rule.deadline, *(c.deadline for c in rule.deadline_changes)] if rule.deadline else []
        if rule.effect.annual_due and rule.effect.annual_from:
            month, day = (int(p) for p in rule.effect.annual_due.split("-"))
            dues += [date(y, month, day) for y in range(rule.effect.annual_from, today.year + 2)]
        events += [(d, "report due", rule.title) for d in dues]
    elif rule.id in extension_deadlines:
        events.append((extension_deadlines[rule.id], "deadline (operator's own)", rule.title))
    elif rule.deadline:
        for moved in (rule.deadline, *(c.deadline for c in rule.deadline_changes)):
            events.append((moved, _deadline_label(rule), rule.wording or rule.title))
    return events


def timeline(
    assets: pl.DataFrame,
    evidence: Mapping[str, Sequence[VendorEvidence]],
    packs: Sequence[RulePack],
    today: date,
    *,
    jurisdictions: Sequence[str] | None = None,
    licences: Sequence[Licence] = (),
    extensions: Sequence[Extension] = (),
    roles: RoleTable | None = None,
    organization_id: str = "default",
) -> list[TimelineEvent]:
    selected = select_packs(packs, jurisdictions)
    prepared = prepare_assets(assets, roles)
    # The operator's own deadlines: the extensions in force today, chosen as the assessment chooses them.
    extension_deadlines = {
        rule: extension.deadline
        for rule, extension in deadline_overrides(extensions, organization_id, today).items()
    }
    # A superseded rule's later dates no longer bind: end its line where the newer rule was adopted.
    superseded: dict[str, Rule] = {}
    for pack in selected:
        for rule in pack.rules:
            for old in rule.supersedes:
                if old not in superseded or rule.adopted < superseded[old].adopted:
                    superseded[old] = rule
    events: list[TimelineEvent] = []
    for pack in selected:
        rows = prepared.filter(pl.col("country").is_in(list(pack.countries)))
        for rule in pack.rules:
            targets = target_names(rule.vendors, pack.designations, evidence, date.max)
            mask, _ = vendor_filter(targets)
            # Equipment the rule reaches or may reach (a missing date or technology does not hide it).
            verdict = decide(scope_conditions(rule.scope, rows))
            hit = rows.filter((verdict.inside | verdict.undecided) & mask)
            if hit.height == 0:
                continue
            sites = hit.get_column("site_id").n_unique()
            found = _rule_events(rule, today, extension_deadlines)
            newer = superseded.get(rule.id)
            if newer is not None:
                found = [event for event in found if event[0] < newer.adopted]
                found.append((newer.adopted, "superseded", f"by {newer.id}: {newer.title}"))
            for licence in licences:
                if rule.id in licence.rules:
                    for window in licence.windows:
                        found.append((window.valid_until, "licence ends", f"{licence.title} ({licence.id})"))
            for day, label, description in found:
                events.append(
                    TimelineEvent(
                        day=day,
                        jurisdiction=pack.jurisdiction,
                        rule_id=rule.id,
                        event=label,
                        description=description,
                        legal_status=rule.legal_status.value,
                        confidence=rule.confidence.value,
                        assets=hit.height,
                        sites=sites,
                    )
                )
    return sorted(events, key=lambda e: (e.day, e.jurisdiction, e.rule_id, e.event))
