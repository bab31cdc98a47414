"""Restricted-party lists in the database: numbered versions (time, who, file hash, entry count,
entries) of every list, shipped or loaded from a published file, and the differences between them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError

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
from netvet.storage.db import Database
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

SHIPPED_FORMAT = "netvet-yaml"


def utc_now() -> datetime:
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
            loaded_at=utc_now(),
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
    digests = {path.stem: hashlib.sha256(path.read_bytes()).hexdigest() for path in LISTS_DIR.glob("*.yaml")}
    if all(lid in latest and latest[lid].sha256 == digest for lid, digest in digests.items()):
        return []  # nothing new: the files are not even parsed (this runs at every command's start)
    added = []
    for shipped in shipped_lists():
        path = LISTS_DIR / f"{shipped.id}.yaml"
        digest = digests[shipped.id]
        current = latest.get(shipped.id)
        if current is None or current.sha256 != digest:
            try:
                with conn.begin_nested():
                    version = store_list_version(
                        conn,
                        shipped,
                        origin="shipped",
                        format=SHIPPED_FORMAT,
                        file_name=path.name,
                        sha256=digest,
                    )
            except IntegrityError:
                continue  # another process (the API, a second CLI) recorded the same version just now
            added.append(version)
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
    path: Path, format: str, list_id: str, previous: ScreeningList | None, as_of: date | None = None
) -> tuple[ScreeningList, str]:
    """Parse a published file (no database writes) and return the list and the sha256 of its bytes.

    For OFAC, alt.csv and add.csv beside sdn.csv are read too (and hashed with it). For FollowTheMoney, a
    delta file is applied to `previous`.
    """
    if format == "ofac-csv" and path.is_dir():
        path = path / "sdn.csv"  # a folder holding sdn.csv, alt.csv and add.csv
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
    return _dated(parsed, path, as_of), digest.hexdigest()


def _dated(parsed: ScreeningList, path: Path, as_of: date | None) -> ScreeningList:
    """Every version says as of when: the date the analyst gave, else the file's own, else (OFAC's CSV
    files carry none) the day the file was last modified."""
    if as_of is not None:
        info = parsed.info.model_copy(update={"as_of": as_of, "as_of_source": "given"})
    elif parsed.info.as_of is None:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()
        info = parsed.info.model_copy(update={"as_of": modified, "as_of_source": "file"})
    else:
        return parsed
    return parsed.model_copy(update={"info": info})


def load_list_file(
    db: Database,
    path: Path,
    format: str,
    list_id: str | None = None,
    loaded_by: str | None = None,
    as_of: date | None = None,
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
    parsed, digest = parse_list_file(path, format, list_id, previous, as_of)
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
