"""Reports an operator submits to a regulator; the regulator sees them and nothing else of the operator."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from netvet.api.paging import RowId
from netvet.api.problems import PROBLEM_RESPONSES, Problem, not_found
from netvet.api.schemas import SubmissionOut
from netvet.api.security import DB, AnyViewer, Operator, ReadConnection
from netvet.model.inventory import OrganizationKind
from netvet.storage import access
from netvet.storage import inventory as store

router = APIRouter(
    prefix="/organizations/{organization_id}", tags=["submissions"], responses=PROBLEM_RESPONSES
)
MAX_SUBMISSION_BYTES = 50 * 1024 * 1024


@router.post("/submissions", response_model=SubmissionOut, status_code=201)
async def create_submission(
    organization_id: str,
    who: Operator,
    db: DB,
    regulator_id: Annotated[str, Form(min_length=1, max_length=64)],
    title: Annotated[str, Form(min_length=1, max_length=500)],
    file: Annotated[UploadFile, File(description="The report (HTML, PDF, XLSX, JSON, ...).")],
) -> SubmissionOut:
    content = await file.read(MAX_SUBMISSION_BYTES + 1)
    if len(content) > MAX_SUBMISSION_BYTES:
        raise Problem(413, f"a submission may be at most {MAX_SUBMISSION_BYTES // 2**20} MiB")
    if not content:
        raise Problem(422, "the submitted file is empty", kind="invalid-request")
    with db.begin() as conn:
        regulator = store.get_organization(conn, regulator_id)
        if regulator is None or regulator.kind is not OrganizationKind.REGULATOR:
            raise not_found(f"regulator {regulator_id!r}")
        submission_id = access.create_submission(
            conn,
            organization_id=organization_id,
            regulator_id=regulator_id,
            title=title,
            file_name=file.filename or "report",
            media_type=file.content_type or "application/octet-stream",
            content=content,
            submitted_by=who.user.username,
        )
        who.audit(conn, "submission.create", f"submission {submission_id}", {"regulator": regulator_id})
        row = access.get_submission(conn, submission_id, organization_id)
    assert row is not None
    return SubmissionOut(**row)


@router.get("/submissions", response_model=list[SubmissionOut])
def list_submissions(organization_id: str, who: AnyViewer, conn: ReadConnection) -> list[SubmissionOut]:
    """An operator's submissions; for a regulator, the ones operators submitted to it."""
    rows = access.list_submissions(conn, organization_id, regulator=who.user.is_regulator)
    return [SubmissionOut(**row) for row in rows]


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def get_submission(
    organization_id: str, submission_id: RowId, who: AnyViewer, conn: ReadConnection
) -> SubmissionOut:
    row = access.get_submission(conn, submission_id, organization_id)
    if row is None:
        raise not_found(f"submission {submission_id}")
    return SubmissionOut(**row)


@router.get(
    "/submissions/{submission_id}/content",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The submitted file"}},
)
def submission_content(
    organization_id: str, submission_id: RowId, who: AnyViewer, conn: ReadConnection
) -> Response:
    row = access.get_submission(conn, submission_id, organization_id, with_content=True)
    if row is None:
        raise not_found(f"submission {submission_id}")
    safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", row["file_name"]) or "report"
    disposition = f'attachment; filename="{safe_name}"'
    return Response(
        row["content"], media_type=row["media_type"], headers={"Content-Disposition": disposition}
    )
