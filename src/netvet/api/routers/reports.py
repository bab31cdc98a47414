"""The report of a stored assessment, as a self-contained HTML file (or its PDF), for download."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
from fastapi import APIRouter, Query
from fastapi.responses import Response

from netvet.api.problems import PROBLEM_RESPONSES, Problem
from netvet.api.routers.planning import stored_plan
from netvet.api.routers.policy import AssessmentChoice, Jurisdiction, StatusName, chosen_result, pack_code
from netvet.api.security import DB, Viewer
from netvet.planning.plan import Plan
from netvet.report.context import ReportData
from netvet.report.exports import write_export
from netvet.report.html import render_html
from netvet.report.pdf import PdfError, html_to_pdf
from netvet.report.writer import ReportLayout, stored_assessment_data
from netvet.storage import Database

router = APIRouter(prefix="/organizations/{organization_id}", tags=["reports"], responses=PROBLEM_RESPONSES)
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
AssessmentDay = Annotated[date | None, Query(alias="date", description="Default: the latest assessment.")]


def report_html(
    db: Database,
    organization_id: str,
    at: date | None,
    jurisdiction: str | None,
    assessment: int | None = None,
    layout: ReportLayout | None = None,
    plan: Plan | None = None,
) -> tuple[str, str]:
    """The report of a stored assessment (by id, else the latest for the date and jurisdiction), with a
    plan drawn in it when given, and a file stem."""
    data, stem = stored_report_data(db, organization_id, at, jurisdiction, assessment, layout, plan)
    return render_html(data), stem


def stored_report_data(
    db: Database,
    organization_id: str,
    at: date | None,
    jurisdiction: str | None,
    assessment: int | None = None,
    layout: ReportLayout | None = None,
    plan: Plan | None = None,
) -> tuple[ReportData, str]:
    """What the report of a stored assessment shows (the dashboard, the report and the exports read the
    same), and a file stem naming it."""
    with db.connect() as conn:
        result = chosen_result(conn, organization_id, assessment, at, jurisdiction)
    data = stored_assessment_data(db, organization_id, result, jurisdiction, layout, plan)
    stem = f"netvet-report-{organization_id}-{result.at}" + (f"-{jurisdiction}" if jurisdiction else "")
    if result.what_if:
        stem += f"-what-if-{result.id}"
    return data, stem


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}, "description": "The report file"}},
)
def download_report(
    organization_id: str,
    who: Viewer,
    db: DB,
    at: AssessmentDay = None,
    jurisdiction: Annotated[Jurisdiction | None, Query()] = None,
    format: Literal["html", "pdf"] = "html",
    assessment: AssessmentChoice = None,
    paper: Annotated[Literal["a4", "letter"], Query(description="The page size the PDF prints on.")] = "a4",
    currency: Annotated[
        str | None, Query(pattern="^[A-Za-z]{3}$", description="Costs in this currency (ISO 4217).")
    ] = None,
    exchange_rate: Annotated[
        float | None, Query(gt=0, description="Units of `currency` per unit of the plan's currency.")
    ] = None,
    rate_date: Annotated[date | None, Query(description="The day of the exchange rate.")] = None,
    plan: Annotated[
        str | None,
        Query(max_length=64, description="A plan (its job id, GET /plans) drawn in the report."),
    ] = None,
) -> Response:
    """The report of a stored assessment, by default the latest (no new assessment is run); with a plan,
    its costs in `currency` at `exchange_rate` of `rate_date`."""
    code = pack_code(str(jurisdiction)) if jurisdiction else None
    if currency is not None and plan is None:
        raise Problem(
            422,
            "a currency converts a plan's costs: name the plan (plan=JOB_ID)",
            kind="invalid-report-layout",
        )
    with db.connect() as conn:
        drawn = stored_plan(conn, organization_id, plan) if plan else None
    try:
        layout = ReportLayout.parse(
            paper, currency, exchange_rate, rate_date, drawn.currency if drawn else None
        )
    except ValueError as exc:
        raise Problem(422, str(exc), kind="invalid-report-layout") from None
    html, stem = report_html(db, organization_id, at, code, assessment, layout, drawn)
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


EXPORT_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@router.get(
    "/findings/export",
    response_class=Response,
    responses={200: {"content": {m: {} for m in EXPORT_MEDIA_TYPES.values()}, "description": "The findings"}},
)
def export_findings(
    organization_id: str,
    who: Viewer,
    db: DB,
    format: Literal["csv", "xlsx", "json"] = "csv",
    assessment: AssessmentChoice = None,
    at: AssessmentDay = None,
    jurisdiction: Annotated[Jurisdiction | None, Query()] = None,
    status: StatusName | None = None,
    vendor: Annotated[
        str | None,
        Query(max_length=200, description="A canonical vendor (every spelling) or a name as written."),
    ] = None,
) -> Response:
    """Every finding of a stored assessment (as `netvet export` writes them: the canonical vendor beside
    the name as written), optionally one jurisdiction's, status's or vendor's."""
    code = pack_code(str(jurisdiction)) if jurisdiction else None
    data, stem = stored_report_data(db, organization_id, at, code, assessment)
    if status is not None:
        data.findings = data.findings.filter(pl.col("status") == status)
    if vendor is not None:
        wanted = vendor.lower()
        data.findings = data.findings.filter(
            (pl.col("vendor_canonical").str.to_lowercase() == wanted)
            | (pl.col("vendor").str.to_lowercase() == wanted)
        )
    with tempfile.TemporaryDirectory(prefix="netvet-export-") as folder:
        body = write_export(data, format, Path(folder) / f"findings.{format}").read_bytes()
    disposition = f'attachment; filename="{stem.replace("report", "findings")}.{format}"'
    return Response(body, media_type=EXPORT_MEDIA_TYPES[format], headers={"Content-Disposition": disposition})
