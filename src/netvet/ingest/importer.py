"""Import an inventory file into the database: every row validated, all or nothing."""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from netvet.ingest.columns import REQUIRED_COLUMNS
from netvet.ingest.errors import InventoryFileError, RowError
from netvet.ingest.mapping import ColumnMapping, MappingChoice, MappingPlan
from netvet.ingest.readers import InventorySource, InventoryStream, RawRow, open_inventory
from netvet.ingest.rows import SITE_FIELDS, RowValidator, ValidRow
from netvet.spreadsheets import csv_value
from netvet.storage import Database
from netvet.storage import inventory as store
from netvet.storage.tables import sites

BATCH_ROWS = 5000
PROGRESS_ROWS = 500
MAX_REPORTED_ERRORS = 1000
# A snapshot (--replace) that would remove more than this share of the stored assets is refused unless
# forced: a truncated or partial file (a sheet cut short, the wrong export) must not empty the inventory.
REPLACE_MAX_REMOVED_SHARE = 0.10
ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    format: str
    organization_id: str = store.DEFAULT_ORGANIZATION
    rows_added: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    rows_removed: int = 0
    import_id: int | None = None
    rejects_path: Path | None = None
    errors: list[RowError] = field(default_factory=list)
    rows_valid: int = 0  # rows that passed every check (what a dry run would import)
    mapping: ColumnMapping | None = None  # how the file was read
    plan: MappingPlan | None = None  # which field fed which column, and the fields ignored
    problems: list[str] = field(default_factory=list)  # what stops the file as a whole (a dry run's)

    @property
    def rows_read(self) -> int:
        return self.rows_added + self.rows_updated + self.rows_unchanged + self.rows_rejected


def file_sha256(source: Path | InventoryStream) -> str:
    digest = hashlib.sha256()
    if isinstance(source, InventoryStream):
        start = source.file.tell()  # restored: a reader may already be reading the file
        source.file.seek(0)
        for block in iter(lambda: source.file.read(1 << 20), b""):
            digest.update(block)
        source.file.seek(start)
        return digest.hexdigest()
    with source.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _SiteRegistry:
    """Sites seen in this file: the first value given for each field wins; a different one is an error."""

    def __init__(self) -> None:
        self._sites: dict[str, dict[str, Any]] = {}
        self._origin: dict[tuple[str, str], int] = {}

    def merge(self, valid: ValidRow) -> list[RowError] | bool:
        """Merge the row's site fields; True when the site is new or gained a field."""
        site_id = valid.asset["site_id"]
        known = self._sites.get(site_id)
        if known is None:
            self._sites[site_id] = dict(valid.site)
            for key, value in valid.site.items():
                if value is not None:
                    self._origin[(site_id, key)] = valid.row
            return True
        errors: list[RowError] = []
        filled: dict[str, Any] = {}
        # Every field is checked before any is applied: a rejected row must leave the site untouched.
        for key, value in valid.site.items():
            if value is None:
                continue
            if known[key] is None:
                filled[key] = value
            elif known[key] != value:
                column = "site_" + key if key in ("name", "kind") else key
                first = self._origin[(site_id, key)]
                errors.append(
                    RowError(
                        valid.row,
                        column,
                        f"differs from {known[key]!r} given for site {site_id} in row {first}",
                        str(value),
                    )
                )
        if errors:
            return errors
        for key, value in filled.items():
            known[key] = value
            self._origin[(site_id, key)] = valid.row
        changed = bool(filled)
        return errors or changed

    def rows(self, organization_id: str, site_ids: set[str]) -> list[dict[str, Any]]:
        return [{"organization_id": organization_id, "id": s, **self._sites[s]} for s in sorted(site_ids)]


class _Batch:
    def __init__(self) -> None:
        self.rows: list[ValidRow] = []
        self.site_ids: set[str] = set()


def import_inventory(
    db: Database,
    path: Path | InventoryStream,
    fmt: str | None = None,
    organization_id: str = store.DEFAULT_ORGANIZATION,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    on_progress: ProgressCallback | None = None,
    imported_by: str | None = None,
    replace: bool = False,
    before_commit: Callable[[Connection, ImportReport], None] | None = None,
    mapping: MappingChoice | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> ImportReport:
    """Import `path` (a file, or an upload held open). Raises InventoryFileError (and stores nothing)
    when the file or any row is invalid, unless `skip_invalid`, which stores the valid rows and writes
    the rejected ones to `rejects_path`.

    `mapping` says which field holds which column (default: a shipped preset whose `detect` fields the
    file has, such as NetBox's exports, else netvet's own columns). With `dry_run` every row is read and
    checked but nothing is written, and the report says what the import would do (`rows_valid`).
    With `replace` the file is a full snapshot: the organisation's assets and sites that it does not
    mention are removed, unless they are more than REPLACE_MAX_REMOVED_SHARE of the stored assets and
    the import is not `force`d (then nothing is imported). `before_commit` runs inside the import's transaction once the rows are written
    (the callers audit the import there, so an import and its audit entry stand or fall together).
    `on_progress(rows_read, rows_expected)` is called as rows are read."""
    if replace and skip_invalid:
        # A snapshot with rejected rows is incomplete: replacing with it would delete the assets whose
        # rows were rejected.
        raise InventoryFileError(path.name, "--replace and --skip-invalid cannot be combined")
    if skip_invalid and rejects_path is None and isinstance(path, InventoryStream) and not dry_run:
        raise ValueError("an upload imported with skip_invalid needs a rejects_path")
    started = datetime.now(UTC)
    source = open_inventory(path, fmt)
    report = ImportReport(path.name, file_sha256(path), source.format, organization_id)
    try:
        rows = _with_mapping(source, mapping, report, dry_run)
        if dry_run:
            if not report.problems:
                _check_rows(rows, source, report, None, on_progress)
            return report
        with db.begin() as conn:
            store.ensure_organization(conn, organization_id)
            stored_before = store.count_assets(conn, organization_id) if replace else 0
            seen_ids, rejected = _check_rows(
                rows, source, report, _Writer(conn, organization_id, skip_invalid), on_progress
            )
            if replace:
                doomed = store.assets_not_in(conn, organization_id, seen_ids)
                if not force:
                    _check_removal(path.name, len(doomed), stored_before)
                report.rows_removed = store.remove_assets(conn, organization_id, doomed)
            if skip_invalid and rejected:
                report.rejects_path = rejects_path or _default_rejects_path(path)
                _write_rejects(report.rejects_path, rejected)
            report.import_id = store.record_import(
                conn,
                organization_id=organization_id,
                file_name=path.name,
                sha256=report.sha256,
                format=source.format,
                started_at=started,
                finished_at=datetime.now(UTC),
                rows_added=report.rows_added,
                rows_updated=report.rows_updated,
                rows_unchanged=report.rows_unchanged,
                rows_rejected=report.rows_rejected,
                imported_by=imported_by,
            )
            if before_commit is not None:
                before_commit(conn, report)
    finally:
        source.close()
    return report


def _with_mapping(
    source: InventorySource, choice: MappingChoice | None, report: ImportReport, dry_run: bool = False
) -> Iterator[tuple[RawRow, RowValidator]]:
    """The file's rows, each with the validator that reads it through the mapping (given, detected from
    the headers or the first record, or netvet's own columns). A header row is checked once, here."""
    rows = iter(source.rows)
    first = next(rows, None)
    mapping = (choice or MappingChoice()).resolve(source.headers, first.values if first else None)
    report.mapping = mapping
    validator = RowValidator(mapping, source.headers)
    if source.headers is not None:
        report.plan = mapping.plan(source.headers)
        report.problems = report.plan.errors(REQUIRED_COLUMNS)
        if report.problems and not dry_run:
            raise InventoryFileError(source.name, "; ".join(report.problems))
    elif first is not None:
        report.plan = mapping.plan(k for k in first.values if not k.startswith("__"))
    return ((raw, validator) for raw in itertools.chain([first] if first is not None else [], rows))


class _Writer:
    """Writes checked rows in batches inside the import's transaction."""

    def __init__(self, conn: Connection, organization_id: str, skip_invalid: bool) -> None:
        self.conn, self.organization_id, self.skip_invalid = conn, organization_id, skip_invalid
        self.batch = _Batch()

    def add(self, valid: ValidRow, new_site: bool, registry: _SiteRegistry, report: ImportReport) -> None:
        if new_site:
            self.batch.site_ids.add(valid.asset["site_id"])
        self.batch.rows.append(valid)
        if len(self.batch.rows) >= BATCH_ROWS:
            self.flush(registry, report)

    def flush(self, registry: _SiteRegistry, report: ImportReport) -> None:
        # Once a row is rejected (and rows are not skipped) nothing more is written: the import fails.
        if report.rows_rejected == 0 or self.skip_invalid:
            _write_batch(self.conn, self.organization_id, self.batch, registry, report)
        self.batch = _Batch()


def _check_rows(
    rows: Iterator[tuple[RawRow, RowValidator]],
    source: InventorySource,
    report: ImportReport,
    writer: _Writer | None,
    on_progress: ProgressCallback | None,
) -> tuple[list[str], list[tuple[RawRow, list[RowError]]]]:
    """Validate every row (and write the valid ones through `writer`); return the asset ids seen and the
    rejected rows. Raises InventoryFileError when rows were rejected and are not to be skipped."""
    registry = _SiteRegistry()
    seen_ids: dict[str, int] = {}
    rejected: list[tuple[RawRow, list[RowError]]] = []
    read = 0

    def reject(raw: RawRow, errors: list[RowError]) -> None:
        report.rows_rejected += 1
        if len(report.errors) < MAX_REPORTED_ERRORS:
            report.errors.extend(errors[: MAX_REPORTED_ERRORS - len(report.errors)])
        if writer is not None and writer.skip_invalid:
            rejected.append((raw, errors))

    for raw, validator in rows:
        read += 1
        if on_progress and read % PROGRESS_ROWS == 0:
            on_progress(read, max(read, source.rows_expected or 0))
        result = validator.validate(raw.number, raw.values)
        if isinstance(result, list):
            reject(raw, result)
            continue
        asset_id = result.asset["id"]
        if asset_id in seen_ids:
            message = f"repeats the asset id of row {seen_ids[asset_id]}"
            reject(raw, [RowError(raw.number, "asset_id", message, asset_id)])
            continue
        merged = registry.merge(result)
        if isinstance(merged, list):
            reject(raw, merged)
            continue
        seen_ids[asset_id] = raw.number
        report.rows_valid += 1
        if writer is not None:
            writer.add(result, merged, registry, report)
    if on_progress:
        on_progress(read, read)
    if read == 0:
        raise InventoryFileError(source.name, "the file holds no asset rows")
    skipping = writer is not None and writer.skip_invalid
    if report.rows_rejected and not skipping and writer is not None:
        raise InventoryFileError(
            source.name,
            f"{report.rows_rejected} invalid row(s); nothing was imported",
            tuple(report.errors),
        )
    if writer is not None:
        writer.flush(registry, report)
    return list(seen_ids), rejected


def _default_rejects_path(path: Path | InventoryStream) -> Path:
    assert isinstance(path, Path)  # import_inventory asks an upload for its rejects path
    return path.with_name(path.stem + ".rejected.csv")


def _write_batch(
    conn: Any, organization_id: str, batch: _Batch, registry: _SiteRegistry, report: ImportReport
) -> None:
    if not batch.rows:
        return
    # A file that leaves a site's details out (no coordinates column, say) keeps what is stored.
    store.upsert(
        conn,
        sites,
        registry.rows(organization_id, batch.site_ids),
        ("organization_id", "id"),
        keep_stored_when_null=True,
    )
    hashes = store.existing_asset_hashes(conn, organization_id, [r.asset["id"] for r in batch.rows])
    new, changed, components = [], [], {}
    for valid in batch.rows:
        row = {"organization_id": organization_id, **valid.asset, "row_hash": valid.content_hash()}
        previous = hashes.get(row["id"])
        if previous is None:
            new.append(row)
        elif previous != row["row_hash"]:
            changed.append(row)
        else:
            report.rows_unchanged += 1
            continue
        if valid.components or previous is not None:
            components[row["id"]] = valid.components
    store.insert_assets(conn, new)
    store.update_assets(conn, changed)
    store.replace_components(conn, organization_id, components)
    report.rows_added += len(new)
    report.rows_updated += len(changed)


def _check_removal(file_name: str, removed: int, stored: int) -> None:
    if stored and removed / stored > REPLACE_MAX_REMOVED_SHARE:
        raise InventoryFileError(
            file_name,
            f"as a full snapshot it would remove {removed:,} of the {stored:,} stored assets "
            f"({removed / stored:.0%}), more than the {REPLACE_MAX_REMOVED_SHARE:.0%} a snapshot may "
            "remove unless forced; nothing was imported. Check that the file lists the whole "
            "inventory, or force the removal (--force, force=true)",
        )


def _write_rejects(path: Path, rejected: list[tuple[RawRow, list[RowError]]]) -> None:
    columns: list[str] = []
    for raw, _ in rejected:
        columns.extend(k for k in raw.values if k not in columns and not k.startswith("__"))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", *(csv_value(c) for c in columns), "errors"])
        for raw, errors in rejected:
            reasons = "; ".join((f"{e.column}: " if e.column else "") + e.message for e in errors)
            values = (csv_value(raw.values.get(c, "")) for c in columns)
            writer.writerow([raw.number, *values, csv_value(reasons)])


__all__ = ["SITE_FIELDS", "ImportReport", "import_inventory"]
