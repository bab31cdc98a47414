"""Stored assessments: every assessment run from the CLI, the API or the dashboard, kept whole.

The API and dashboard page, filter and colour maps by the findings many times a second, so each
assessment is kept here and served from these rows instead of being recomputed per request. A what-if
assessment (extra rule packs, proposals) is stored too, marked and described, and never stands for the
network's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from netvet.model.findings import FindingStatus
from netvet.storage import access
from netvet.storage.db import Database
from netvet.storage.tables import metadata
from netvet.storage.vendors import organization_vendors, with_canonical_vendors

if TYPE_CHECKING:
    from netvet.policy import Assessment

assessment_results = Table(
    "assessment_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),
    Column("at", Date, nullable=False),
    Column("jurisdictions", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("what_if", Boolean, nullable=False, server_default=false()),
    Column("scenario", Text),  # what makes it a what-if: the extra packs, proposals
    Index("ix_assessment_results_org_at", "organization_id", "at"),
)

assessment_findings = Table(
    "assessment_findings",
    metadata,
    Column("result_id", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("rule_id", String(128), nullable=False),
    Column("jurisdiction", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("asset_id", String(128)),
    Column("site_id", String(128)),
    Column("country", String(2)),
    Column("deadline", Date),
    Column("vendor", Text),  # as written in the inventory
    Column("vendor_canonical", Text),  # as screening and the vendor directory named it when assessed
    Column("vendor_entity_id", String(200)),
    Column("domain", String(16)),
    Column("source", Text, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("measured_share", Float),
    Column("cap", Float),
    Column("cap_metric", String(32)),
    Column("excess", Integer),
    Column("effect", String(32)),
    Column("legal_status", String(32)),
    Column("confidence", String(32)),
    Column("missing", Text),  # what the inventory lacks to decide the rule
    ForeignKeyConstraint(["result_id"], ["assessment_results.id"], ondelete="CASCADE"),
    Index("ix_assessment_findings_page", "result_id", "jurisdiction", "seq"),
    Index("ix_assessment_findings_asset", "result_id", "asset_id"),
)

FINDING_FIELDS = [c.name for c in assessment_findings.c if c.name not in ("result_id", "seq")]
# Worst first: the colour of a site on the map is its worst finding's status.
STATUS_RANK = {status.value: rank for rank, status in enumerate(FindingStatus)}
CLEAR = "clear"
INSERT_BATCH = 5000


@dataclass(frozen=True)
class StoredResult:
    id: int
    organization_id: str
    at: date
    jurisdictions: tuple[str, ...]
    created_at: datetime
    created_by: str
    summary: dict[str, Any]
    what_if: bool = False
    scenario: str | None = None

    @property
    def label(self) -> str:
        """How the assessment is named wherever it is offered or shown."""
        scope = ", ".join(self.jurisdictions) or "no rule pack"
        name = f"{self.at} ({scope})"
        return f"what-if: {name}, {self.scenario}" if self.what_if else name


def _result(row: Any) -> StoredResult:
    return StoredResult(
        id=row["id"],
        organization_id=row["organization_id"],
        at=row["at"],
        jurisdictions=tuple(row["jurisdictions"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        summary=dict(row["summary"]),
        what_if=bool(row["what_if"]),
        scenario=row["scenario"],
    )


def save_result(
    conn: Connection,
    organization_id: str,
    at: date,
    jurisdictions: list[str],
    summary: dict[str, Any],
    findings: pl.DataFrame,
    created_by: str,
    created_at: datetime,
    scenario: str | None = None,
) -> int:
    """Store one assessment's findings; older results for the same date, jurisdictions and scenario
    go. A `scenario` (what extra packs or proposals it took) makes it a what-if."""
    for old in conn.execute(
        select(
            assessment_results.c.id, assessment_results.c.jurisdictions, assessment_results.c.scenario
        ).where(assessment_results.c.organization_id == organization_id, assessment_results.c.at == at)
    ):
        if sorted(old.jurisdictions) == sorted(jurisdictions) and old.scenario == scenario:
            conn.execute(assessment_findings.delete().where(assessment_findings.c.result_id == old.id))
            conn.execute(assessment_results.delete().where(assessment_results.c.id == old.id))
    key = conn.execute(
        assessment_results.insert().values(
            organization_id=organization_id,
            at=at,
            jurisdictions=jurisdictions,
            created_at=created_at,
            created_by=created_by,
            summary=summary,
            what_if=scenario is not None,
            scenario=scenario,
        )
    ).inserted_primary_key
    assert key is not None
    result_id = int(key[0])
    present = [c for c in FINDING_FIELDS if c in findings.columns]
    ordered = findings.select(present).sort(
        ["jurisdiction", "deadline", "rule_id", "asset_id"], nulls_last=True
    )
    batch: list[dict[str, Any]] = []
    for seq, row in enumerate(ordered.iter_rows(named=True)):
        batch.append({"result_id": result_id, "seq": seq, **row})
        if len(batch) >= INSERT_BATCH:
            conn.execute(assessment_findings.insert(), batch)
            batch = []
    if batch:
        conn.execute(assessment_findings.insert(), batch)
    return result_id


@dataclass
class Recorder:
    """Who stores an assessment and through what (cli, token, session); the stored id once it is."""

    actor: str
    via: str
    assessment_id: int | None = None


def record_assessment(
    db: Database,
    organization_id: str,
    assessment: Assessment,
    actor: str,
    via: str,
    scenario: str | None = None,
) -> int:
    """Store an assessment whole, each finding with its canonical vendor as screening names it on the
    day, and audit it, in one transaction; return its id."""
    with db.begin() as conn:
        vendors = organization_vendors(conn, organization_id, assessment.at)
        result_id = save_result(
            conn,
            organization_id,
            assessment.at,
            list(assessment.jurisdictions),
            assessment.summary(),
            with_canonical_vendors(conn, organization_id, assessment.frame, vendors),
            actor,
            access.now(),
            scenario,
        )
        access.record_audit(
            conn,
            organization_id,
            actor,
            via,
            "assessment.run",
            f"assessment {result_id}",
            {
                "at": assessment.at.isoformat(),
                "jurisdictions": list(assessment.jurisdictions),
                "findings": assessment.frame.height,
                "what_if": scenario,
            },
        )
    return result_id


def list_results(conn: Connection, organization_id: str) -> list[StoredResult]:
    query = (
        select(assessment_results)
        .where(assessment_results.c.organization_id == organization_id)
        .order_by(assessment_results.c.at.desc(), assessment_results.c.id.desc())
    )
    return [_result(row) for row in conn.execute(query).mappings()]


def get_result(conn: Connection, organization_id: str, result_id: int) -> StoredResult | None:
    """One stored assessment of the organisation by id (what-ifs too), or None."""
    row = (
        conn.execute(
            select(assessment_results).where(
                assessment_results.c.organization_id == organization_id, assessment_results.c.id == result_id
            )
        )
        .mappings()
        .first()
    )
    return _result(row) if row is not None else None


def latest_result(
    conn: Connection, organization_id: str, at: date | None = None, jurisdiction: str | None = None
) -> StoredResult | None:
    """The stored result for the date that covers the jurisdiction, newest first, what-ifs left out.
    Without a date: the result for the latest day up to today (an assessment of a day ahead never
    becomes the network's status because it ran last), or, when every result is for a future day, the
    newest of those."""
    query = select(assessment_results).where(
        assessment_results.c.organization_id == organization_id, assessment_results.c.what_if.is_(False)
    )
    newest = (assessment_results.c.created_at.desc(), assessment_results.c.id.desc())
    if at is not None:
        candidates = [query.where(assessment_results.c.at == at).order_by(*newest)]
    else:
        candidates = [
            query.where(assessment_results.c.at <= date.today()).order_by(
                assessment_results.c.at.desc(), *newest
            ),
            query.order_by(*newest),
        ]
    for candidate in candidates:
        for row in conn.execute(candidate).mappings():
            if jurisdiction is None or jurisdiction in row["jurisdictions"]:
                return _result(row)
    return None


@dataclass(frozen=True)
class FindingFilter:
    jurisdiction: str | None = None
    status: str | None = None
    rule_id: str | None = None
    vendor: str | None = None
    domain: str | None = None
    site_id: str | None = None
    asset_id: str | None = None


def _where(result_id: int, wanted: FindingFilter) -> list[Any]:
    clauses: list[Any] = [assessment_findings.c.result_id == result_id]
    for field in ("jurisdiction", "status", "rule_id", "domain", "site_id", "asset_id"):
        value = getattr(wanted, field)
        if value is not None:
            clauses.append(assessment_findings.c[field] == value)
    if wanted.vendor is not None:
        # The canonical vendor ("Huawei": every spelling) or one name as written.
        vendor = wanted.vendor.lower()
        clauses.append(
            or_(
                func.lower(assessment_findings.c.vendor_canonical) == vendor,
                func.lower(assessment_findings.c.vendor) == vendor,
            )
        )
    return clauses


def findings_page(
    conn: Connection, result_id: int, wanted: FindingFilter, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    clauses = _where(result_id, wanted)
    total = int(
        conn.execute(select(func.count()).select_from(assessment_findings).where(*clauses)).scalar_one()
    )
    query = (
        select(*(assessment_findings.c[name] for name in FINDING_FIELDS))
        .where(*clauses)
        .order_by(assessment_findings.c.seq)
        .offset(offset)
        .limit(limit)
    )
    return total, [dict(row) for row in conn.execute(query).mappings()]


def facet_values(conn: Connection, result_id: int, column: str) -> list[str]:
    """The distinct values of a column in a result, for filter menus."""
    col = assessment_findings.c[column]
    query = select(col).where(assessment_findings.c.result_id == result_id, col.is_not(None)).distinct()
    return sorted(str(v) for v in conn.execute(query).scalars())


def worst_status_expression() -> Any:
    """SQL: the rank of the worst status in a group (lower is worse)."""
    ranks = case(STATUS_RANK, value=assessment_findings.c.status, else_=len(STATUS_RANK))
    return func.min(ranks)


def status_by(conn: Connection, result_id: int, column: str, ids: list[str] | None = None) -> dict[str, str]:
    """Each site (or asset) id with its worst finding status in the result (only `ids` when given)."""
    col = assessment_findings.c[column]
    query = (
        select(col, worst_status_expression().label("rank"))
        .where(assessment_findings.c.result_id == result_id, col.is_not(None))
        .group_by(col)
    )
    if ids is not None:
        query = query.where(col.in_(ids))
    names = list(STATUS_RANK)
    return {str(key): names[int(rank)] for key, rank in conn.execute(query) if int(rank) < len(names)}


def ids_with_status(result_id: int, column: str, status: str) -> Any:
    """SQL: the ids (sites or assets) whose worst status in the result is `status` (a subquery)."""
    col = assessment_findings.c[column]
    rank = STATUS_RANK[status]
    return (
        select(col)
        .where(assessment_findings.c.result_id == result_id, col.is_not(None))
        .group_by(col)
        .having(worst_status_expression() == rank)
    )


def ids_with_findings(result_id: int, column: str) -> Any:
    col = assessment_findings.c[column]
    return select(col).where(assessment_findings.c.result_id == result_id, col.is_not(None)).distinct()


def result_frame(conn: Connection, result: StoredResult, jurisdiction: str | None = None) -> pl.DataFrame:
    """Every stored finding of a result (optionally one jurisdiction's) as the policy engine's frame."""
    query = (
        select(*(assessment_findings.c[name] for name in FINDING_FIELDS))
        .where(assessment_findings.c.result_id == result.id)
        .order_by(assessment_findings.c.seq)
    )
    if jurisdiction is not None:
        query = query.where(assessment_findings.c.jurisdiction == jurisdiction)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    frame = (
        pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(schema=list(FINDING_FIELDS))
    )
    return frame.with_columns(pl.lit(result.organization_id).alias("organization_id"))
