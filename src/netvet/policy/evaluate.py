"""Evaluate rule packs over an asset frame on one date, in bulk: one set of frame operations per rule.

Date semantics (docs/policy.md): a rule counts on date D when it was adopted on or before D; a ban
bites on equipment installed (or purchased) on or after its effective date; a deadline is met if the
equipment is gone by the end of that day, so the status turns from `due` to `violation` the day after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

import polars as pl

from netvet.model.findings import FindingStatus
from netvet.model.roles import RoleTable
from netvet.model.screening import VendorEvidence
from netvet.policy.assessment import FINDING_SCHEMA, Assessment, empty_findings
from netvet.policy.frame import prepare_assets, scope_expr, vendor_filter
from netvet.policy.licences import Extension, Licence, deadline_overrides
from netvet.policy.network import cap_findings, report_findings
from netvet.policy.rules import EffectType, LegalStatus, Rule, RulePack
from netvet.policy.targets import NameTargets, target_names

VIOLATION = FindingStatus.VIOLATION.value
DUE = FindingStatus.DUE.value
LICENSED = FindingStatus.LICENSED.value
ADVISORY = FindingStatus.ADVISORY.value
# How a finding of a rule without legal force starts its explanation.
_NO_FORCE = {
    LegalStatus.GUIDANCE: "guidance, no legal force",
    LegalStatus.PROPOSAL: "a proposal, not law",
}


class UnknownJurisdictionError(ValueError):
    pass


def national_country(pack: RulePack) -> str | None:
    """The ISO 3166-1 code of the one country a national pack is for (GB for `uk`), or None for a
    pack of several countries (`eu`). A national pack may list its territories after its country."""
    if len(pack.countries) == 1 or pack.jurisdiction.upper() in pack.countries:
        return pack.countries[0]
    return None


def jurisdiction_codes(packs: Sequence[RulePack]) -> list[str]:
    """Every code that names a pack: the packs' own codes, then national packs' ISO country codes."""
    codes = [pack.jurisdiction for pack in packs]
    countries = [c.lower() for pack in packs if (c := national_country(pack)) and c.lower() not in codes]
    return [*codes, *countries]


def select_packs(packs: Sequence[RulePack], jurisdictions: Sequence[str] | None) -> list[RulePack]:
    """The packs asked for, by pack code (`uk`, `eu`) or by the ISO country code of a national pack
    (`gb`), in any case; None or empty means every pack (each asset under its own country's rules)."""
    if not jurisdictions:
        return list(packs)
    known = {pack.jurisdiction: pack for pack in packs}
    by_country = {
        country.lower(): pack
        for pack in packs
        if (country := national_country(pack)) is not None and country.lower() not in known
    }
    wanted = [code.strip().lower() for code in jurisdictions]
    unknown = [code for code in wanted if code not in known and code not in by_country]
    if unknown:
        aliases = ", ".join(f"{code} ({pack.jurisdiction})" for code, pack in sorted(by_country.items()))
        raise UnknownJurisdictionError(
            f"unknown jurisdiction(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            + (f"; country codes: {aliases}" if aliases else "")
        )
    return list({id(p): p for p in (known.get(code) or by_country[code] for code in wanted)}.values())


def active_rules(
    packs: Sequence[RulePack], at: date, include_proposals: bool = False
) -> tuple[list[tuple[RulePack, Rule]], dict[str, str]]:
    """Rules adopted by `at`, less proposals (unless asked) and rules superseded by an adopted rule."""
    skipped: dict[str, str] = {}
    adopted: list[tuple[RulePack, Rule]] = []
    for pack in packs:
        for rule in pack.rules:
            if rule.adopted > at:
                skipped[rule.id] = f"not yet adopted on {at} (adopted {rule.adopted})"
            elif rule.legal_status is LegalStatus.PROPOSAL and not include_proposals:
                skipped[rule.id] = "a proposal, not law (use --proposals to include it)"
            else:
                adopted.append((pack, rule))
    superseded = {old: rule.id for _, rule in adopted for old in rule.supersedes}
    active = []
    for pack, rule in adopted:
        if rule.id in superseded:
            skipped[rule.id] = f"superseded by {superseded[rule.id]}"
        else:
            active.append((pack, rule))
    return active, skipped


def _per_org(
    organizations: Sequence[str], values: Mapping[str, date | None], default: date | None
) -> pl.Expr:
    expr: pl.Expr = pl.lit(default, dtype=pl.Date)
    for org in organizations:
        if org in values and values[org] != default:
            expr = (
                pl.when(pl.col("organization_id") == org)
                .then(pl.lit(values[org], dtype=pl.Date))
                .otherwise(expr)
            )
    return expr


def _asset_text() -> pl.Expr:
    return pl.concat_str(
        [
            pl.lit(" Asset "),
            pl.col("id"),
            pl.lit(": "),
            pl.col("vendor"),
            pl.lit(" "),
            pl.col("role"),
            pl.lit(" ("),
            pl.col("domain"),
            pl.lit(", "),
            # Said outright: an unknown technology keeps the asset inside 5G/4G rules (frame.scope_expr).
            pl.col("technology").fill_null("technology unknown"),
            pl.lit(") at site "),
            pl.col("site_id"),
            pl.lit(" in "),
            pl.col("country"),
            pl.lit("."),
        ]
    )


def _rule_suffix(rule: Rule) -> str:
    suffix = ""
    if rule.legal_status is not LegalStatus.BINDING:
        suffix += f" Legal status: {rule.legal_status.value}."
    if rule.unverified:
        suffix += f" Unverified: {rule.unverified}"
    return suffix


def _asset_findings(
    rule: Rule,
    rows: pl.DataFrame,
    targets: NameTargets,
    at: date,
    deadlines: pl.Expr,
    licences: Sequence[tuple[Licence, NameTargets | None]],
    organizations: Sequence[str],
) -> pl.DataFrame:
    mask, evidence = vendor_filter(targets)
    hits = rows.filter(scope_expr(rule.scope) & mask).with_columns(
        evidence.alias("evidence"), deadlines.alias("deadline")
    )
    effect = rule.effect.type
    at_lit = pl.lit(at, dtype=pl.Date)
    binds = rule.legal_status.has_force
    footing = "" if binds else f"{_NO_FORCE[rule.legal_status]}: "
    if effect is EffectType.BAN:
        on = f"{rule.effect.event}_on"
        start = rule.in_force_from
        hits = hits.filter((pl.col(on) >= start) & (pl.col(on) <= at)).with_columns(
            pl.lit(VIOLATION if binds else ADVISORY).alias("status"),
            # A ban has no deadline: the breach is the purchase or installation itself.
            pl.lit(None, dtype=pl.Date).alias("deadline"),
            pl.concat_str(
                [
                    pl.lit(f"{footing}{rule.effect.event} on "),
                    pl.col(on).dt.to_string("%Y-%m-%d"),
                    pl.lit(
                        f", on or after {start}, the day from which this vendor's equipment may no longer be {rule.effect.event}."
                    ),
                ]
            ).alias("status_text"),
        )
    else:
        if rule.deadline_from_operator:
            hits = hits.filter(pl.col("deadline").is_not_null())
        # No deadline in the source: a binding exclusion holds from the day the rule takes effect, so
        # before that day its last day allowed is the day before; after it there is no deadline to
        # show (an adoption or effective date is never a deadline of its own).
        ahead = at < rule.in_force_from
        implied = rule.in_force_from - timedelta(days=1) if ahead and binds else None
        hits = hits.with_columns(
            pl.col("deadline").is_null().alias("implicit"),
            pl.col("deadline").fill_null(pl.lit(implied, dtype=pl.Date)),
        )
        deadline_text = pl.col("deadline").dt.to_string("%Y-%m-%d")
        if not binds:
            status = pl.lit(ADVISORY)
        else:
            status = (
                pl.when(pl.col("deadline").is_null() | (at_lit > pl.col("deadline")))
                .then(pl.lit(VIOLATION))
                .otherwise(pl.lit(DUE))
            )
        if effect is EffectType.LICENCE:
            needs = f"{footing}needs a licence or authorisation"
            broken = pl.lit(f"{needs} since {rule.in_force_from}; none on record covers it on {at}.")
            ahead_text = pl.lit(f"{needs} from {rule.in_force_from}.")
        else:
            broken = (
                pl.when(pl.col("implicit"))
                .then(
                    pl.lit(
                        f"{footing}excluded since {rule.in_force_from} (no removal date in the source); "
                        f"in place on {at}."
                    )
                )
                .otherwise(
                    pl.concat_str(
                        [
                            pl.lit(f"{footing}in place on {at}; it had to be out by the end of "),
                            deadline_text,
                            pl.lit("."),
                        ]
                    )
                )
            )
            ahead_text = (
                pl.when(pl.col("implicit"))
                .then(pl.lit(f"{footing}excluded from {rule.in_force_from} (no removal date in the source)."))
                .otherwise(
                    pl.concat_str([pl.lit(f"{footing}out by the end of "), deadline_text, pl.lit(".")])
                )
            )
        in_breach = pl.col("deadline").is_null() & pl.lit(not ahead) | (at_lit > pl.col("deadline"))
        hits = hits.with_columns(status.alias("status")).with_columns(
            pl.when(in_breach.fill_null(False)).then(broken).otherwise(ahead_text).alias("status_text")
        )
    hits = _apply_licences(hits, rule, licences, at, organizations)
    return hits.select(
        pl.col("organization_id"),
        pl.lit(rule.id).alias("rule_id"),
        pl.lit(rule.jurisdiction).alias("jurisdiction"),
        pl.col("status"),
        pl.col("id").alias("asset_id"),
        pl.col("site_id"),
        pl.col("country"),
        pl.col("deadline"),
        pl.lit(rule.source_text).alias("source"),
        pl.concat_str(
            [
                pl.lit(f"{rule.title}: "),
                pl.col("status_text"),
                _asset_text(),
                pl.lit(" Vendor evidence: "),
                pl.col("evidence"),
                pl.lit("." + _rule_suffix(rule)),
            ]
        ).alias("explanation"),
        pl.col("vendor"),
        pl.col("domain"),
        pl.lit(None, dtype=pl.Float64).alias("measured_share"),
        pl.lit(None, dtype=pl.Float64).alias("cap"),
        pl.lit(None, dtype=pl.String).alias("cap_metric"),
        pl.lit(None, dtype=pl.Int64).alias("excess"),
        pl.lit(rule.effect.type.value).alias("effect"),
        pl.lit(rule.legal_status.value).alias("legal_status"),
        pl.lit(rule.confidence.value).alias("confidence"),
    )


def _apply_licences(
    hits: pl.DataFrame,
    rule: Rule,
    licences: Sequence[tuple[Licence, NameTargets | None]],
    at: date,
    organizations: Sequence[str],
) -> pl.DataFrame:
    for licence, licence_targets in licences:
        window = licence.window_at(at)
        if window is None or not any(licence.applies_to(rule.id, org) for org in organizations):
            continue
        covered = scope_expr(licence.scope, unknown_dates_match=False) & pl.col("status").is_in(
            [VIOLATION, DUE]
        )
        if licence.organization_id is not None:
            covered = covered & (pl.col("organization_id") == licence.organization_id)
        if licence_targets is not None:
            covered = covered & vendor_filter(licence_targets)[0]
        text = (
            f"covered by {licence.title} ({licence.id}), valid {window.valid_from} to {window.valid_until} "
            f"as issued {window.issued}; without it the rule would bite."
        )
        hits = hits.with_columns(
            pl.when(covered).then(pl.lit(LICENSED)).otherwise(pl.col("status")).alias("status"),
            pl.when(covered)
            .then(pl.lit(window.valid_until, dtype=pl.Date))
            .otherwise(pl.col("deadline"))
            .alias("deadline"),
            pl.when(covered).then(pl.lit(text)).otherwise(pl.col("status_text")).alias("status_text"),
        )
    return hits


def assess(
    assets: pl.DataFrame,
    evidence: Mapping[str, Sequence[VendorEvidence]],
    packs: Sequence[RulePack],
    at: date,
    *,
    jurisdictions: Sequence[str] | None = None,
    licences: Sequence[Licence] = (),
    extensions: Sequence[Extension] = (),
    include_proposals: bool = False,
    roles: RoleTable | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """Every finding the selected packs give for the assets on date `at`.

    `progress(done, total)` is called after each rule, for a progress bar.
    """
    selected = select_packs(packs, jurisdictions)
    active, skipped = active_rules(selected, at, include_proposals)
    prepared = prepare_assets(assets, roles)
    countries = sorted({c for pack in selected for c in pack.countries})
    in_scope = prepared.filter(pl.col("country").is_in(countries))
    organizations = in_scope.get_column("organization_id").unique().sort().to_list()
    overrides = {org: deadline_overrides(extensions, org, at) for org in organizations}

    targets = {rule.id: target_names(rule.vendors, pack.designations, evidence, at) for pack, rule in active}
    named = sorted({name for t in targets.values() for name in t.names})
    # Most assets come from vendors no rule names; drop them once instead of once per rule.
    candidates = in_scope.filter(
        (pl.col("vendor").is_in(named) | pl.col("manufacturer").is_in(named)).fill_null(False)
    )
    frames: list[pl.DataFrame] = []
    evaluated: list[str] = []
    for done, (pack, rule) in enumerate(active, 1):
        if progress is not None:
            progress(done, len(active))
        rule_targets = targets[rule.id]
        org_deadlines = {
            org: (o[rule.id].deadline if rule.id in o else rule.deadline) for org, o in overrides.items()
        }
        if rule.deadline_from_operator and not any(org_deadlines.values()):
            skipped[rule.id] = (
                "needs the operator's own deadline (add it as an extension with `netvet licences add`)"
            )
            continue
        evaluated.append(rule.id)
        in_pack = pl.col("country").is_in(list(pack.countries))
        if rule.effect.type is EffectType.CAP:
            frames.append(cap_findings(rule, in_scope.filter(in_pack), rule_targets, at, org_deadlines))
            continue
        source = in_scope if rule_targets.reaches_anyone else candidates
        rows = source.filter(in_pack)
        if rule.effect.type is EffectType.REPORT:
            due = rule.report_deadline(at)
            if due is not None and due < at:
                # A one-off report whose date has passed: history, shown by the timeline, not a duty now.
                skipped[rule.id] = f"its last reporting date ({due}) has passed"
                evaluated.remove(rule.id)
                continue
            frames.append(report_findings(rule, rows, rule_targets, at))
            continue
        rule_licences = [
            (
                licence,
                target_names(licence.vendors, pack.designations, evidence, at) if licence.vendors else None,
            )
            for licence in licences
            if rule.id in licence.rules
        ]
        deadline_expr = _per_org(organizations, org_deadlines, rule.deadline)
        frames.append(
            _asset_findings(rule, rows, rule_targets, at, deadline_expr, rule_licences, organizations)
        )
    findings = (
        pl.concat([f for f in frames if f.height], how="vertical")
        if any(f.height for f in frames)
        else empty_findings()
    )
    pending = {name for t in targets.values() for name in t.pending}
    return Assessment(
        at=at,
        jurisdictions=tuple(pack.jurisdiction for pack in selected),
        frame=findings.select(list(FINDING_SCHEMA)),
        rules_evaluated=tuple(evaluated),
        rules_skipped=skipped,
        assets_assessed=in_scope.height,
        assets_outside=prepared.height - in_scope.height,
        pending_review=_pending_counts(in_scope, pending),
        flagged_names=sum(1 for items in evidence.values() if any(e.counts_as_restricted for e in items)),
    )


def _pending_counts(assets: pl.DataFrame, pending: set[str]) -> dict[str, int]:
    if not pending:
        return {}
    names = sorted(pending)
    counted = (
        assets.filter(pl.col("vendor").is_in(names) | pl.col("manufacturer").is_in(names).fill_null(False))
        .with_columns(
            pl.when(pl.col("vendor").is_in(names))
            .then(pl.col("vendor"))
            .otherwise(pl.col("manufacturer"))
            .alias("name")
        )
        .group_by("name")
        .len()
    )
    return {str(row[0]): int(row[1]) for row in counted.iter_rows()}
