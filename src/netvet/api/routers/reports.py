"""The report of a stored assessment, as a self-contained HTML file (or its PDF), for download."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from netvet.api.problems import PROBLEM_RESPONSES, Problem
from netvet.api.routers.policy import AssessmentChoice, Jurisdiction, chosen_result, pack_code
from netvet.api.security import DB, Viewer
from netvet.report.html import render_html
from netvet.report.methods import methods_for
from netvet.report.pdf import PdfError, html_to_pdf
from netvet.report.writer import load_report_data
from netvet.storage import Database
from netvet.storage import findings as stored

router = APIRouter(prefix="/organizations/{organization_id}", tags=["reports"], responses=PROBLEM_RESPONSES)
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def report_html(
    db: Database,
    organization_id: str,
    at: date | None,
    jurisdiction: str | None,
    assessment: int | None = None,
) -> tuple[str, str]:
    """The report of a stored assessment (by id, else the latest for the date and jurisdiction) and a
    file stem."""
    with db.connect() as conn:
        result = chosen_result(conn, organization_id, assessment, at, jurisdiction)
        frame = stored.result_frame(conn, result, jurisdiction)
    jurisdictions = [jurisdiction] if jurisdiction else list(result.jurisdictions)
    methods = methods_for(rules_skipped=result.summary.get("rules_skipped", {}), db=db)
    # The shipped packs the assessment used; a what-if's own pack is named by its label.
    methods.packs = [pack for pack in methods.packs if pack.jurisdiction in jurisdictions]
    data = load_report_data(db, organization_id, jurisdictions, result.at, findings=frame, methods=methods)
    data.what_if = result.scenario
    stem = f"netvet-report-{organization_id}-{result.at}" + (f"-{jurisdiction}" if jurisdiction else "")
    if result.what_if:
        stem += f"-what-if-{result.id}"
    return render_html(data), stem


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}, "description": "The report file"}},
)
def download_report(
    organization_id: str,
    who: Viewer,
    db: DB,
    at: Annotated[date | None, Query(alias="date", description="Default: the latest assessment.")] = None,
    jurisdiction: Annotated[Jurisdiction | None, Query()] = None,
    format: Literal["html", "pdf"] = "html",
    assessment: AssessmentChoice = None,
) -> Response:
    """The report of a stored assessment, by default the latest (no new assessment is run)."""
    code = pack_code(str(jurisdiction)) if jurisdiction else None
    html, stem = report_html(db, organization_id, at, code, assessment)
    if format == "html":
        body = html.encode()
    else:
        with tempfile.TemporaryDirectory(prefix="netvet-report-") as folder:
            html_path = Path(folder) / f"{stem}.html"
            html_path.write_text(html, encoding="utf-8")
            try:
                body = html_to_pdf(html_path, Path(folder) / f"{stem}.pdf").read_bytes()
            except PdfError as exc:
                raise Problem(503, str(exc), kind="pdf-unavailable") from None
    disposition = f'attachment; filename="{stem}.{format}"'
    return Response(body, media_type=MEDIA_TYPES[format], headers={"Content-Disposition": disposition})
