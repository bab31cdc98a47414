"""Status of long work: a job is created by the endpoint that starts it and read here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from netvet.api.problems import PROBLEM_RESPONSES, not_found
from netvet.api.schemas import JobAccepted, JobOut
from netvet.api.security import ReadConnection, Viewer
from netvet.storage import Database, access

router = APIRouter(prefix="/organizations/{organization_id}", tags=["jobs"], responses=PROBLEM_RESPONSES)


def job_out(row: dict[str, Any]) -> JobOut:
    return JobOut(**{k: v for k, v in row.items() if k != "organization_id"})


def accepted(request: Request, db: Database, organization_id: str, job_id: str) -> JSONResponse:
    """202 Accepted with the job and where to poll it."""
    with db.connect() as conn:
        row = access.get_job(conn, job_id, organization_id)
    assert row is not None
    url = str(request.url_for("get_job", organization_id=organization_id, job_id=job_id).path)
    body = JobAccepted(job=job_out(row), status_url=url)
    return JSONResponse(body.model_dump(mode="json"), status_code=202, headers={"Location": url})


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(organization_id: str, request: Request, who: Viewer, conn: ReadConnection) -> list[JobOut]:
    runner = request.app.state.jobs
    return [job_out(runner.live(row)) for row in access.list_jobs(conn, organization_id)]


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(organization_id: str, job_id: str, request: Request, who: Viewer, conn: ReadConnection) -> JobOut:
    row = access.get_job(conn, job_id, organization_id)
    if row is None:
        raise not_found(f"job {job_id!r}")
    return job_out(request.app.state.jobs.live(row))
