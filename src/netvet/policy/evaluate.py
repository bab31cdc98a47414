"""Evaluate rule packs over an asset frame on one date, in bulk: one set of frame operations per rule.

Date semantics (docs/policy.md): a rule counts on date D when it was adopted on or before D; each rule
reads the equipment's purchase date, installation date or presence on D; a deadline is the last day
allowed, so the status turns from `due` to `violation` the day after. Legal force decides the status:
only binding rules (and contracts, for their signatories) give `violation` or `due`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import polars as pl

from netvet.model.findings import FindingStatus
from netvet.model.roles import RoleTable
from netvet.model.screening import VendorEvidence
from netvet.policy.assessment import FINDING_SCHEMA, Assessment, empty_findings
from netvet.policy.asset_rules import apply_licences, as_findings, asset_findings
from netvet.policy.frame import prepare_assets
from netvet.policy.licences import Extension, Licence, deadline_overrides
from netvet.policy.network import cap_findings, report_findings
from netvet.policy.rules import EffectType, LegalStatus, Rule, RulePack
from netvet.policy.targets import target_names


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


def _name_key(text: str) -> str:
    """' telefonica germany gmbh co ohg ': accents and punctuation gone, padded for whole-word search."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " " + " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split()) + " "


def bound_organisations(
    rule: Rule, organization_ids: Sequence[str], names: Mapping[str, Sequence[str]]
) -> list[str]:
    """The organisations the rule binds: all for law, the signatories for a contract, none for guidance."""
    if not rule.legal_status.has_force:
        return []
    if not rule.parties:
        return list(organization_ids)
    parties = [_name_key(party) for party in rule.parties]
    bound = []
    for org in organization_ids:
        keys = [_name_key(name) for name in (org, *names.get(org, ()))]
        if any(party in key for party in parties for key in keys):
            bound.append(org)
    return bound


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
    organization_names: Mapping[str, Sequence[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """Every finding the selected packs give for the assets on date `at`.

    `organization_names` gives each organisation's name and aliases (a contract binds its signatories).
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
        # The deadline each organisation must meet (its own extension, else the rule's as known on `at`),
        # as the last day allowed; a rule whose deadline belongs to each recipient has none by default.
        default = None if rule.deadline_from_operator else rule.last_day_allowed(rule.deadline_on(at))
        org_deadlines = {
            org: (o[rule.id].deadline if rule.id in o else default) for org, o in overrides.items()
        }
        bound = bound_organisations(rule, organizations, organization_names or {})
        in_pack = pl.col("country").is_in(list(pack.countries))
        population = in_scope.filter(in_pack)
        if rule.effect.type is EffectType.CAP:
            evaluated.append(rule.id)
            frames.append(cap_findings(rule, population, rule_targets, at, org_deadlines, bound))
            continue
        rows = (in_scope if rule_targets.reaches_anyone else candidates).filter(in_pack)
        if rule.effect.type is EffectType.REPORT:
            due = rule.report_deadline(at)
            if due is not None and due < at:
                # A one-off report whose date has passed: history, shown by the timeline, not a duty now.
                skipped[rule.id] = f"its last reporting date ({due}) has passed"
                continue
            evaluated.append(rule.id)
            frames.append(report_findings(rule, rows, rule_targets, at, bound, population))
            continue
        evaluated.append(rule.id)
        rule_licences = [
            (
                licence,
                target_names(licence.vendors, pack.designations, evidence, at) if licence.vendors else None,
            )
            for licence in licences
            if rule.id in licence.rules
        ]
        hits = asset_findings(
            rule,
            rows,
            rule_targets,
            at,
            _per_org(organizations, org_deadlines, default),
            pl.col("organization_id").is_in(bound),
            population,
        )
        hits = apply_licences(hits, rule, rule_licences, at, organizations)
        frames.append(as_findings(hits, rule))
    findings = (
        pl.concat([f for f in frames if f.height], how="vertical")
        if any(f.height for f in frames)
        else empty_findings()
    )
    findings = apply_prevailing(findings.select(list(FINDING_SCHEMA)), [rule for _, rule in active])
    pending = {name for t in targets.values() for name in t.pending}
    return Assessment(
        at=at,
        jurisdictions=tuple(pack.jurisdiction for pack in selected),
        frame=findings,
        rules_evaluated=tuple(evaluated),
        rules_skipped=skipped,
        assets_assessed=in_scope.height,
        assets_outside=prepared.height - in_scope.height,
        pending_review=_pending_counts(in_scope, pending, {n for t in targets.values() for n in t.names}),
        flagged_names=sum(1 for items in evidence.values() if any(e.counts_as_restricted for e in items)),
    )


def apply_prevailing(findings: pl.DataFrame, rules: Sequence[Rule]) -> pl.DataFrame:
    """A later, more specific measure governs the equipment it reaches: the findings of the rules it
    prevails over (the EU Toolbox under Germany's 2024 agreement) keep no binding status or date of
    their own for the same asset, and say which rule governs."""
    binding = [FindingStatus.VIOLATION.value, FindingStatus.DUE.value]
    for rule in rules:
        if not rule.prevails_over:
            continue
        governing = (
            findings.filter((pl.col("rule_id") == rule.id) & pl.col("asset_id").is_not_null())
            .select(
                "organization_id",
                "asset_id",
                pl.concat_str(
                    [
                        pl.lit(f" A later, more specific measure governs this equipment: {rule.id} ("),
                        pl.col("status"),
                        pl.when(pl.col("deadline").is_not_null())
                        .then(
                            pl.concat_str(
                                [pl.lit(", deadline "), pl.col("deadline").dt.to_string("%Y-%m-%d")]
                            )
                        )
                        .otherwise(pl.lit("")),
                        pl.lit(")."),
                    ]
                ).alias("governed_by"),
            )
            .unique(["organization_id", "asset_id"])
        )
        if governing.height == 0:
            continue
        joined = findings.join(
            governing,
            on=["organization_id", "asset_id"],
            how="left",
            nulls_equal=False,
            maintain_order="left",
        )
        displaced = pl.col("rule_id").is_in(list(rule.prevails_over)) & pl.col("governed_by").is_not_null()
        findings = joined.with_columns(
            pl.when(displaced & pl.col("status").is_in(binding))
            .then(pl.lit(FindingStatus.ADVISORY.value))
            .otherwise(pl.col("status"))
            .alias("status"),
            pl.when(displaced)
            .then(pl.lit(None, dtype=pl.Date))
            .otherwise(pl.col("deadline"))
            .alias("deadline"),
            pl.when(displaced)
            .then(pl.concat_str([pl.col("explanation"), pl.col("governed_by")]))
            .otherwise(pl.col("explanation"))
            .alias("explanation"),
        ).drop("governed_by")
    return findings


def _pending_counts(assets: pl.DataFrame, pending: set[str], reached: set[str]) -> dict[str, int]:
    """Assets per name in review that a rule would reach once it is confirmed: those no rule reaches
    through their other name already (vendor "Huawie" in review, manufacturer "Huawei" matched)."""
    if not pending:
        return {}
    names = sorted(pending)
    known = sorted(reached)
    already = (pl.col("vendor").is_in(known) | pl.col("manufacturer").is_in(known)).fill_null(False)
    counted = (
        assets.filter(
            (pl.col("vendor").is_in(names) | pl.col("manufacturer").is_in(names).fill_null(False)) & ~already
        )
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
