"""What a report shows, gathered once: the inventory's shape, the findings as a frame, sites with a status.

Everything after this module works on `ReportData` alone, so the HTML, PDF, exports and forms never
query the database themselves and tests can build a report from a hand-made inventory and findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import select

from netvet.model.findings import Finding, FindingStatus
from netvet.report.methods import Methods
from netvet.report.money import ExchangeRate
from netvet.screening.vendors import CanonicalVendor
from netvet.storage import Database
from netvet.storage import inventory as store
from netvet.storage.tables import assets
from netvet.storage.vendors import organization_vendors, with_canonical_vendors

if TYPE_CHECKING:
    from netvet.planning.plan import Plan

# Worst first (the order of FindingStatus): a site takes the status of its worst finding.
STATUS_RANK: dict[str, int] = {status.value: rank for rank, status in enumerate(FindingStatus)}
CLEAR = "clear"  # a site with no finding
SITE_STATUSES = (*STATUS_RANK, CLEAR)

FINDING_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "organization_id": pl.String,
    "jurisdiction": pl.String,
    "rule_id": pl.String,
    "status": pl.String,
    "asset_id": pl.String,
    "site_id": pl.String,
    "country": pl.String,  # the site's country; the policy engine's frame carries it, Finding does not
    "vendor": pl.String,  # as written in the inventory
    "vendor_canonical": pl.String,  # the one name the vendor is shown under (netvet.screening.vendors)
    "vendor_entity_id": pl.String,  # the restricted-list entity screening resolved it to
    "domain": pl.String,
    "deadline": pl.Date,
    "measured_share": pl.Float64,
    "cap": pl.Float64,
    "cap_metric": pl.String,
    "excess": pl.Int64,
    "effect": pl.String,  # ban, removal, cap, report, licence, support_licence
    "legal_status": pl.String,  # binding, guidance, contract, proposal
    "missing": pl.String,  # what the inventory lacks to decide the rule (unknown findings)
    "source": pl.String,
    "explanation": pl.String,
}


def findings_frame(findings: Sequence[Finding] | pl.DataFrame) -> pl.DataFrame:
    """Findings as a frame with exactly FINDING_COLUMNS, from `Finding` objects or the policy engine's frame."""
    if isinstance(findings, pl.DataFrame):
        frame = findings
        for name, dtype in FINDING_COLUMNS.items():
            if name not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(name))
        return frame.select([pl.col(name).cast(dtype) for name, dtype in FINDING_COLUMNS.items()])
    rows = [{**finding.model_dump(mode="python"), "status": finding.status.value} for finding in findings]
    if not rows:
        return empty_findings()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return findings_frame(frame)


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_COLUMNS)


@dataclass(frozen=True)
class SitePoint:
    id: str
    name: str | None
    country: str | None
    region: str | None
    latitude: float | None
    longitude: float | None
    status: str
    findings: int


@dataclass(frozen=True)
class VendorCount:
    vendor: str
    domain: str
    assets: int
    manufacturer: str | None = None  # as written; names the asset when only it is a restricted entity


@dataclass
class ReportData:
    organization_id: str
    organization_name: str
    at: date
    jurisdictions: tuple[str, ...]
    asset_count: int
    vendor_counts: list[VendorCount]
    sites: list[SitePoint]
    findings: pl.DataFrame
    methods: Methods
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    plan: Plan | None = None  # the planner's output, drawn when given (see netvet.report.plan_view)
    notes: list[str] = field(default_factory=list)
    # Vendor name as written -> its canonical vendor (netvet.screening.vendors).
    vendors: dict[str, CanonicalVendor] = field(default_factory=dict)
    # What makes the assessment a what-if (extra packs, proposals); None for the network's status.
    what_if: str | None = None
    paper: str = "A4"  # the CSS page size printed to PDF: A4 or letter
    exchange: ExchangeRate | None = None  # the currency costs are shown in, when not the plan's own

    @property
    def site_count(self) -> int:
        return len(self.sites)

    @property
    def countries(self) -> list[str]:
        return sorted({site.country for site in self.sites if site.country})


def site_statuses(findings: pl.DataFrame, asset_sites: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """Each site's worst finding status and how many findings touch it."""
    if findings.is_empty():
        return {}
    located = findings.with_columns(
        pl.when(pl.col("site_id").is_null() & pl.col("asset_id").is_not_null())
        .then(pl.col("asset_id").replace_strict(dict(asset_sites), default=None, return_dtype=pl.String))
        .otherwise(pl.col("site_id"))
        .alias("site_id"),
        pl.col("status").replace_strict(STATUS_RANK, default=len(STATUS_RANK)).alias("rank"),
    ).filter(pl.col("site_id").is_not_null())
    grouped = located.group_by("site_id").agg(pl.col("rank").min(), pl.len().alias("n"))
    names = list(STATUS_RANK)
    return {
        str(site_id): (names[rank] if rank < len(names) else CLEAR, int(n))
        for site_id, rank, n in grouped.iter_rows()
    }


def _asset_sites(db: Database, organization_id: str, findings: pl.DataFrame) -> dict[str, str]:
    """Site of each asset that a finding names without its site (most findings carry both)."""
    missing = findings.filter(pl.col("site_id").is_null() & pl.col("asset_id").is_not_null())
    if missing.is_empty():
        return {}
    wanted = set(missing.get_column("asset_id").to_list())
    query = select(assets.c.id, assets.c.site_id).where(assets.c.organization_id == organization_id)
    with db.connect() as conn:
        return {row.id: row.site_id for row in conn.execute(query) if row.id in wanted}


def gather(
    db: Database,
    organization_id: str,
    findings: Sequence[Finding] | pl.DataFrame,
    at: date,
    jurisdictions: Sequence[str] = (),
    methods: Methods | None = None,
    plan: Plan | None = None,
) -> ReportData:
    """Read what the report needs from the database and combine it with the findings."""
    frame = findings_frame(findings).filter(pl.col("organization_id") == organization_id)
    asset_sites = _asset_sites(db, organization_id, frame)
    statuses = site_statuses(frame, asset_sites)
    if asset_sites:
        # A finding that names only the asset gets the asset's site, so its country is known too.
        frame = frame.with_columns(
            pl.coalesce(
                pl.col("site_id"),
                pl.col("asset_id").replace_strict(asset_sites, default=None, return_dtype=pl.String),
            ).alias("site_id")
        )
    with db.connect() as conn:
        organization = store.get_organization(conn, organization_id)
        asset_count = store.count_assets(conn, organization_id)
        vendor_counts = [
            VendorCount(vendor, domain, n, manufacturer)
            for vendor, manufacturer, domain, n in store.assets_by_vendor_and_domain(conn, organization_id)
        ]
        sites = [
            SitePoint(
                id=site.id,
                name=site.name,
                country=site.country,
                region=site.region,
                latitude=site.latitude,
                longitude=site.longitude,
                status=statuses.get(site.id, (CLEAR, 0))[0],
                findings=statuses.get(site.id, (CLEAR, 0))[1],
            )
            for site in store.iter_sites(conn, organization_id)
        ]
        vendors = organization_vendors(conn, organization_id, at)
        if frame.get_column("vendor_canonical").is_null().all():
            # Findings stored by an assessment carry the names screening gave when it ran; others get
            # them now.
            frame = with_canonical_vendors(conn, organization_id, frame, vendors)
    country_of = {site.id: site.country for site in sites if site.country}
    if country_of:
        frame = frame.with_columns(
            pl.coalesce(
                pl.col("country"),
                pl.col("site_id").replace_strict(country_of, default=None, return_dtype=pl.String),
            ).alias("country")
        )
    return ReportData(
        organization_id=organization_id,
        organization_name=organization.name if organization else organization_id,
        at=at,
        jurisdictions=tuple(jurisdictions),
        asset_count=asset_count,
        vendor_counts=vendor_counts,
        sites=sites,
        findings=frame,
        methods=methods if methods is not None else Methods(),
        plan=plan,
        vendors=vendors,
    )
