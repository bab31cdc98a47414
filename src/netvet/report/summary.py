"""Aggregates of the findings frame that the report shows: counts, nearest deadlines, caps, obligations, table rows.

All of them are polars group-bys, so a report over 100,000 assets costs a few frame operations; the
table falls back to one row per group (rule, status, country, vendor, domain) when per-finding rows
would make the file too large. The exports always carry every finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from netvet.report.charts import CapGauge, Obligation
from netvet.report.context import STATUS_RANK, ReportData

TABLE_LIMIT = 2000  # per-finding rows in the HTML table; above it, grouped rows
OBLIGATION_LIMIT = 40
DEADLINE_LIMIT = 8


def status_counts(findings: pl.DataFrame) -> dict[str, int]:
    counts = {status: 0 for status in STATUS_RANK}
    for status, n in findings.group_by("status").len().iter_rows():
        counts[str(status)] = int(n)
    return counts


def affected_assets(findings: pl.DataFrame, statuses: tuple[str, ...] = ("violation", "due")) -> int:
    hits = findings.filter(pl.col("status").is_in(list(statuses)) & pl.col("asset_id").is_not_null())
    return hits.select(pl.struct("organization_id", "asset_id").n_unique()).item() if hits.height else 0


@dataclass(frozen=True)
class Missing:
    """A fact the inventory lacks, and how many undecided findings and assets turn on it."""

    what: str
    assets: int
    findings: int

    def __str__(self) -> str:
        counted = f"{self.assets:,} assets" if self.assets else f"{self.findings:,} network-wide findings"
        return f"{self.what} for {counted}"


def missing_data(findings: pl.DataFrame) -> list[Missing]:
    """What the `unknown` findings lack, most assets first: never read an undecided rule as compliant."""
    unknown = findings.filter(pl.col("status") == "unknown").with_columns(pl.col("missing").fill_null("data"))
    if unknown.height == 0:
        return []
    grouped = (
        unknown.group_by("missing")
        .agg(pl.col("asset_id").drop_nulls().n_unique().alias("assets"), pl.len().alias("findings"))
        .sort(["assets", "findings", "missing"], descending=[True, True, False])
    )
    return [Missing(str(what), int(assets), int(n)) for what, assets, n in grouped.iter_rows()]


def position(findings: pl.DataFrame) -> str:
    """A requirement's position as a form states it; never "compliant" while any finding is undecided."""
    counts = status_counts(findings)
    missing = "; ".join(str(m) for m in missing_data(findings))
    unknown = f"unknown (missing: {missing})" if counts["unknown"] else ""
    if counts["violation"]:
        head = "not compliant"
    elif counts["due"]:
        head = "on track (due)"
    elif unknown:
        return unknown
    elif counts["licence_required"]:
        head = "licence required"
    elif counts["report"]:
        head = "report due"
    elif counts["licensed"]:
        head = "licensed"
    elif counts["advisory"]:
        head = "advisory only (guidance, no legal force)"
    else:
        return "compliant"
    return f"{head}; {unknown}" if unknown else head


@dataclass(frozen=True)
class Deadline:
    deadline: date
    jurisdiction: str
    rule_id: str
    status: str
    findings: int


def nearest_deadlines(findings: pl.DataFrame, at: date, limit: int = DEADLINE_LIMIT) -> list[Deadline]:
    """Deadlines still ahead of the assessment date, nearest first, per rule."""
    ahead = findings.filter(pl.col("deadline").is_not_null() & (pl.col("deadline") >= at))
    grouped = (
        ahead.group_by("deadline", "jurisdiction", "rule_id", "status")
        .len()
        .sort("deadline", "jurisdiction", "rule_id", "status")
        .head(limit)
    )
    return [Deadline(d, str(j), str(r), str(s), int(n)) for d, j, r, s, n in grouped.iter_rows()]


def cap_gauges(findings: pl.DataFrame) -> list[CapGauge]:
    caps = findings.filter(pl.col("cap").is_not_null() & pl.col("measured_share").is_not_null())
    caps = caps.sort("jurisdiction", "rule_id", "site_id", "vendor", nulls_last=True)
    gauges = []
    for row in caps.iter_rows(named=True):
        scope = " ".join(part for part in (row["domain"], row["vendor"]) if part)
        label = f"{row['jurisdiction']} · {row['rule_id']}" + (f" ({scope})" if scope else "")
        gauges.append(
            CapGauge(
                label=label,
                measured_share=float(row["measured_share"]),
                cap=float(row["cap"]),
                status=str(row["status"]),
                excess=row["excess"],
                metric=row["cap_metric"],
                deadline=row["deadline"],
            )
        )
    return gauges


def obligations(findings: pl.DataFrame, limit: int = OBLIGATION_LIMIT) -> list[Obligation]:
    """One entry per rule and deadline, with its worst status and number of findings."""
    dated = findings.filter(pl.col("deadline").is_not_null())
    if dated.is_empty():
        return []
    ranked = dated.with_columns(pl.col("status").replace_strict(STATUS_RANK, default=9).alias("rank"))
    grouped = (
        ranked.group_by("jurisdiction", "rule_id", "deadline")
        .agg(pl.col("rank").min(), pl.len().alias("n"))
        .sort("deadline", "jurisdiction", "rule_id")
        .head(limit)
    )
    names = list(STATUS_RANK)
    return [
        Obligation(deadline=d, jurisdiction=str(j), rule_id=str(r), status=names[rank], findings=int(n))
        for j, r, d, rank, n in grouped.iter_rows()
    ]


@dataclass(frozen=True)
class TableRow:
    jurisdiction: str
    rule_id: str
    status: str
    deadline: str
    country: str
    vendor: str  # canonical
    vendor_as_written: str  # the spellings behind it (every one, in a grouped row)
    domain: str
    subject: str  # the asset (and site), or "N assets" in a grouped row
    count: int
    explanation: str


def table_rows(data: ReportData, limit: int | None = None) -> tuple[list[TableRow], bool]:
    """The findings table's rows, worst and nearest first; grouped when there are more than `limit`."""
    limit = TABLE_LIMIT if limit is None else limit
    frame = data.findings.with_columns(
        pl.col("status").replace_strict(STATUS_RANK, default=9).alias("rank"),
    )
    grouped = frame.height > limit
    if grouped:
        # Spellings of one vendor would split every group: group by the canonical vendor.
        frame = frame.group_by(
            "jurisdiction", "rule_id", "status", "rank", "deadline", "country", "vendor_canonical", "domain"
        ).agg(
            pl.len().alias("count"),
            pl.col("explanation").first(),
            pl.col("vendor").drop_nulls().unique().sort().str.join(", ").alias("vendor"),
        )
    else:
        frame = frame.with_columns(pl.lit(1).alias("count"))
    frame = frame.sort("rank", "deadline", "jurisdiction", "rule_id", nulls_last=True).head(limit)
    rows = []
    for row in frame.iter_rows(named=True):
        if grouped:
            subject = f"{row['count']:,} findings"
        else:
            subject = " @ ".join(part for part in (row["asset_id"], row["site_id"]) if part) or "network-wide"
        rows.append(
            TableRow(
                jurisdiction=row["jurisdiction"] or "",
                rule_id=row["rule_id"] or "",
                status=row["status"] or "",
                deadline=row["deadline"].isoformat() if row["deadline"] else "",
                country=row["country"] or "",
                vendor=row["vendor_canonical"] or "",
                vendor_as_written=row["vendor"] or "",
                domain=row["domain"] or "",
                subject=subject,
                count=int(row["count"]),
                explanation=row["explanation"] or "",
            )
        )
    return rows, grouped
