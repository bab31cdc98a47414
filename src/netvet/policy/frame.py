"""The asset table as a polars frame ready for rules: normalised keys and scope conditions as expressions.

A scope condition is three-valued: true (the asset is in the rule's scope), false (it is not), or null
(the inventory lacks the fact that decides it: a date, the technology, a site attribute). A rule turns
null into `unknown` with what is missing, never into "compliant".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from netvet.model.roles import RoleTable, role_key
from netvet.policy.rules import DateWindow, Scope
from netvet.policy.targets import NameTargets

# Columns the evaluator reads; storage produces exactly these (one row per asset, site columns joined).
ASSET_COLUMNS: dict[str, type[pl.DataType]] = {
    "organization_id": pl.String,
    "id": pl.String,
    "site_id": pl.String,
    "vendor": pl.String,
    "manufacturer": pl.String,
    "role": pl.String,
    "domain": pl.String,
    "technology": pl.String,
    "installed_on": pl.Date,
    "purchased_on": pl.Date,
    "funding": pl.String,
    "country": pl.String,
    "region": pl.String,
    "site_kind": pl.String,
    "national_security": pl.Boolean,
}

# What a finding names as missing when a test cannot be decided ("... not recorded").
MISSING_DATE = {"installed_on": "installation date", "purchased_on": "purchase (contract) date"}


def text_key(value: str) -> str:
    """How free-text scope values compare: lower case, runs of spaces/underscores as one hyphen."""
    return "-".join(value.strip().lower().replace("_", " ").split())


def _text_key_expr(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace_all(r"[\s_]+", "-")
        .alias(f"{column}_key")
    )


def prepare_assets(assets: pl.DataFrame, roles: RoleTable | None = None) -> pl.DataFrame:
    """Check the columns, cast dates, and add the comparison keys the scope filters use."""
    missing = [c for c in ASSET_COLUMNS if c not in assets.columns]
    if missing:
        raise ValueError(f"asset frame lacks column(s): {', '.join(missing)}")
    casts = []
    for column, dtype in ASSET_COLUMNS.items():
        if dtype == pl.Date and assets.schema[column] == pl.String:
            casts.append(pl.col(column).str.to_date("%Y-%m-%d", strict=False))
        else:
            casts.append(pl.col(column).cast(dtype))
    frame = assets.select(casts)
    # Roles are mapped per distinct value (a few hundred), not per asset.
    distinct_roles = frame.get_column("role").unique().drop_nulls().to_list()
    canonical = {}
    for role in distinct_roles:
        entry = roles.lookup(role) if roles else None
        canonical[role] = role_key(entry.role if entry else role)
    return frame.with_columns(
        pl.col("role").replace_strict(canonical, default=None, return_dtype=pl.String).alias("role_key"),
        pl.col("technology").str.strip_chars().str.to_uppercase().alias("technology_key"),
        pl.col("country").str.to_uppercase(),
        _text_key_expr("funding"),
        _text_key_expr("site_kind"),
        _text_key_expr("region"),
    )


@dataclass(frozen=True)
class Condition:
    """One scope test: true, false, or null when `missing` (what the inventory lacks, a noun) keeps it open."""

    expr: pl.Expr
    missing: str


def _known_in(column: str, values: list[str], missing: str) -> Condition:
    col = pl.col(column)
    return Condition(pl.when(col.is_null()).then(None).otherwise(col.is_in(values)), missing)


def _window_expr(column: str, window: DateWindow) -> pl.Expr:
    col = pl.col(column)
    expr = pl.lit(True)
    bounds: list[tuple[date | None, pl.Expr]] = [
        (window.before, col < pl.lit(window.before)),
        (window.on_or_before, col <= pl.lit(window.on_or_before)),
        (window.after, col > pl.lit(window.after)),
        (window.on_or_after, col >= pl.lit(window.on_or_after)),
    ]
    for bound, condition in bounds:
        if bound is not None:
            expr = expr & condition
    return pl.when(col.is_null()).then(None).otherwise(expr)


def _funded(keys: list[str]) -> pl.Expr:
    # 'usf' covers 'USF High-Cost' too: a programme's sub-funds are written after its name.
    funded = pl.col("funding_key").is_in(keys)
    for key in keys:
        funded = funded | pl.col("funding_key").str.starts_with(key + "-")
    return funded.fill_null(False)


def scope_conditions(scope: Scope, population: pl.DataFrame | None = None) -> list[Condition]:
    """The tests a scope makes, each three-valued. `population` is the frame `operator_funding` reads."""
    conditions: list[Condition] = []
    if scope.domains:
        conditions.append(Condition(pl.col("domain").is_in(list(scope.domains)), "no domain"))
    if scope.roles:
        roles = [role_key(r) for r in scope.roles]
        conditions.append(Condition(pl.col("role_key").is_in(roles).fill_null(False), "no role"))
    if scope.technologies:
        # Never assume 5G: an unrecorded technology leaves a 5G (or 4G) rule undecided.
        technologies = [t.strip().upper() for t in scope.technologies]
        conditions.append(_known_in("technology_key", technologies, "technology"))
    if scope.site_kinds:
        kinds = [text_key(k) for k in scope.site_kinds]
        conditions.append(_known_in("site_kind_key", kinds, "site kind"))
    if scope.regions:
        regions = [text_key(r) for r in scope.regions]
        conditions.append(Condition(pl.col("region_key").is_in(regions).fill_null(False), "no region"))
    if scope.sites:
        conditions.append(Condition(pl.col("site_id").is_in(list(scope.sites)), "no site"))
    if scope.funding:
        # An empty funding cell reads as "no programme paid for it" (docs/policy.md).
        conditions.append(Condition(_funded([text_key(f) for f in scope.funding]), "no funding"))
    if scope.operator_funding:
        keys = [text_key(f) for f in scope.operator_funding]
        funded_orgs = (
            population.filter(_funded(keys)).get_column("organization_id").unique().to_list()
            if population is not None
            else []
        )
        conditions.append(Condition(pl.col("organization_id").is_in(funded_orgs), "no funding"))
    if scope.national_security:
        col = pl.col("national_security")
        conditions.append(
            Condition(
                col,
                "the site's national-security significance (site attribute national_security)",
            )
        )
    if scope.installed:
        conditions.append(
            Condition(_window_expr("installed_on", scope.installed), MISSING_DATE["installed_on"])
        )
    if scope.purchased:
        conditions.append(
            Condition(_window_expr("purchased_on", scope.purchased), MISSING_DATE["purchased_on"])
        )
    return conditions


@dataclass(frozen=True)
class Decision:
    """A scope's verdict per row: surely in, undecided (with what is missing), or (neither) out."""

    inside: pl.Expr
    undecided: pl.Expr
    missing: pl.Expr


def decide(conditions: list[Condition]) -> Decision:
    if not conditions:
        return Decision(pl.lit(True), pl.lit(False), pl.lit(None, dtype=pl.String))
    inside = pl.lit(True)
    any_false = pl.lit(False)
    any_null = pl.lit(False)
    for condition in conditions:
        inside = inside & condition.expr.fill_null(False)
        any_false = any_false | condition.expr.not_().fill_null(False)
        any_null = any_null | condition.expr.is_null()
    missing = pl.concat_str(
        [pl.when(c.expr.is_null()).then(pl.lit(c.missing)) for c in conditions],
        separator="; ",
        ignore_nulls=True,
    )
    return Decision(inside, any_null & ~any_false, missing)


def scope_expr(scope: Scope, population: pl.DataFrame | None = None) -> pl.Expr:
    """Rows surely inside the scope (an undecidable test keeps a row out: what a licence needs)."""
    return decide(scope_conditions(scope, population)).inside


def present(at: date) -> pl.Expr:
    """In the network on `at`: installed by then; without an installation date, as the inventory lists
    it, unless it was bought only after `at`."""
    installed = pl.col("installed_on")
    purchased = pl.col("purchased_on")
    at_lit = pl.lit(at, dtype=pl.Date)
    return (
        pl.when(installed.is_not_null())
        .then(installed <= at_lit)
        .otherwise(purchased.is_null() | (purchased <= at_lit))
    )


def describe_scope(scope: Scope) -> str:
    parts = []
    if scope.domains:
        parts.append("domain " + "/".join(scope.domains))
    if scope.roles:
        parts.append("roles " + ", ".join(scope.roles))
    if scope.technologies:
        parts.append("/".join(scope.technologies))
    if scope.site_kinds:
        parts.append("site kinds " + ", ".join(scope.site_kinds))
    if scope.national_security:
        parts.append("sites significant to national security")
    if scope.funding:
        parts.append("funded by " + ", ".join(scope.funding))
    if scope.operator_funding:
        parts.append("networks of recipients of " + ", ".join(scope.operator_funding))
    return "; ".join(parts) or "the whole network"


def vendor_filter(targets: NameTargets) -> tuple[pl.Expr, pl.Expr]:
    """(which rows the rule reaches, the evidence text for each row)."""
    if targets.reaches_anyone:
        return pl.lit(True), pl.lit("the rule reaches every supplier")
    names = list(targets.names)
    vendor_hit = pl.col("vendor").is_in(names)
    mask = (vendor_hit | pl.col("manufacturer").is_in(names)).fill_null(False)
    matched = pl.when(vendor_hit).then(pl.col("vendor")).otherwise(pl.col("manufacturer"))
    return mask, matched.replace_strict(targets.names, default="", return_dtype=pl.String)


def reached_since(targets: NameTargets) -> pl.Expr:
    """Per row, the first day the rule reaches its vendor (a designation's date, an affiliate's listing)."""
    if not targets.since:
        return pl.lit(None, dtype=pl.Date)
    vendor_hit = pl.col("vendor").is_in(list(targets.names))
    matched = pl.when(vendor_hit).then(pl.col("vendor")).otherwise(pl.col("manufacturer"))
    return matched.replace_strict(targets.since, default=None, return_dtype=pl.Date)
