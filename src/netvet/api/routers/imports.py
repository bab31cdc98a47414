"""Inventory uploads: the CLI's importer (same validation, all or nothing); a large file becomes a job."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from netvet.api.paging import Paging
from netvet.api.problems import PROBLEM_RESPONSES, Problem, inventory_problem
from netvet.api.routers.jobs import accepted
from netvet.api.schemas import ImportOut, ImportResult, JobAccepted, Page
from netvet.api.security import DB, Analyst, Principal, ReadConnection, Viewer
from netvet.api.worker import JobContext, database_locked
from netvet.ingest import ImportReport, InventoryFileError, import_inventory
from netvet.storage import Database
from netvet.storage import inventory as store

router = APIRouter(prefix="/organizations/{organization_id}", tags=["imports"], responses=PROBLEM_RESPONSES)
COPY_CHUNK = 1 << 20


def _result(report: ImportReport) -> ImportResult:
    return ImportResult(
        import_id=report.import_id,
        file_name=report.file_name,
        sha256=report.sha256,
        format=report.format,
        rows_added=report.rows_added,
        rows_updated=report.rows_updated,
        rows_unchanged=report.rows_unchanged,
        rows_removed=report.rows_removed,
    )


def run_upload_import(
    db: Database,
    who: Principal,
    path: Path,
    fmt: str | None,
    replace: bool,
    on_progress: Any = None,
) -> ImportResult:
    """Import a stored upload and record it in the audit log (shared by the API and the dashboard)."""

    def audit(conn: Connection, report: ImportReport) -> None:
        who.audit(conn, "inventory.import", path.name, _result(report).model_dump(mode="json"))

    report = import_inventory(
        db,
        path,
        fmt,
        who.organization_id,
        on_progress=on_progress,
        imported_by=who.user.username,
        replace=replace,
        before_commit=audit,
    )
    return _result(report)


def upload_import_job(
    db: Database, who: Principal, path: Path, fmt: str | None, replace: bool
) -> Callable[[JobContext], dict[str, Any]]:
    """The job that imports a stored upload, then deletes it, except after a locked database, which the
    worker retries with the upload still there."""

    def work(context: JobContext) -> dict[str, Any]:
        try:
            result = run_upload_import(db, who, path, fmt, replace, context.progress)
        except OperationalError as exc:
            if not database_locked(exc):
                shutil.rmtree(path.parent, ignore_errors=True)
            raise
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        shutil.rmtree(path.parent, ignore_errors=True)
        return result.model_dump(mode="json")

    return work


class UploadTooLarge(ValueError):
    pass


async def save_upload(upload: UploadFile, max_bytes: int) -> tuple[Path, int]:
    """Copy the upload to a private temporary directory under its own (sanitised) file name; refuse one
    larger than `max_bytes` (nothing is kept)."""
    name = Path(upload.filename or "").name
    if name in ("", ".", ".."):
        name = "upload.csv"
    folder = Path(tempfile.mkdtemp(prefix="netvet-upload-"))
    path = folder / name
    size = 0
    with path.open("wb") as fh:
        while chunk := await upload.read(COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                break
            fh.write(chunk)
    if size > max_bytes:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadTooLarge(f"{name}: larger than the {max_bytes:,} bytes an upload may have")
    return path, size


@router.post(
    "/imports",
    status_code=201,
    response_model=ImportResult,
    responses={202: {"model": JobAccepted, "description": "Large file: imported by a job"}},
)
async def create_import(
    organization_id: str,
    request: Request,
    who: Analyst,
    db: DB,
    file: Annotated[UploadFile, File(description="Inventory file: CSV, JSON, JSON lines or XLSX.")],
    format: Annotated[
        Literal["csv", "json", "xlsx"] | None, Query(description="Default: from the name.")
    ] = None,
    replace: Annotated[
        bool, Query(description="The file is a full snapshot: remove assets it omits.")
    ] = False,
    background: Annotated[bool, Query(description="Run as a job even when the file is small.")] = False,
) -> Any:
    try:
        path, size = await save_upload(file, request.app.state.config.max_upload_bytes)
    except UploadTooLarge as exc:
        raise Problem(413, str(exc), kind="upload-too-large") from None
    if size == 0:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise Problem(422, f"{path.name}: the file is empty", kind="invalid-inventory", errors=[])
    if background or size > request.app.state.config.import_job_bytes:
        work = upload_import_job(db, who, path, format, replace)
        job_id = request.app.state.jobs.submit(organization_id, "import", who.user.username, work)
        return accepted(request, db, organization_id, job_id)
    try:
        # In a worker thread: the import is blocking work and must not stall the event loop.
        return await run_in_threadpool(run_upload_import, db, who, path, format, replace)
    except InventoryFileError as exc:
        raise inventory_problem(exc) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


@router.get("/imports", response_model=Page[ImportOut])
def list_imports(organization_id: str, who: Viewer, conn: ReadConnection, paging: Paging) -> Page[ImportOut]:
    rows = list(reversed(store.list_imports(conn, organization_id)))
    items = [ImportOut(**row) for row in rows[paging.offset : paging.offset + paging.page_size]]
    return Page(items=items, total=len(rows), page=paging.page, page_size=paging.page_size)
