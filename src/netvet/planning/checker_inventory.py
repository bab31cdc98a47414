"""The checks that need the inventory: a plan's tasks against the work the findings and catalogue give."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from netvet.planning.instance import PlanningInstance, WorkPackage
from netvet.planning.plan import PlanCap, PlanTask, UnscheduledWork
from netvet.planning.violation import PlanViolation


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.01)


def check_against_instance(
    instance: PlanningInstance,
    start: date,
    tasks: Sequence[PlanTask],
    unscheduled: Sequence[UnscheduledWork],
    caps: Sequence[PlanCap],
    objective: float,
) -> list[PlanViolation]:
    out: list[PlanViolation] = []
    package_of_asset = {a: p for p in instance.packages for a in p.asset_ids}
    covered: set[str] = set()
    finish_of: dict[int, int] = {}
    phases_seen: dict[int, set[int]] = defaultdict(set)
    for t in tasks:
        unknown = [a for a in t.asset_ids if a not in package_of_asset]
        if unknown:
            out.append(
                PlanViolation(
                    kind="inventory",
                    message=f"site {t.site_id}: assets {', '.join(unknown)} need no replacement (or do not exist)",
                    site_id=t.site_id,
                )
            )
        covered.update(t.asset_ids)
        found = {package_of_asset[a].index for a in t.asset_ids if a in package_of_asset}
        if len(found) != 1:
            if found:
                out.append(
                    PlanViolation(
                        kind="inventory",
                        message=f"site {t.site_id}: one task mixes work the precedence rules split into stages",
                        site_id=t.site_id,
                    )
                )
            continue
        p = instance.packages[found.pop()]
        out.extend(_check_task(instance, p, t))
        phases_seen[p.index].add(t.phase_index)
        week = (t.end() - start).days // 7
        finish_of[p.index] = max(finish_of.get(p.index, -1), week)
    left_out = {a for u in unscheduled for a in u.asset_ids}
    missing = [a for a in package_of_asset if a not in covered and a not in left_out]
    if missing:
        out.append(
            PlanViolation(
                kind="coverage",
                message=f"{len(missing)} asset(s) to replace appear in no task and not in `unscheduled`, e.g. {', '.join(sorted(missing)[:5])}",
            )
        )
    for p in instance.packages:
        if p.index in phases_seen and len(phases_seen[p.index]) != len(p.jobs):
            out.append(
                PlanViolation(
                    kind="coverage",
                    message=f"site {p.site_id}: {len(phases_seen[p.index])} of the {len(p.jobs)} phases of its work are planned",
                    site_id=p.site_id,
                )
            )
    out.extend(_check_caps(instance, caps))
    if not out:
        real = sum(instance.exposure(p, finish_of.get(p.index)) for p in instance.packages)
        if not math.isclose(real, objective, rel_tol=1e-6, abs_tol=1e-3):
            out.append(
                PlanViolation(
                    kind="summary",
                    message=f"the stated objective {objective} is not the exposure of these weeks ({real:.6f})",
                )
            )
    return out


def _check_task(instance: PlanningInstance, p: WorkPackage, t: PlanTask) -> list[PlanViolation]:
    out = []
    if set(t.asset_ids) != set(p.asset_ids):
        out.append(
            PlanViolation(
                kind="inventory",
                message=f"site {t.site_id}: the task replaces {len(t.asset_ids)} of the {len(p.asset_ids)} assets of its stage",
                site_id=t.site_id,
            )
        )
    if t.site_id != p.site_id or t.region != p.region:
        out.append(
            PlanViolation(
                kind="inventory",
                message=f"task at {t.site_id}/{t.region}: its assets are at site {p.site_id} in region {p.region}",
                site_id=t.site_id,
            )
        )
    if not 0 <= t.phase_index < len(p.jobs) or instance.jobs[p.jobs[t.phase_index]].phase != t.phase:
        out.append(
            PlanViolation(
                kind="inventory",
                message=f"site {t.site_id}: phase {t.phase_index} '{t.phase}' is not a phase of its work",
                site_id=t.site_id,
            )
        )
        return out
    job = instance.jobs[p.jobs[t.phase_index]]
    if not _close(t.cost, job.cost) or not _close(t.crew_days, job.crew_days):
        out.append(
            PlanViolation(
                kind="inventory",
                message=f"site {t.site_id} ({t.phase}): cost {t.cost} / crew-days {t.crew_days} differ from the catalogue's {job.cost} / {job.crew_days}",
                site_id=t.site_id,
            )
        )
    if t.deadline != p.deadline:
        out.append(
            PlanViolation(
                kind="deadline",
                message=f"site {t.site_id}: deadline {t.deadline} differs from the findings' {p.deadline}",
                site_id=t.site_id,
            )
        )
    return out


def _check_caps(instance: PlanningInstance, caps: Sequence[PlanCap]) -> list[PlanViolation]:
    """The cleared counts the plan claims, recounted from the inventory."""
    out = []
    recounted = {(c.rule.rule_id, c.rule.country): c for c in instance.caps}
    for cap in caps:
        real = recounted.get((cap.rule_id, cap.country))
        if real is None or not cap.planned:
            continue
        if real.cleared != cap.cleared:
            out.append(
                PlanViolation(
                    kind="cap",
                    message=f"cap {cap.rule_id} ({cap.country}): the plan says its sites clear {cap.cleared}; the inventory gives {real.cleared}",
                )
            )
        elif real.cleared < min(real.rule.excess, real.available):
            out.append(
                PlanViolation(
                    kind="cap",
                    message=f"cap {cap.rule_id} ({cap.country}): its sites clear {real.cleared} of the {real.rule.excess} it must",
                )
            )
    return out
