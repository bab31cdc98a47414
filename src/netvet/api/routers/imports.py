"""Inventory uploads: the CLI's importer (same validation, all or nothing); a large file becomes a job."""

from __future__ import annotations

import re
import secrets
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy import Connection

from netvet.api.config import AppConfig
from netvet.api.paging import Paging
from netvet.api.problems import PROBLEM_RESPONSES, Problem, inventory_problem, not_found
from netvet.api.routers.jobs import accepted
from netvet.api.schemas import ImportOut, ImportResult, JobAccepted, Page
from netvet.api.security import DB, Analyst, Principal, ReadConnection, Viewer
from netvet.api.uploads import Upload, UploadTooLarge, spool_upload
from netvet.api.worker import JobContext, JobRunner
from netvet.ingest import ImportReport, InventoryFileError, import_inventory
from netvet.ingest.importer import REPLACE_MAX_REMOVED_SHARE
from netvet.settings import get_settings
from netvet.storage import Database
from netvet.storage import inventory as store

router = APIRouter(prefix="/organizations/{organization_id}", tags=["imports"], responses=PROBLEM_RESPONSES)


REJECTS_NAME = re.compile(r"^[0-9a-f]{32}\.csv$")


def rejects_folder(organization_id: str) -> Path:
    """Where an organisation's rejected rows wait for download (one file per import, named at random)."""
    return get_settings().output_dir / "rejects" / organization_id


def rejects_file(organization_id: str, name: str) -> Path | None:
    """A rejects file of the organisation, or None (never a path outside its folder)."""
    path = rejects_folder(organization_id) / name
    return path if REJECTS_NAME.match(name) and path.is_file() else None


def _result(report: ImportReport, rejects_url: str | None = None) -> ImportResult:
    return ImportResult(
        import_id=report.import_id,
        file_name=report.file_name,
        sha256=report.sha256,
        format=report.format,
        rows_added=report.rows_added,
        rows_updated=report.rows_updated,
        rows_unchanged=report.rows_unchanged,
        rows_removed=report.rows_removed,
        rows_rejected=report.rows_rejected,
        rejects=rejects_url if report.rejects_path is not None else None,
    )


def run_upload_import(
    db: Database,
    who: Principal,
    upload: Upload,
    fmt: str | None,
    replace: bool,
    on_progress: Any = None,
    skip_invalid: bool = False,
    force: bool = False,
) -> ImportResult:
    """Import a stored upload and record it in the audit log (shared by the API and the dashboard).
    With `skip_invalid` the valid rows are stored and the rejected ones kept for download."""
    rejects: Path | None = None
    if skip_invalid:
        rejects = rejects_folder(who.organization_id) / f"{secrets.token_hex(16)}.csv"
        rejects.parent.mkdir(parents=True, exist_ok=True)
    url = f"/api/v1/organizations/{who.organization_id}/imports/rejects/{rejects.name}" if rejects else None

    def audit(conn: Connection, report: ImportReport) -> None:
        who.audit(conn, "inventory.import", upload.name, _result(report, url).model_dump(mode="json"))

    report = import_inventory(
        db,
        upload.stream,
        fmt,
        who.organization_id,
        skip_invalid=skip_invalid,
        rejects_path=rejects,
        on_progress=on_progress,
        imported_by=who.user.username,
        replace=replace,
        before_commit=audit,
        force=force,
    )
    return _result(report, url)


def too_big_for_a_request(request: Request, upload: Upload) -> bool:
    """More than a request should spend seconds on: the import becomes a job."""
    config: AppConfig = request.app.state.config
    return upload.size > config.import_job_bytes or upload.estimated_rows() > config.import_job_rows


def submit_upload_import(
    request: Request,
    db: Database,
    who: Principal,
    upload: Upload,
    fmt: str | None,
    replace: bool,
    skip_invalid: bool = False,
    force: bool = False,
) -> str:
    """Import the upload in a job; the job owns the upload and closes it (which deletes it) once it has
    finished, after any retry."""

    def work(context: JobContext) -> dict[str, Any]:
        result = run_upload_import(
            db, who, upload, fmt, replace, context.progress, skip_invalid=skip_invalid, force=force
        )
        return result.model_dump(mode="json")

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
        bool,
        Query(
            description="The file is a full snapshot: remove assets it omits (refused when that is more "
            f"than {REPLACE_MAX_REMOVED_SHARE:.0%} of the stored assets, unless `force`)."
        ),
    ] = False,
    force: Annotated[
        bool, Query(description="With `replace`: remove the omitted assets however many they are.")
    ] = False,
    background: Annotated[bool, Query(description="Run as a job even when the file is small.")] = False,
    skip_invalid: Annotated[
        bool,
        Query(
            description="Store the valid rows; keep the rejected ones, with reasons, for download (`rejects`)."
        ),
    ] = False,
) -> Any:
    try:
        upload = await spool_upload(file, request.app.state.config.max_upload_bytes)
    except UploadTooLarge as exc:
        raise Problem(413, str(exc), kind="upload-too-large") from None
    if upload.size == 0:
        upload.close()
        raise Problem(422, f"{upload.name}: the file is empty", kind="invalid-inventory", errors=[])
    if background or too_big_for_a_request(request, upload):
        job_id = submit_upload_import(
            request, db, who, upload, format, replace, skip_invalid=skip_invalid, force=force
        )
        return accepted(request, db, organization_id, job_id)
    try:
        # In a worker thread: the import is blocking work and must not stall the event loop.
        return await run_in_threadpool(
            partial(run_upload_import, skip_invalid=skip_invalid, force=force),
            db,
            who,
            upload,
            format,
            replace,
        )
    except InventoryFileError as exc:
        raise inventory_problem(exc) from None
    finally:
        upload.close()


@router.get(
    "/imports/rejects/{name}",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The rejected rows with their reasons"}},
)
def download_rejects(organization_id: str, name: str, who: Viewer) -> FileResponse:
    """The rows an import with skip_invalid rejected, each with its reasons (CSV)."""
    path = rejects_file(organization_id, name)
    if path is None:
        raise not_found(f"rejected rows {name!r}")
    return FileResponse(path, media_type="text/csv", filename=f"rejected-rows-{name}")


@router.get("/imports", response_model=Page[ImportOut])
def list_imports(organization_id: str, who: Viewer, conn: ReadConnection, paging: Paging) -> Page[ImportOut]:
    rows = list(reversed(store.list_imports(conn, organization_id)))
    items = [ImportOut(**row) for row in rows[paging.offset : paging.offset + paging.page_size]]
    return Page(items=items, total=len(rows), page=paging.page, page_size=paging.page_size)
