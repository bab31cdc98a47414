"""Findings on single assets: bans, removals, authorisations, support licences, and the licences that cover them.

How a row becomes a status (docs/policy.md, "What each status means"):
- the rule binds the row's organisation (binding law; a contract for its signatories): `violation`,
  `due` or `licence_required`; otherwise `advisory`, with the date the guidance names if any;
- the inventory lacks the fact the rule reads (a date, the technology, a site attribute), the rule turns
  on a fact no inventory holds (`needs_record`), or the operator's own deadline is not recorded:
  `unknown` naming what is missing (or `advisory` for a rule without force);
- a licence window covers it: `licensed`; the licence's own test cannot be decided: `unknown`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from netvet.model.findings import FindingStatus
from netvet.policy.frame import (
    Condition,
    decide,
    describe_scope,
    present,
    reached_since,
    scope_conditions,
    vendor_filter,
)
from netvet.policy.licences import Licence
from netvet.policy.rules import DateRead, DeadlineKind, EffectType, LegalStatus, Rule
from netvet.policy.targets import NameTargets

VIOLATION = FindingStatus.VIOLATION.value
DUE = FindingStatus.DUE.value
UNKNOWN = FindingStatus.UNKNOWN.value
LICENCE_REQUIRED = FindingStatus.LICENCE_REQUIRED.value
LICENSED = FindingStatus.LICENSED.value
ADVISORY = FindingStatus.ADVISORY.value
_ACTS = {DateRead.PURCHASE: "purchased", DateRead.INSTALLATION: "installed"}


def footing(rule: Rule) -> str:
    """How a finding of the rule opens when the rule does not bind the organisation."""
    if rule.legal_status is LegalStatus.GUIDANCE:
        return "guidance, no legal force: "
    if rule.legal_status is LegalStatus.PROPOSAL:
        return "a proposal, not law: "
    if rule.legal_status is LegalStatus.CONTRACT:
        return (
            f"a contract that binds only its signatories ({', '.join(rule.parties)}); this organisation "
            "is not recorded as one (add the signatory's name as an alias if it is): "
        )
    return ""


def asset_text() -> pl.Expr:
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
            pl.col("technology").fill_null("technology not recorded"),
            pl.lit(") at site "),
            pl.col("site_id"),
            pl.lit(" in "),
            pl.col("country"),
            pl.lit("."),
        ]
    )


def rule_suffix(rule: Rule) -> str:
    suffix = f" Assumed: {rule.assumes}" if rule.assumes else ""
    if rule.legal_status is not LegalStatus.BINDING:
        suffix += f" Legal status: {rule.legal_status.value}."
    if rule.unverified:
        suffix += f" Unverified: {rule.unverified}"
    return suffix


def _day(column: str) -> pl.Expr:
    return pl.col(column).dt.to_string("%Y-%m-%d")


def _ban_act(rule: Rule, at: date) -> tuple[Condition, pl.Expr]:
    """(the ban's own test on the row, the text saying what breaks it)."""
    start = pl.max_horizontal(pl.lit(rule.in_force_from, dtype=pl.Date), pl.col("since"))
    if rule.reads is DateRead.PRESENCE:
        # A funding ban: the equipment may no longer be bought or kept with that money.
        test = present(at) & (pl.lit(at, dtype=pl.Date) >= start)
        text = pl.concat_str(
            [
                pl.lit(f"in place on {at} ({describe_scope(rule.scope)}); barred there from "),
                start.dt.to_string("%Y-%m-%d"),
                pl.lit("."),
            ]
        )
        return Condition(test, ""), text
    column = rule.reads.column
    assert column is not None
    act = _ACTS[rule.reads]
    on = pl.col(column)
    test = pl.when(on.is_null()).then(None).otherwise((on >= start) & (on <= pl.lit(at, dtype=pl.Date)))
    text = pl.concat_str(
        [
            pl.lit(f"{act} on "),
            _day(column),
            pl.lit(", on or after "),
            start.dt.to_string("%Y-%m-%d"),
            pl.lit(f", the day from which this vendor's equipment may no longer be {act}"),
            pl.lit(f" (the rule reads the {rule.reads.words})."),
        ]
    )
    return Condition(test, rule.reads.words), text


def _deadline_texts(rule: Rule, at: date, bound: bool) -> tuple[pl.Expr, pl.Expr]:
    """(text once the deadline has passed, text while it is ahead) for removals and authorisations."""
    start = rule.in_force_from
    note = ""
    if rule.deadline_kind is DeadlineKind.START_OF_DAY and rule.deadline is not None:
        note = f" (the source gives {rule.deadline} as the first day it may no longer be there)"
    if rule.effect.type is EffectType.LICENCE:
        needs = "needs" if bound else "is recommended to need"
        passed = pl.lit(
            f"{needs} a licence or authorisation since {start}; none on record covers it on {at}."
        )
        ahead = pl.lit(f"{needs} a licence or authorisation from {start}.")
        if at < start:
            ahead = pl.lit(
                f"{needs} a licence or authorisation from {start}, when the rule takes effect (not yet on "
                f"{at}); the source sets no earlier day by which equipment already in place must hold one."
            )
        return passed, ahead
    if not bound:
        dated = pl.concat_str(
            [pl.lit("recommended out by the end of "), _day("deadline"), pl.lit(f"{note}.")]
        )
        undated = pl.lit("recommended excluded (no date in the source).")
        text = pl.when(pl.col("deadline").is_null()).then(undated).otherwise(dated)
        return text, text
    passed = (
        pl.when(pl.col("deadline").is_null())
        .then(pl.lit(f"excluded since {start} (no removal date in the source); in place on {at}."))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit(f"in place on {at}; it had to be out by the end of "),
                    _day("deadline"),
                    pl.lit(f"{note}."),
                ]
            )
        )
    )
    ahead = pl.concat_str([pl.lit("must be out by the end of "), _day("deadline"), pl.lit(f"{note}.")])
    if at < start and rule.deadline is None:
        ahead = pl.lit(
            f"excluded from {start}, when the rule takes effect (not yet on {at}); the source sets no "
            "removal date, so that day is not a deadline."
        )
    return passed, ahead


def _statuses(rule: Rule, at: date) -> pl.Expr:
    """Status of a decided row whose rule binds it."""
    effect = rule.effect.type
    if effect is EffectType.BAN:
        return pl.lit(VIOLATION)
    if effect is EffectType.SUPPORT_LICENCE:
        return pl.lit(LICENCE_REQUIRED)
    if at < rule.in_force_from:
        # Adopted, not yet in effect: an obligation ahead. The effective day is not a deadline: the
        # source may let equipment already in place comply later (Belgium's regularisation requests).
        return pl.lit(DUE)
    at_lit = pl.lit(at, dtype=pl.Date)
    return (
        pl.when(pl.col("deadline").is_null() | (at_lit > pl.col("deadline")))
        .then(pl.lit(VIOLATION))
        .otherwise(pl.lit(DUE))
    )


def asset_findings(
    rule: Rule,
    rows: pl.DataFrame,
    targets: NameTargets,
    at: date,
    deadlines: pl.Expr,
    bound: pl.Expr,
    population: pl.DataFrame,
) -> pl.DataFrame:
    """The rule's findings on the rows (one per asset reached), before licences are applied."""
    mask, evidence = vendor_filter(targets)
    effect = rule.effect.type
    rows = rows.filter(mask).with_columns(
        evidence.alias("evidence"),
        deadlines.alias("deadline"),
        reached_since(targets).alias("since"),
        bound.alias("bound"),
    )
    rows = rows.with_columns(
        pl.max_horizontal(pl.lit(rule.in_force_from, dtype=pl.Date), pl.col("since"))
        .dt.to_string("%Y-%m-%d")
        .alias("start")
    )
    conditions = scope_conditions(rule.scope, population)
    if effect is EffectType.BAN:
        act, act_text = _ban_act(rule, at)
        conditions.append(act)
    else:
        # Every other effect concerns equipment in the network on the day assessed.
        rows = rows.filter(present(at))
        act_text = pl.lit("")
    verdict = decide(conditions)
    rows = rows.filter(verdict.inside | verdict.undecided).with_columns(
        verdict.undecided.alias("undecided"), verdict.missing.alias("missing")
    )
    if effect is EffectType.BAN or effect is EffectType.SUPPORT_LICENCE:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Date).alias("deadline"))
    no_operator_deadline = pl.lit(rule.deadline_from_operator) & pl.col("deadline").is_null()
    what = (
        f"the ban on equipment {_ACTS.get(rule.reads, 'kept')} from"
        if effect is EffectType.BAN
        else "this rule"
    )
    open_question = (
        pl.when(pl.col("undecided"))
        .then(
            pl.concat_str(
                [
                    pl.col("missing"),
                    pl.lit(f" not recorded: cannot tell whether {what} "),
                    pl.col("start") if effect is EffectType.BAN else pl.lit(""),
                    pl.lit(" applies." if effect is EffectType.BAN else "applies."),
                ]
            )
        )
        .when(pl.lit(rule.needs_record is not None))
        .then(
            pl.concat_str(
                [
                    act_text,
                    pl.lit(
                        f" Whether the rule bites turns on {rule.needs_record}, which the inventory does not record."
                    ),
                ]
            )
        )
        .when(no_operator_deadline)
        .then(
            pl.lit(
                "the deadline is set for each recipient and none is recorded for this organisation "
                "(add it, and every extension granted, with `netvet licences add`)."
            )
        )
    )
    is_open = pl.col("undecided") | pl.lit(rule.needs_record is not None) | no_operator_deadline
    missing = (
        pl.when(pl.col("undecided"))
        .then(pl.col("missing"))
        .when(pl.lit(rule.needs_record is not None))
        .then(pl.lit(rule.needs_record))
        .when(no_operator_deadline)
        .then(pl.lit("the organisation's own deadline"))
    )
    bound_passed, bound_ahead = _deadline_texts(rule, at, bound=True)
    _, advice = _deadline_texts(rule, at, bound=False)
    if effect is EffectType.BAN:
        bound_passed = bound_ahead = advice = act_text
    elif effect is EffectType.SUPPORT_LICENCE:
        words = (
            f"lawful to keep and use; support, software updates and spares for it need a licence (required since "
            f"{rule.in_force_from})."
        )
        bound_passed = bound_ahead = advice = pl.lit(words)
    at_lit = pl.lit(at, dtype=pl.Date)
    in_breach = (pl.col("deadline").is_null() & pl.lit(at >= rule.in_force_from)) | (
        at_lit > pl.col("deadline")
    )
    binding_text = pl.when(in_breach.fill_null(False)).then(bound_passed).otherwise(bound_ahead)
    prefix = pl.when(pl.col("bound")).then(pl.lit("")).otherwise(pl.lit(footing(rule)))
    return rows.with_columns(
        pl.when(is_open & pl.col("bound"))
        .then(pl.lit(UNKNOWN))
        .when(~pl.col("bound"))
        .then(pl.lit(ADVISORY))
        .otherwise(_statuses(rule, at))
        .alias("status"),
        pl.concat_str(
            [
                prefix,
                pl.when(is_open)
                .then(open_question)
                .when(pl.col("bound"))
                .then(binding_text)
                .otherwise(advice),
            ]
        ).alias("status_text"),
        missing.alias("missing"),
    )


def apply_licences(
    hits: pl.DataFrame,
    rule: Rule,
    licences: Sequence[tuple[Licence, NameTargets | None]],
    at: date,
    organizations: Sequence[str],
) -> pl.DataFrame:
    """Rows a licence window covers become `licensed`; rows whose coverage turns on a missing fact, `unknown`."""
    coverable = pl.col("status").is_in([VIOLATION, DUE, LICENCE_REQUIRED])
    if rule.needs_record is not None:
        # A licence on record is the record the rule turns on (an authorisation granted).
        coverable = coverable | ((pl.col("status") == UNKNOWN) & (pl.col("missing") == rule.needs_record))
    for licence, licence_targets in licences:
        window = licence.window_at(at)
        if window is None or not any(licence.applies_to(rule.id, org) for org in organizations):
            continue
        verdict = decide(scope_conditions(licence.scope))
        reached = coverable
        if licence.organization_id is not None:
            reached = reached & (pl.col("organization_id") == licence.organization_id)
        if licence_targets is not None:
            reached = reached & vendor_filter(licence_targets)[0]
        covered = reached & verdict.inside
        undecided = reached & verdict.undecided
        text = (
            f"covered by {licence.title} ({licence.id}), valid {window.valid_from} to {window.valid_until} "
            f"as issued {window.issued}; without it the rule would bite."
        )
        open_text = pl.concat_str(
            [
                pl.lit(
                    f"{licence.title} ({licence.id}) covers some such equipment until {window.valid_until}; "
                    "cannot tell whether it covers this item: "
                ),
                verdict.missing,
                pl.lit(" not recorded."),
            ]
        )
        hits = hits.with_columns(
            pl.when(covered)
            .then(pl.lit(LICENSED))
            .when(undecided)
            .then(pl.lit(UNKNOWN))
            .otherwise(pl.col("status"))
            .alias("status"),
            pl.when(covered | undecided)
            .then(pl.lit(window.valid_until, dtype=pl.Date))
            .otherwise(pl.col("deadline"))
            .alias("deadline"),
            pl.when(covered)
            .then(pl.lit(text))
            .when(undecided)
            .then(open_text)
            .otherwise(pl.col("status_text"))
            .alias("status_text"),
            pl.when(undecided).then(verdict.missing).otherwise(pl.col("missing")).alias("missing"),
        )
    return hits


def as_findings(hits: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    """The rows in the findings' columns, each explanation naming the rule, the asset and the evidence."""
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
                asset_text(),
                pl.lit(" Vendor evidence: "),
                pl.col("evidence"),
                pl.lit("." + rule_suffix(rule)),
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
        pl.col("missing"),
    )
