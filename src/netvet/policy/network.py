"""Network-wide findings: caps on a vendor group's share, and reporting duties (asset_id is null).

A cap is measured per organisation and country, by sites (a site counts when any in-scope item there
comes from the vendor group) or by equipment (items), as the rule states. The excess is how many sites
or items must be moved to another supplier for the share to fall to the cap; swapping keeps the
denominator, so excess = hits - floor(cap * total). Items whose scope cannot be decided (technology not
recorded, ...) are left out of the share and named; when counting them against the operator would break
the cap, the finding is `unknown`.

A reporting duty gives one finding per organisation (a provider files one report, whichever countries
its sites are in).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from netvet.model.findings import Finding, FindingStatus
from netvet.policy.assessment import FINDING_SCHEMA, empty_findings
from netvet.policy.asset_rules import footing, rule_suffix
from netvet.policy.frame import decide, describe_scope, present, scope_conditions, vendor_filter
from netvet.policy.rules import Rule
from netvet.policy.targets import NameTargets

GROUP = ("organization_id", "country")


def _top_names(restricted: pl.DataFrame, targets: NameTargets) -> str:
    counted = restricted.group_by("name").len().sort(["len", "name"], descending=[True, False]).head(3)
    parts = [
        f"{targets.names.get(str(name), str(name))} ({count} items)" for name, count in counted.iter_rows()
    ]
    return "; ".join(parts) or "none"


def _matched_name(targets: NameTargets) -> pl.Expr:
    names = list(targets.names)
    return (
        pl.when(pl.col("vendor").is_in(names) | pl.lit(targets.reaches_anyone))
        .then(pl.col("vendor"))
        .otherwise(pl.col("manufacturer"))
        .alias("name")
    )


def _status(rule: Rule, deadline: date | None, at: date) -> tuple[FindingStatus, date | None]:
    """A binding cap's status and its deadline (the last day allowed; none when the source gives none)."""
    if deadline is not None:
        return (FindingStatus.VIOLATION if at > deadline else FindingStatus.DUE), deadline
    start = rule.in_force_from
    if at >= start:
        return FindingStatus.VIOLATION, None
    return FindingStatus.DUE, start - timedelta(days=1)


def _row(rule: Rule, organization_id: str, country: str | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "organization_id": organization_id,
        "rule_id": rule.id,
        "jurisdiction": rule.jurisdiction,
        "asset_id": None,
        "site_id": None,
        "country": country,
        "source": rule.source_text,
        "vendor": None,
        "domain": "/".join(rule.scope.domains) or None,
        "measured_share": None,
        "cap": None,
        "cap_metric": None,
        "excess": None,
        "effect": rule.effect.type.value,
        "legal_status": rule.legal_status.value,
        "confidence": rule.confidence.value,
        "missing": None,
    }
    row.update(values)
    return row


def _scoped(
    rule: Rule, rows: pl.DataFrame, targets: NameTargets, at: date, population: pl.DataFrame
) -> pl.DataFrame:
    """Equipment in the network on `at` inside the rule's scope, or undecided, with `restricted` marked."""
    mask, _ = vendor_filter(targets)
    verdict = decide(scope_conditions(rule.scope, population))
    return (
        rows.filter(present(at))
        .with_columns(
            mask.alias("restricted"),
            verdict.inside.alias("inside"),
            verdict.undecided.alias("undecided"),
            verdict.missing.alias("missing"),
        )
        .filter(pl.col("inside") | pl.col("undecided"))
        .with_columns(_matched_name(targets))
    )


def cap_members(
    rules: Mapping[str, tuple[Rule, NameTargets]], population: pl.DataFrame, caps: Sequence[Finding], at: date
) -> dict[str, list[str]]:
    """For each cap finding (keyed `rule_id@country`), the items that count against it: in the
    network on `at`, inside the rule's scope and from the capped vendor group. Clearing a site moves
    these to another supplier. `rules` gives each cap rule and its targets."""
    out: dict[str, list[str]] = {}
    for finding in caps:
        if finding.rule_id not in rules:
            continue
        rule, targets = rules[finding.rule_id]
        mine = population.filter(
            (pl.col("organization_id") == finding.organization_id)
            & (pl.col("country") == (finding.country or ""))
        )
        counted = _scoped(rule, mine, targets, at, population).filter(pl.col("inside") & pl.col("restricted"))
        out[f"{finding.rule_id}@{finding.country or ''}"] = sorted(counted.get_column("id").to_list())
    return out


def _missing(frame: pl.DataFrame) -> str:
    return "; ".join(
        sorted(set(frame.filter(pl.col("undecided")).get_column("missing").drop_nulls().to_list()))
    )


def cap_findings(
    rule: Rule,
    population: pl.DataFrame,
    targets: NameTargets,
    at: date,
    deadlines: Mapping[str, date | None],
    bound: Sequence[str],
) -> pl.DataFrame:
    """One finding per organisation and country whose vendor-group share exceeds (or may exceed) the cap."""
    assert rule.effect.share is not None and rule.effect.measured_by is not None
    cap = rule.effect.share
    by_sites = rule.effect.measured_by == "sites"
    scoped = _scoped(rule, population, targets, at, population)
    inside, undecided, restricted = pl.col("inside"), pl.col("undecided"), pl.col("restricted")
    groups = scoped.group_by(GROUP).agg(
        (pl.col("site_id").filter(inside).n_unique() if by_sites else inside.sum()).alias("total"),
        (
            pl.col("site_id").filter(inside & restricted).n_unique()
            if by_sites
            else (inside & restricted).sum()
        ).alias("hits"),
        # The worst case: every undecided item of the vendor group counts in the scope.
        (
            pl.col("site_id").filter(inside | (undecided & restricted)).n_unique()
            if by_sites
            else (inside | (undecided & restricted)).sum()
        ).alias("worst_total"),
        (pl.col("site_id").filter(restricted).n_unique() if by_sites else restricted.sum()).alias(
            "worst_hits"
        ),
        (pl.col("site_id").filter(undecided).n_unique() if by_sites else undecided.sum()).alias("open"),
    )
    unit = "sites" if by_sites else "items"
    metric_note = (
        "" if rule.effect.metric_confirmed else " (the source does not say how the share is counted)"
    )
    rows = []
    for organization_id, country, total, hits, worst_total, worst_hits, open_count in groups.sort(
        list(GROUP)
    ).iter_rows():
        share = hits / total if total else 0.0
        worst = worst_hits / worst_total if worst_total else 0.0
        if share <= cap and worst <= cap:
            continue
        mine = scoped.filter((pl.col("organization_id") == organization_id) & (pl.col("country") == country))
        binds = organization_id in bound
        deadline = deadlines.get(organization_id)
        open_note = (
            f" {open_count} more {unit} could not be placed ({_missing(mine)} not recorded) and are not counted."
            if open_count
            else ""
        )
        evidence = _top_names(mine.filter(restricted), targets)
        missing = (_missing(mine) or None) if open_count else None
        if rule.deadline_from_operator and deadline is None and binds:
            missing = "the organisation's own deadline"
            status: FindingStatus = FindingStatus.UNKNOWN
            verdict = "the deadline is set for each recipient and none is recorded for this organisation"
        elif share <= cap:
            status = FindingStatus.UNKNOWN if binds else FindingStatus.ADVISORY
            verdict = (
                f"within the cap on what the inventory shows ({share:.1%}), but up to {worst:.1%} if the {unit} "
                "that could not be placed are in scope: cannot tell whether the cap is met"
            )
        else:
            if binds:
                status, deadline = _status(rule, deadline, at)
            else:
                status = FindingStatus.ADVISORY
            when = f"by the end of {deadline}" if deadline else f"from {rule.in_force_from}"
            excess = hits - math.floor(cap * total + 1e-9)
            verdict = f"the cap is {cap:.0%} {when}; {excess} {unit} must move to another supplier to meet it"
        excess_value = hits - math.floor(cap * total + 1e-9) if share > cap else None
        explanation = (
            f"{rule.title}: {'' if binds else footing(rule)}the vendor group holds {hits} of {total} {unit} of "
            f"{describe_scope(rule.scope)} in {country} ({share:.1%}) on {at}, measured by {unit}{metric_note}; "
            f"{verdict}.{open_note} Vendor evidence: {evidence}.{rule_suffix(rule)}"
        )
        rows.append(
            _row(
                rule,
                organization_id,
                country,
                status=status.value,
                deadline=deadline,
                explanation=explanation,
                measured_share=share,
                cap=cap,
                cap_metric=rule.effect.measured_by,
                excess=excess_value,
                missing=missing,
            )
        )
    return pl.DataFrame(rows, schema=FINDING_SCHEMA) if rows else empty_findings()


def report_findings(
    rule: Rule,
    rows: pl.DataFrame,
    targets: NameTargets,
    at: date,
    bound: Sequence[str],
    population: pl.DataFrame,
) -> pl.DataFrame:
    """One finding per organisation holding equipment the duty covers (or may cover)."""
    scoped = _scoped(rule, rows.filter(vendor_filter(targets)[0]), targets, at, population)
    if scoped.height == 0:
        return empty_findings()
    inside = pl.col("inside")
    groups = scoped.group_by("organization_id").agg(
        inside.sum().alias("items"),
        pl.col("site_id").filter(inside).n_unique().alias("sites"),
        pl.col("undecided").sum().alias("open"),
        pl.col("country").unique().sort().alias("countries"),
    )
    deadline = rule.report_deadline(at)
    due = f"next due {deadline}" if deadline else "no due date in the sources"
    out = []
    for organization_id, items, sites, open_count, countries in groups.sort("organization_id").iter_rows():
        mine = scoped.filter(pl.col("organization_id") == organization_id)
        binds = organization_id in bound
        where = ", ".join(countries)
        open_note = (
            f" {open_count} more items may fall under it: {_missing(mine)} not recorded."
            if open_count
            else ""
        )
        if items:
            status = FindingStatus.REPORT if binds else FindingStatus.ADVISORY
            verdict = f"{items} items at {sites} sites in {where} fall under the duty to report ({due})."
        else:
            status = FindingStatus.UNKNOWN if binds else FindingStatus.ADVISORY
            verdict = f"cannot tell whether the duty to report ({due}) applies."
        explanation = (
            f"{rule.title}: {'' if binds else footing(rule)}{verdict}{open_note} "
            f"Vendor evidence: {_top_names(mine, targets)}.{rule_suffix(rule)}"
        )
        out.append(
            _row(
                rule,
                organization_id,
                countries[0] if len(countries) == 1 else None,
                status=status.value,
                deadline=deadline,
                explanation=explanation,
                missing=_missing(mine) or None,
            )
        )
    return pl.DataFrame(out, schema=FINDING_SCHEMA)
