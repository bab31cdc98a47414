"""The asset table as a polars frame ready for rules: normalised keys and scope filters as expressions."""

from __future__ import annotations

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
}


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


def _window_expr(column: str, window: DateWindow, unknown_matches: bool) -> pl.Expr:
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
    return (expr | col.is_null()) if unknown_matches else (expr & col.is_not_null())


def scope_expr(scope: Scope, unknown_dates_match: bool = True) -> pl.Expr:
    """A boolean expression over a prepared asset frame selecting what the scope covers.

    For a rule an unknown date (or technology) keeps the asset in scope (the operator must show the date); for a licence
    (`unknown_dates_match=False`) it keeps the asset out (a licence covers only what it can be shown to).
    """
    expr = pl.lit(True)
    if scope.domains:
        expr = expr & pl.col("domain").is_in(list(scope.domains))
    if scope.roles:
        expr = expr & pl.col("role_key").is_in([role_key(r) for r in scope.roles])
    if scope.technologies:
        # Like an unknown date, an unknown technology keeps the asset inside a rule (the operator must
        # show it is not 5G) and outside a licence.
        in_technology = pl.col("technology_key").is_in([t.strip().upper() for t in scope.technologies])
        if unknown_dates_match:
            in_technology = in_technology | pl.col("technology_key").is_null()
        expr = expr & in_technology
    if scope.site_kinds:
        expr = expr & pl.col("site_kind_key").is_in([text_key(k) for k in scope.site_kinds])
    if scope.regions:
        expr = expr & pl.col("region_key").is_in([text_key(r) for r in scope.regions])
    if scope.sites:
        expr = expr & pl.col("site_id").is_in(list(scope.sites))
    if scope.funding:
        # 'usf' covers 'USF High-Cost' too: a programme's sub-funds are written after its name.
        keys = [text_key(f) for f in scope.funding]
        funded = pl.col("funding_key").is_in(keys)
        for key in keys:
            funded = funded | pl.col("funding_key").str.starts_with(key + "-")
        expr = expr & funded
    if scope.installed:
        expr = expr & _window_expr("installed_on", scope.installed, unknown_dates_match)
    if scope.purchased:
        expr = expr & _window_expr("purchased_on", scope.purchased, unknown_dates_match)
    return expr.fill_null(False)


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
    if scope.funding:
        parts.append("funded by " + ", ".join(scope.funding))
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
