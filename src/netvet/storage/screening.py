"""Screening in the database: list versions, screening runs and results, analysts' decisions.

Every list, shipped or loaded, is stored as numbered versions (time, file hash, entry count, entries);
screening uses the newest version of each list. A screening run stores its results per name, so the
next run can report only what changed, and `vendor_evidence` hands the latest results to the rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
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
    UniqueConstraint,
    delete,
    func,
    select,
)

from netvet.model.screening import Decision, ScreeningStatus, VendorEvidence
from netvet.screening.decisions import DecisionBook, DecisionRecord
from netvet.screening.lists import LISTS_DIR, ListEntry, ListInfo, ScreeningList, shipped_lists
from netvet.screening.loaders import (
    FORMATS,
    ListFileError,
    apply_ftm_delta,
    is_ftm_delta,
    read_csl_csv,
    read_csl_json,
    read_ftm,
    read_ofac_csv,
)
from netvet.screening.screener import Explanation, NameScreening, Screener
from netvet.storage.db import Database
from netvet.storage.inventory import distinct_supplier_names
from netvet.storage.tables import metadata

list_versions = Table(
    "screening_list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("origin", String(16), nullable=False),  # shipped | file
    Column("format", String(16), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", Text),
    Column("entry_count", Integer, nullable=False),
    Column("info", JSON, nullable=False),
    UniqueConstraint("list_id", "version", name="uq_screening_list_versions_list_version"),
)

list_entries = Table(
    "screening_list_entries",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("entry_hash", String(32), nullable=False),
    Column("data", JSON, nullable=False),
    ForeignKeyConstraint(["version_id"], ["screening_list_versions.id"], ondelete="CASCADE"),
)

decisions = Table(
    "screening_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name_key", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("list_id", String(64), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("entry_hash", String(32), nullable=False),
    Index("ix_screening_decisions_key", "list_id", "entity_id"),
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

SHIPPED_FORMAT = "netvet-yaml"


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- list versions


@dataclass(frozen=True)
class ListVersion:
    id: int
    list_id: str
    version: int
    origin: str
    format: str
    file_name: str
    sha256: str
    loaded_at: datetime
    loaded_by: str | None
    entry_count: int
    info: ListInfo


def _version(row: Any) -> ListVersion:
    return ListVersion(
        id=row.id,
        list_id=row.list_id,
        version=row.version,
        origin=row.origin,
        format=row.format,
        file_name=row.file_name,
        sha256=row.sha256,
        loaded_at=row.loaded_at,
        loaded_by=row.loaded_by,
        entry_count=row.entry_count,
        info=ListInfo(**row.info),
    )


def list_version_history(conn: Connection, list_id: str | None = None) -> list[ListVersion]:
    query = select(list_versions).order_by(list_versions.c.list_id, list_versions.c.version)
    if list_id is not None:
        query = query.where(list_versions.c.list_id == list_id)
    return [_version(row) for row in conn.execute(query)]


def latest_versions(conn: Connection) -> list[ListVersion]:
    newest = (
        select(list_versions.c.list_id, func.max(list_versions.c.version).label("version"))
        .group_by(list_versions.c.list_id)
        .subquery()
    )
    query = (
        select(list_versions)
        .join(
            newest,
            (list_versions.c.list_id == newest.c.list_id) & (list_versions.c.version == newest.c.version),
        )
        .order_by(list_versions.c.list_id)
    )
    return [_version(row) for row in conn.execute(query)]


def version_entries(conn: Connection, version_id: int) -> list[ListEntry]:
    query = select(list_entries.c.data).where(list_entries.c.version_id == version_id)
    return [ListEntry(**data) for data in conn.execute(query).scalars()]


def store_list_version(
    conn: Connection,
    screening_list: ScreeningList,
    *,
    origin: str,
    format: str,
    file_name: str,
    sha256: str,
    loaded_by: str | None = None,
) -> ListVersion:
    """Store a list as the next version of its list id, entries and all, in the caller's transaction."""
    current = conn.execute(
        select(func.max(list_versions.c.version)).where(list_versions.c.list_id == screening_list.id)
    ).scalar()
    number = (current or 0) + 1
    version_id = conn.execute(
        list_versions.insert().values(
            list_id=screening_list.id,
            version=number,
            origin=origin,
            format=format,
            file_name=file_name,
            sha256=sha256,
            loaded_at=_now(),
            loaded_by=loaded_by,
            entry_count=len(screening_list.entries),
            info=screening_list.info.model_dump(mode="json"),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    rows: dict[str, dict[str, Any]] = {}
    for entry in screening_list.entries:
        # A file that repeats an id keeps the last record, as the publishers' own tools do.
        rows[entry.entity_id] = {
            "version_id": version_id,
            "entity_id": entry.entity_id,
            "entry_hash": entry.content_hash,
            "data": entry.model_dump(mode="json"),
        }
    batch = list(rows.values())
    for start in range(0, len(batch), 1000):
        conn.execute(list_entries.insert(), batch[start : start + 1000])
    row = conn.execute(select(list_versions).where(list_versions.c.id == version_id)).one()
    return _version(row)


def sync_shipped_lists(conn: Connection) -> list[ListVersion]:
    """Record each shipped list as a version when its file is new or changed (netvet upgraded)."""
    latest = {v.list_id: v for v in latest_versions(conn)}
    added = []
    for shipped in shipped_lists():
        path = LISTS_DIR / f"{shipped.id}.yaml"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        current = latest.get(shipped.id)
        if current is None or current.sha256 != digest:
            added.append(
                store_list_version(
                    conn, shipped, origin="shipped", format=SHIPPED_FORMAT, file_name=path.name, sha256=digest
                )
            )
    return added


def current_lists(conn: Connection) -> tuple[list[ScreeningList], dict[str, int]]:
    """The newest version of every list (shipped ones synced first) and {list id: version}."""
    sync_shipped_lists(conn)
    lists = []
    versions = {}
    for version in latest_versions(conn):
        entries = version_entries(conn, version.id)
        lists.append(ScreeningList(info=version.info, entries=tuple(entries)))
        versions[version.list_id] = version.version
    return lists, versions


@dataclass(frozen=True)
class ListDiff:
    list_id: str
    from_version: int | None
    to_version: int
    added: list[ListEntry]
    removed: list[ListEntry]
    changed: list[tuple[ListEntry, ListEntry]]


def _hashes(conn: Connection, version_id: int) -> dict[str, str]:
    query = select(list_entries.c.entity_id, list_entries.c.entry_hash).where(
        list_entries.c.version_id == version_id
    )
    return {row.entity_id: row.entry_hash for row in conn.execute(query)}


def _entries_by_id(conn: Connection, version_id: int, ids: Iterable[str]) -> dict[str, ListEntry]:
    wanted = list(ids)
    found: dict[str, ListEntry] = {}
    for start in range(0, len(wanted), 1000):
        query = select(list_entries.c.data).where(
            list_entries.c.version_id == version_id,
            list_entries.c.entity_id.in_(wanted[start : start + 1000]),
        )
        for data in conn.execute(query).scalars():
            entry = ListEntry(**data)
            found[entry.entity_id] = entry
    return found


def diff_versions(
    conn: Connection, list_id: str, from_version: int | None = None, to_version: int | None = None
) -> ListDiff:
    """Entries added, removed and changed between two versions (default: the last two)."""
    history = {v.version: v for v in list_version_history(conn, list_id)}
    if not history:
        raise LookupError(f"no list {list_id!r} is loaded")
    to_number = to_version if to_version is not None else max(history)
    if to_number not in history:
        raise LookupError(f"list {list_id!r} has no version {to_number}")
    from_number = (
        from_version if from_version is not None else max((n for n in history if n < to_number), default=None)
    )
    if from_number is not None and from_number not in history:
        raise LookupError(f"list {list_id!r} has no version {from_number}")
    new = _hashes(conn, history[to_number].id)
    old = _hashes(conn, history[from_number].id) if from_number is not None else {}
    new_entries = _entries_by_id(conn, history[to_number].id, [k for k in new if new[k] != old.get(k)])
    old_entries = (
        _entries_by_id(conn, history[from_number].id, [k for k in old if old[k] != new.get(k)])
        if from_number is not None
        else {}
    )
    return ListDiff(
        list_id=list_id,
        from_version=from_number,
        to_version=to_number,
        added=sorted((new_entries[k] for k in new if k not in old), key=lambda e: e.entity_id),
        removed=sorted((old_entries[k] for k in old if k not in new), key=lambda e: e.entity_id),
        changed=sorted(
            ((old_entries[k], new_entries[k]) for k in new if k in old and new[k] != old[k]),
            key=lambda pair: pair[1].entity_id,
        ),
    )


# ---------------------------------------------------------------- decisions


def decision_book(conn: Connection) -> DecisionBook:
    query = select(decisions).order_by(decisions.c.decided_at, decisions.c.id)
    return DecisionBook(
        DecisionRecord(
            name_key=row.name_key,
            name=row.name,
            list_id=row.list_id,
            entity_id=row.entity_id,
            decision=Decision(row.decision),
            reason=row.reason,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            entry_hash=row.entry_hash,
        )
        for row in conn.execute(query)
    )


def decision_history(conn: Connection) -> list[dict[str, Any]]:
    query = select(decisions).order_by(decisions.c.decided_at.desc(), decisions.c.id.desc())
    return [dict(row) for row in conn.execute(query).mappings()]


def record_decision(
    conn: Connection,
    name: str,
    list_id: str | None,
    entity_id: str,
    decision: Decision,
    reason: str,
    decided_by: str,
) -> list[DecisionRecord]:
    """Record an analyst's decision on `name` against the current version of an entity's entry on one
    list, or on every list it is on when `list_id` is None. Returns one record per entry."""
    if not reason.strip():
        raise ValueError("a decision needs a reason")
    lists, _ = current_lists(conn)
    entries = [
        e
        for lst in lists
        if list_id is None or lst.id == list_id
        for e in lst.entries
        if e.entity_id == entity_id and e.is_active
    ]
    if not entries:
        where = f"list {list_id!r}" if list_id else "any list"
        raise LookupError(f"no entry {entity_id!r} in the current version of {where}")
    name_key = Screener(entries[:1]).normalizer(name).text
    records = []
    for entry in entries:
        record = DecisionRecord(
            name_key=name_key,
            name=name,
            list_id=entry.list_id,
            entity_id=entity_id,
            decision=decision,
            reason=reason.strip(),
            decided_by=decided_by,
            decided_at=_now(),
            entry_hash=entry.content_hash,
        )
        conn.execute(decisions.insert().values(**record.model_dump()))
        records.append(record)
    return records


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
    started = _now()
    with db.begin() as conn:
        lists, versions = current_lists(conn)
        book = decision_book(conn)
        names = distinct_supplier_names(conn, organization_id)
        previous = latest_run_id(conn, organization_id)
        before = _statuses(conn, previous)
    screener = Screener(entry for lst in lists for entry in lst.entries)
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
                finished_at=_now(),
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


def vendor_evidence(conn: Connection, organization_id: str) -> dict[str, list[VendorEvidence]]:
    """The latest screening's evidence per inventory name as written, with current decisions applied.

    A name that screened clear maps to an empty list. A decision taken after the run applies at once
    (confirmed: match; dismissed: clear, kept so the rules can see the dismissal) unless the entry changed
    since it was taken.
    """
    book = decision_book(conn)
    evidence: dict[str, list[VendorEvidence]] = {}
    for row in stored_results(conn, organization_id):
        found = evidence.setdefault(row["name"], [])
        if row["list_id"] is None:
            continue
        status = ScreeningStatus(row["raw_status"])
        decision: Decision | None = None
        record = book.lookup(row["name_key"], row["list_id"], row["entity_id"])
        if record is not None and record.entry_hash == row["entry_hash"]:
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
            )
        )
    return evidence


# ---------------------------------------------------------------- loading published files


@dataclass(frozen=True)
class LoadOutcome:
    version: ListVersion
    unchanged: bool  # the same file as the newest version: no new version was made
    diff: ListDiff | None


DEFAULT_LIST_IDS = {"csl-csv": "csl", "csl-json": "csl", "ftm": "opensanctions", "ofac-csv": "ofac-sdn"}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ListFileError(str(path), f"cannot be read: {exc.strerror or exc}") from exc


def parse_list_file(
    path: Path, format: str, list_id: str, previous: ScreeningList | None
) -> tuple[ScreeningList, str]:
    """Parse a published file (no database writes) and return the list and the sha256 of its bytes.

    For OFAC, alt.csv and add.csv beside sdn.csv are read too (and hashed with it). For FollowTheMoney, a
    delta file is applied to `previous`.
    """
    data = _read(path)
    digest = hashlib.sha256(data)
    source = str(path)
    if format == "csl-csv":
        parsed = read_csl_csv(data, source, list_id)
    elif format == "csl-json":
        parsed = read_csl_json(data, source, list_id)
    elif format == "ftm":
        if is_ftm_delta(data):
            if previous is None:
                raise ListFileError(
                    source, f"a delta file, but list {list_id!r} has no version to apply it to"
                )
            parsed = apply_ftm_delta(previous, data, source)
        else:
            parsed = read_ftm(data, source, list_id)
    elif format == "ofac-csv":
        extra: dict[str, bytes | None] = {}
        for name in ("alt.csv", "add.csv"):
            sibling = path.with_name(name)
            extra[name] = _read(sibling) if sibling.exists() else None
            if extra[name] is not None:
                digest.update(extra[name] or b"")
        parsed = read_ofac_csv(
            data,
            source,
            alt=extra["alt.csv"],
            add=extra["add.csv"],
            alt_source=str(path.with_name("alt.csv")),
            add_source=str(path.with_name("add.csv")),
            list_id=list_id,
        )
    else:
        raise ListFileError(source, f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
    return parsed, digest.hexdigest()


def load_list_file(
    db: Database, path: Path, format: str, list_id: str | None = None, loaded_by: str | None = None
) -> LoadOutcome:
    """Load a published list file as the next version of its list, all or nothing.

    A file that fails to parse raises `ListFileError` before anything is written, so the previous
    version stays in force.
    """
    list_id = list_id or DEFAULT_LIST_IDS.get(format, format)
    shipped_ids = {lst.id for lst in shipped_lists()}
    if list_id in shipped_ids:
        raise ListFileError(str(path), f"{list_id!r} is a shipped list's id: choose another with --list-id")
    with db.connect() as conn:
        history = list_version_history(conn, list_id)
        previous = (
            ScreeningList(info=history[-1].info, entries=tuple(version_entries(conn, history[-1].id)))
            if history
            else None
        )
    parsed, digest = parse_list_file(path, format, list_id, previous)
    if history and history[-1].sha256 == digest:
        return LoadOutcome(version=history[-1], unchanged=True, diff=None)
    with db.begin() as conn:
        version = store_list_version(
            conn,
            parsed,
            origin="file",
            format=format,
            file_name=path.name,
            sha256=digest,
            loaded_by=loaded_by,
        )
        diff = diff_versions(conn, list_id, to_version=version.version)
    return LoadOutcome(version=version, unchanged=False, diff=diff)
