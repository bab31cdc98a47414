"""Screening in the database: screening runs and their results, analysts' decisions, and the evidence
the policy engine reads. List versions live in `screening_lists` (re-exported here).

A screening run stores its results per name, so the next run can report only what changed, and
`vendor_evidence` hands the latest results, with the decisions in force, to the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    select,
)

from netvet.model.screening import Decision, ScreeningStatus, VendorEvidence
from netvet.screening.api import first_listed
from netvet.screening.decisions import DecisionBook, DecisionRecord
from netvet.screening.lists import ScreeningList
from netvet.screening.normalize import default_normalizer
from netvet.screening.screener import Explanation, NameScreening, Screener
from netvet.storage.db import Database
from netvet.storage.inventory import distinct_supplier_names
from netvet.storage.screening_lists import (
    DEFAULT_LIST_IDS,
    SHIPPED_FORMAT,
    ListDiff,
    ListVersion,
    LoadOutcome,
    current_lists,
    diff_versions,
    latest_versions,
    list_entries,
    list_version_history,
    list_versions,
    load_list_file,
    parse_list_file,
    store_list_version,
    sync_shipped_lists,
    utc_now,
    version_entries,
)
from netvet.storage.tables import metadata

__all__ = [
    "DEFAULT_LIST_IDS",
    "SHIPPED_FORMAT",
    "InventoryScreeningSummary",
    "ListDiff",
    "ListVersion",
    "LoadOutcome",
    "ResultChange",
    "current_entry_hashes",
    "current_lists",
    "decision_book",
    "decision_history",
    "diff_versions",
    "latest_run_id",
    "latest_versions",
    "list_entries",
    "list_version_history",
    "list_versions",
    "load_list_file",
    "parse_list_file",
    "record_decision",
    "screen_inventory",
    "store_list_version",
    "stored_results",
    "sync_shipped_lists",
    "vendor_evidence",
    "version_entries",
]

decisions = Table(
    "screening_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Each organisation's analysts decide for their own inventory: one operator's dismissal never
    # clears a name for another.
    Column("organization_id", String(64), nullable=False, server_default="default"),
    Column("name_key", Text, nullable=False),
    Column("name", Text, nullable=False),
    # One decision per name and entity, whichever lists the entity is on; entry_hashes records each of
    # its entries (list id -> content hash) as the analyst saw them.
    Column("entity_id", String(200), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("entry_hashes", JSON, nullable=False),
    Index("ix_screening_decisions_entity", "entity_id"),
    Index("ix_screening_decisions_org", "organization_id"),
)

runs = Table(
    "screening_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("list_versions", JSON, nullable=False),
    Column("names_screened", Integer, nullable=False),
    Column("names_flagged", Integer, nullable=False),
    Index("ix_screening_runs_org", "organization_id"),
)

results = Table(
    "screening_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("name_status", String(8), nullable=False),
    # One row per name with no result at all (list_id NULL), else one row per reported result.
    Column("list_id", String(64)),
    Column("entity_id", String(200)),
    Column("entity_name", Text),
    Column("matched_name", Text),
    Column("score", Float),
    Column("status", String(8)),
    Column("raw_status", String(8)),
    Column("entry_hash", String(32)),
    Column("affiliate_path", JSON),
    Column("lists", JSON),
    Column("explanation", JSON),
    ForeignKeyConstraint(["run_id"], ["screening_runs.id"], ondelete="CASCADE"),
    Index("ix_screening_results_run", "run_id"),
)


# ---------------------------------------------------------------- decisions


def decision_book(conn: Connection, organization_id: str = "default") -> DecisionBook:
    """The organisation's decisions, oldest first (a later decision on the same candidate wins)."""
    query = (
        select(decisions)
        .where(decisions.c.organization_id == organization_id)
        .order_by(decisions.c.decided_at, decisions.c.id)
    )
    return DecisionBook(
        DecisionRecord(
            name_key=row.name_key,
            name=row.name,
            entity_id=row.entity_id,
            decision=Decision(row.decision),
            reason=row.reason,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            entry_hashes=dict(row.entry_hashes),
        )
        for row in conn.execute(query)
    )


def decision_history(conn: Connection, organization_id: str = "default") -> list[dict[str, Any]]:
    query = (
        select(decisions)
        .where(decisions.c.organization_id == organization_id)
        .order_by(decisions.c.decided_at.desc(), decisions.c.id.desc())
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def current_entry_hashes(lists: Sequence[ScreeningList]) -> dict[str, dict[str, str]]:
    """entity id -> {list id: content hash} of its active entries in these lists."""
    found: dict[str, dict[str, str]] = {}
    for lst in lists:
        for entry in lst.entries:
            if entry.is_active:
                found.setdefault(entry.entity_id, {})[entry.list_id] = entry.content_hash
    return found


def record_decision(
    conn: Connection,
    name: str,
    entity_id: str,
    decision: Decision,
    reason: str,
    decided_by: str,
    organization_id: str = "default",
) -> DecisionRecord:
    """Record an analyst's decision on `name` against an entity, as its entries on every current list
    are now."""
    if not reason.strip():
        raise ValueError("a decision needs a reason")
    lists, _ = current_lists(conn)
    hashes = current_entry_hashes(lists).get(entity_id)
    if not hashes:
        raise LookupError(f"no entity {entity_id!r} on any current list")
    record = DecisionRecord(
        name_key=default_normalizer()(name).text,
        name=name,
        entity_id=entity_id,
        decision=decision,
        reason=reason.strip(),
        decided_by=decided_by,
        decided_at=utc_now(),
        entry_hashes=hashes,
    )
    conn.execute(decisions.insert().values(organization_id=organization_id, **record.model_dump()))
    return record


# ---------------------------------------------------------------- screening runs


@dataclass(frozen=True)
class ResultChange:
    name: str
    list_id: str
    entity_id: str
    before: str | None  # status in the previous run, None when the pair was not reported then
    after: str | None


@dataclass
class InventoryScreeningSummary:
    run_id: int
    organization_id: str
    names_screened: int
    names_flagged: int
    by_status: dict[str, int]
    list_versions: dict[str, int]
    changes: list[ResultChange] = field(default_factory=list)
    previous_run_id: int | None = None


_RESULT_KEYS = (
    "list_id",
    "entity_id",
    "entity_name",
    "matched_name",
    "score",
    "status",
    "raw_status",
    "entry_hash",
    "affiliate_path",
    "lists",
    "explanation",
)


def _result_rows(run_id: int, screening: NameScreening) -> list[dict[str, Any]]:
    base = {
        "run_id": run_id,
        "name": screening.name,
        "name_key": screening.normalised,
        "name_status": screening.status.value,
    }
    if not screening.results:
        # Every row carries every key: one executemany takes its columns from the first row.
        return [base | dict.fromkeys(_RESULT_KEYS)]
    return [
        {
            **base,
            "list_id": r.list_id,
            "entity_id": r.entity_id,
            "entity_name": r.entity_name,
            "matched_name": r.matched_name,
            "score": r.score,
            "status": r.status.value,
            "raw_status": r.raw_status.value,
            "entry_hash": r.entry_hash,
            "affiliate_path": list(r.affiliate_path),
            "lists": list(r.lists),
            "explanation": r.explanation.model_dump(mode="json"),
        }
        for r in screening.results
    ]


def latest_run_id(conn: Connection, organization_id: str) -> int | None:
    query = select(func.max(runs.c.id)).where(runs.c.organization_id == organization_id)
    value = conn.execute(query).scalar()
    return int(value) if value is not None else None


def _statuses(conn: Connection, run_id: int | None) -> dict[tuple[str, str, str], str]:
    if run_id is None:
        return {}
    query = select(results.c.name, results.c.list_id, results.c.entity_id, results.c.status).where(
        results.c.run_id == run_id, results.c.list_id.is_not(None)
    )
    return {(r.name, r.list_id, r.entity_id): r.status for r in conn.execute(query)}


def screen_inventory(
    db: Database,
    organization_id: str = "default",
    progress: Callable[[int, int], None] | None = None,
) -> InventoryScreeningSummary:
    """Screen every vendor, manufacturer and component supplier name of the stored inventory with the
    newest version of every list, store the results, and report what changed since the last run."""
    started = utc_now()
    with db.begin() as conn:
        lists, versions = current_lists(conn)
        book = decision_book(conn, organization_id)
        names = distinct_supplier_names(conn, organization_id)
        previous = latest_run_id(conn, organization_id)
        before = _statuses(conn, previous)
    screener = Screener.for_lists(lists)
    screenings: list[NameScreening] = []
    total = len(names)
    for number, name in enumerate(names, start=1):
        screenings.append(screener.screen(name, decisions=book))
        if progress is not None and (number % 50 == 0 or number == total):
            progress(number, total)
    by_status = {s.value: 0 for s in ScreeningStatus}
    for screening in screenings:
        by_status[screening.status.value] += 1
    flagged = by_status[ScreeningStatus.MATCH.value] + by_status[ScreeningStatus.REVIEW.value]
    with db.begin() as conn:
        run_id = conn.execute(
            runs.insert().values(
                organization_id=organization_id,
                started_at=started,
                finished_at=utc_now(),
                list_versions=versions,
                names_screened=len(screenings),
                names_flagged=flagged,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        rows = [row for screening in screenings for row in _result_rows(run_id, screening)]
        for start in range(0, len(rows), 1000):
            conn.execute(results.insert(), rows[start : start + 1000])
        # Keep the two newest runs per organisation: enough to report what changed.
        old_runs = select(runs.c.id).where(
            runs.c.organization_id == organization_id, runs.c.id < (previous or 0)
        )
        conn.execute(delete(results).where(results.c.run_id.in_(old_runs)))
        conn.execute(
            delete(runs).where(runs.c.organization_id == organization_id, runs.c.id < (previous or 0))
        )
        after = _statuses(conn, run_id)
    changes = [
        ResultChange(name=k[0], list_id=k[1], entity_id=k[2], before=before.get(k), after=after.get(k))
        for k in sorted(before.keys() | after.keys())
        if before.get(k) != after.get(k) and (before.get(k), after.get(k)) != (None, "clear")
    ]
    return InventoryScreeningSummary(
        run_id=run_id,
        organization_id=organization_id,
        names_screened=len(screenings),
        names_flagged=flagged,
        by_status=by_status,
        list_versions=versions,
        changes=changes,
        previous_run_id=previous,
    )


def stored_results(conn: Connection, organization_id: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The rows of one run (default: the latest) as dictionaries."""
    run_id = run_id if run_id is not None else latest_run_id(conn, organization_id)
    if run_id is None:
        return []
    query = select(results).where(results.c.run_id == run_id).order_by(results.c.name, results.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def vendor_evidence(
    conn: Connection, organization_id: str, at: date | None = None
) -> dict[str, list[VendorEvidence]]:
    """The latest screening's evidence per inventory name as written, with current decisions applied.

    A name that screened clear maps to an empty list. A decision taken after the run applies at once
    (confirmed: match; dismissed: clear, kept so the rules can see the dismissal) unless the entity's
    entries changed since it was taken. With `at`, only decisions taken by that day apply (assessing an
    earlier day). `listed_on` is the earliest day any of the entity's entries took effect.
    """
    book = decision_book(conn, organization_id)
    lists, _ = current_lists(conn)
    hashes = current_entry_hashes(lists)
    listed_on = first_listed(lists)
    evidence: dict[str, list[VendorEvidence]] = {}
    for row in stored_results(conn, organization_id):
        found = evidence.setdefault(row["name"], [])
        if row["list_id"] is None:
            continue
        status = ScreeningStatus(row["raw_status"])
        decision: Decision | None = None
        record = book.lookup(row["name_key"], row["entity_id"])
        in_force = record is not None and (at is None or record.decided_at.date() <= at)
        if record is not None and in_force and record.holds_for(hashes.get(row["entity_id"], {})):
            decision = record.decision
            status = ScreeningStatus.MATCH if decision is Decision.CONFIRMED else ScreeningStatus.CLEAR
        if status is ScreeningStatus.CLEAR and decision is None:
            continue
        found.append(
            VendorEvidence(
                name=row["name"],
                status=status,
                entity_id=row["entity_id"],
                entity_name=row["entity_name"],
                list_id=row["list_id"],
                matched_name=row["matched_name"],
                score=float(row["score"]),
                explanation=Explanation(**row["explanation"]).summary(),
                affiliate_path=tuple(row["affiliate_path"] or ()),
                lists=tuple(row["lists"] or ()),
                decision=decision,
                listed_on=listed_on.get(row["entity_id"]),
            )
        )
    return evidence
