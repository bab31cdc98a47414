"""Network-wide findings: caps on a vendor group's share, and reporting duties (asset_id is null).

A cap is measured per organisation and country, by sites (a site counts when any in-scope item there
comes from the vendor group) or by equipment (items), as the rule states. The excess is how many sites
or items must be moved to another supplier for the share to fall to the cap; swapping keeps the
denominator, so excess = hits - floor(cap * total).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta

import polars as pl

from netvet.model.findings import FindingStatus
from netvet.policy.assessment import FINDING_SCHEMA, empty_findings
from netvet.policy.frame import describe_scope, scope_expr, vendor_filter
from netvet.policy.rules import LegalStatus, Rule
from netvet.policy.targets import NameTargets

GROUP = ("organization_id", "country")


def _top_names(restricted: pl.DataFrame, targets: NameTargets, organization_id: str, country: str) -> str:
    mine = restricted.filter((pl.col("organization_id") == organization_id) & (pl.col("country") == country))
    counted = mine.group_by("name").len().sort(["len", "name"], descending=[True, False]).head(3)
    parts = [
        f"{targets.names.get(str(name), str(name))} ({count} items)" for name, count in counted.iter_rows()
    ]
    return "; ".join(parts)


def _matched_name(targets: NameTargets) -> pl.Expr:
    names = list(targets.names)
    return (
        pl.when(pl.col("vendor").is_in(names) | pl.lit(targets.reaches_anyone))
        .then(pl.col("vendor"))
        .otherwise(pl.col("manufacturer"))
        .alias("name")
    )


def _status(rule: Rule, deadline: date | None, at: date) -> tuple[FindingStatus, date | None]:
    """The cap finding's status and its deadline (the last day allowed; none when the source gives none)."""
    if not rule.legal_status.has_force:
        return FindingStatus.ADVISORY, deadline
    if deadline is not None:
        return (FindingStatus.VIOLATION if at > deadline else FindingStatus.DUE), deadline
    start = rule.in_force_from
    if at >= start:
        return FindingStatus.VIOLATION, None
    return FindingStatus.DUE, start - timedelta(days=1)


def _legal_note(rule: Rule) -> str:
    note = ""
    if rule.legal_status is not LegalStatus.BINDING:
        note += f" Legal status: {rule.legal_status.value}."
    if rule.unverified:
        note += f" Unverified: {rule.unverified}"
    return note


def cap_findings(
    rule: Rule, population: pl.DataFrame, targets: NameTargets, at: date, deadlines: Mapping[str, date | None]
) -> pl.DataFrame:
    """One finding per organisation and country whose vendor-group share exceeds the cap."""
    assert rule.effect.share is not None and rule.effect.measured_by is not None
    cap = rule.effect.share
    by_sites = rule.effect.measured_by == "sites"
    mask, _ = vendor_filter(targets)
    scoped = population.filter(scope_expr(rule.scope)).with_columns(mask.alias("restricted"))
    if by_sites:
        groups = scoped.group_by(GROUP).agg(
            pl.col("site_id").n_unique().alias("total"),
            pl.col("site_id").filter(pl.col("restricted")).n_unique().alias("hits"),
        )
    else:
        groups = scoped.group_by(GROUP).agg(pl.len().alias("total"), pl.col("restricted").sum().alias("hits"))
    restricted = scoped.filter(pl.col("restricted")).with_columns(_matched_name(targets))
    unit = "sites" if by_sites else "items"
    metric_note = (
        "" if rule.effect.metric_confirmed else " (the source does not say how the share is counted)"
    )
    rows = []
    for organization_id, country, total, hits in groups.sort(list(GROUP)).iter_rows():
        share = hits / total if total else 0.0
        if share <= cap or (rule.deadline_from_operator and deadlines.get(organization_id) is None):
            continue
        excess = hits - math.floor(cap * total + 1e-9)
        status, deadline = _status(rule, deadlines.get(organization_id, rule.deadline), at)
        when = f"by the end of {deadline}" if deadline else f"from {rule.in_force_from}"
        explanation = (
            f"{rule.title}: the vendor group holds {hits} of {total} {unit} of {describe_scope(rule.scope)} "
            f"in {country} ({share:.1%}) on {at}; the cap is {cap:.0%} {when}, measured by {unit}{metric_note}; "
            f"{excess} {unit} must move to another supplier to meet it. "
            f"Vendor evidence: {_top_names(restricted, targets, organization_id, country)}.{_legal_note(rule)}"
        )
        rows.append(
            {
                "organization_id": organization_id,
                "rule_id": rule.id,
                "jurisdiction": rule.jurisdiction,
                "status": status.value,
                "asset_id": None,
                "site_id": None,
                "country": country,
                "deadline": deadline,
                "source": rule.source_text,
                "explanation": explanation,
                "vendor": None,
                "domain": "/".join(rule.scope.domains) or None,
                "measured_share": share,
                "cap": cap,
                "cap_metric": rule.effect.measured_by,
                "excess": excess,
                "effect": rule.effect.type.value,
                "legal_status": rule.legal_status.value,
                "confidence": rule.confidence.value,
            }
        )
    return pl.DataFrame(rows, schema=FINDING_SCHEMA) if rows else empty_findings()


def report_findings(rule: Rule, rows: pl.DataFrame, targets: NameTargets, at: date) -> pl.DataFrame:
    """One `report` finding per organisation and country holding equipment the duty covers."""
    mask, _ = vendor_filter(targets)
    reported = rows.filter(scope_expr(rule.scope) & mask).with_columns(_matched_name(targets))
    if reported.height == 0:
        return empty_findings()
    groups = reported.group_by(GROUP).agg(
        pl.len().alias("items"), pl.col("site_id").n_unique().alias("sites")
    )
    deadline = rule.report_deadline(at)
    due = f"next due {deadline}" if deadline else "no due date in the sources"
    out = []
    for organization_id, country, items, sites in groups.sort(list(GROUP)).iter_rows():
        explanation = (
            f"{rule.title}: {items} items at {sites} sites in {country} fall under the duty to report ({due}). "
            f"Vendor evidence: {_top_names(reported, targets, organization_id, country)}.{_legal_note(rule)}"
        )
        out.append(
            {
                "organization_id": organization_id,
                "rule_id": rule.id,
                "jurisdiction": rule.jurisdiction,
                "status": FindingStatus.REPORT.value,
                "asset_id": None,
                "site_id": None,
                "country": country,
                "deadline": deadline,
                "source": rule.source_text,
                "explanation": explanation,
                "vendor": None,
                "domain": "/".join(rule.scope.domains) or None,
                "measured_share": None,
                "cap": None,
                "cap_metric": None,
                "excess": None,
                "effect": rule.effect.type.value,
                "legal_status": rule.legal_status.value,
                "confidence": rule.confidence.value,
            }
        )
    return pl.DataFrame(out, schema=FINDING_SCHEMA)
