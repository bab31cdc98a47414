"""Inventory uploads: the CLI's importer (same validation, all or nothing); a large file becomes a job."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection

from netvet.api.paging import Paging
from netvet.api.problems import PROBLEM_RESPONSES, Problem, inventory_problem
from netvet.api.routers.jobs import accepted
from netvet.api.schemas import ImportOut, ImportResult, JobAccepted, Page
from netvet.api.security import DB, Analyst, Principal, ReadConnection, Viewer
from netvet.api.uploads import Upload, UploadTooLarge, spool_upload
from netvet.api.worker import JobContext, JobRunner
from netvet.ingest import ImportReport, InventoryFileError, import_inventory
from netvet.storage import Database
from netvet.storage import inventory as store

router = APIRouter(prefix="/organizations/{organization_id}", tags=["imports"], responses=PROBLEM_RESPONSES)


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
    upload: Upload,
    fmt: str | None,
    replace: bool,
    on_progress: Any = None,
) -> ImportResult:
    """Import a stored upload and record it in the audit log (shared by the API and the dashboard)."""

    def audit(conn: Connection, report: ImportReport) -> None:
        who.audit(conn, "inventory.import", upload.name, _result(report).model_dump(mode="json"))

    report = import_inventory(
        db,
        upload.stream,
        fmt,
        who.organization_id,
        on_progress=on_progress,
        imported_by=who.user.username,
        replace=replace,
        before_commit=audit,
    )
    return _result(report)


def submit_upload_import(
    request: Request, db: Database, who: Principal, upload: Upload, fmt: str | None, replace: bool
) -> str:
    """Import the upload in a job; the job owns the upload and closes it (which deletes it) once it has
    finished, after any retry."""

    def work(context: JobContext) -> dict[str, Any]:
        return run_upload_import(db, who, upload, fmt, replace, context.progress).model_dump(mode="json")

    runner: JobRunner = request.app.state.jobs
    return runner.submit(who.organization_id, "import", who.user.username, work, on_done=upload.close)


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
        upload = await spool_upload(file, request.app.state.config.max_upload_bytes)
    except UploadTooLarge as exc:
        raise Problem(413, str(exc), kind="upload-too-large") from None
    if upload.size == 0:
        upload.close()
        raise Problem(422, f"{upload.name}: the file is empty", kind="invalid-inventory", errors=[])
    if background or upload.size > request.app.state.config.import_job_bytes:
        job_id = submit_upload_import(request, db, who, upload, format, replace)
        return accepted(request, db, organization_id, job_id)
    try:
        # In a worker thread: the import is blocking work and must not stall the event loop.
        return await run_in_threadpool(run_upload_import, db, who, upload, format, replace)
    except InventoryFileError as exc:
        raise inventory_problem(exc) from None
    finally:
        upload.close()


@router.get("/imports", response_model=Page[ImportOut])
def list_imports(organization_id: str, who: Viewer, conn: ReadConnection, paging: Paging) -> Page[ImportOut]:
    rows = list(reversed(store.list_imports(conn, organization_id)))
    items = [ImportOut(**row) for row in rows[paging.offset : paging.offset + paging.page_size]]
    return Page(items=items, total=len(rows), page=paging.page, page_size=paging.page_size)
