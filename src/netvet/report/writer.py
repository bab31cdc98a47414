"""The entry points: assess (unless findings are given), gather, and write the report, exports or a form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from netvet.model.findings import Finding
from netvet.report import forms
from netvet.report.context import ReportData, gather
from netvet.report.html import render_html
from netvet.report.methods import Methods, methods_for
from netvet.report.money import ExchangeRate, paper_size, plan_in
from netvet.report.pdf import html_to_pdf
from netvet.storage import Database
from netvet.storage.findings import StoredResult, result_frame
from netvet.storage.policy import what_if_scenario

if TYPE_CHECKING:
    from netvet.planning.plan import Plan
    from netvet.policy import Assessment

REPORT_FORMATS = ("html", "pdf")
FORMS = ("us-covered", "uk-dvd")


def assessment_notes(assessment: Assessment) -> list[str]:
    """What a reader must know about the assessment behind the findings."""
    notes: list[str] = []
    if assessment.pending_review:
        names = ", ".join(sorted(assessment.pending_review)[:5])
        notes.append(
            f"{len(assessment.pending_review)} vendor name(s) still await a screening decision "
            f"({names}{', ...' if len(assessment.pending_review) > 5 else ''}); "
            "the rules do not act on them until confirmed."
        )
    if assessment.assets_outside:
        notes.append(
            f"{assessment.assets_outside:,} assets sit in countries none of the selected rule packs covers."
        )
    return notes


def load_report_data(
    db: Database,
    organization_id: str = "default",
    jurisdictions: Sequence[str] | None = None,
    at: date | None = None,
    *,
    findings: Sequence[Finding] | pl.DataFrame | None = None,
    assessment: Assessment | None = None,
    methods: Methods | None = None,
    plan: Plan | None = None,
    extra_policies: Sequence[Path | str] = (),
    layout: ReportLayout | None = None,
) -> ReportData:
    """The report's data: from `findings`, from an `assessment` already run, or (neither given) from
    running the policy engine's assessment on the stored inventory. `layout`: paper and currency."""
    at = at or date.today()
    notes: list[str] = []
    if findings is None:
        if assessment is None:
            from netvet.storage.policy import run_assessment

            assessment = run_assessment(db, organization_id, jurisdictions, at, extra_policies)
        findings = assessment.frame
        if methods is None:
            methods = methods_for(jurisdictions or (), assessment.rules_skipped, extra_policies, db)
        notes = assessment_notes(assessment)
    layout = layout or ReportLayout()
    plan = plan_in(plan, layout.exchange) if plan is not None else None
    data = gather(db, organization_id, findings, at, tuple(jurisdictions or ()), methods, plan)
    data.notes.extend(notes)
    data.what_if = what_if_scenario(extra_policies, False)
    data.paper, data.exchange = layout.paper, layout.exchange
    return data


def stored_assessment_data(
    db: Database,
    organization_id: str,
    result: StoredResult,
    jurisdiction: str | None = None,
    layout: ReportLayout | None = None,
    plan: Plan | None = None,
) -> ReportData:
    """What the report of a stored assessment shows (optionally one jurisdiction's, with a plan drawn in
    it): the dashboard, the API, `netvet report --assessment` and the exports all read it so, with no new
    assessment run."""
    with db.connect() as conn:
        frame = result_frame(conn, result, jurisdiction)
    jurisdictions = [jurisdiction] if jurisdiction else list(result.jurisdictions)
    methods = methods_for(rules_skipped=result.summary.get("rules_skipped", {}), db=db)
    # The shipped packs the assessment used; a what-if's own pack is named by its label.
    methods.packs = [pack for pack in methods.packs if pack.jurisdiction in jurisdictions]
    data = load_report_data(
        db,
        organization_id,
        jurisdictions,
        result.at,
        findings=frame,
        methods=methods,
        layout=layout,
        plan=plan,
    )
    data.what_if = result.scenario
    return data


@dataclass(frozen=True)
class ReportLayout:
    """How the report is laid out for its reader: the paper it prints on and the currency of its costs."""

    paper: str = "A4"
    exchange: ExchangeRate | None = None

    @classmethod
    def parse(
        cls,
        paper: str = "a4",
        currency: str | None = None,
        rate: float | None = None,
        on: date | None = None,
        base: str | None = None,
        source: str | None = None,
    ) -> ReportLayout:
        """From the options a user gives (`base`: the plan's currency, else the cost catalogue's).
        Raises ValueError naming what is wrong."""
        exchange = None
        if currency is not None:
            if base is None:
                from netvet.data import cost_catalogue

                base = cost_catalogue().currency
            exchange = ExchangeRate.parse(currency, rate, on, base, source)
        elif rate is not None or on is not None:
            raise ValueError("an exchange rate needs the currency it converts to (--currency)")
        return cls(paper_size(paper), exchange)


def write_html(data: ReportData, out_path: Path) -> Path:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_html(data), encoding="utf-8")
    return out_path


def write_report(
    db: Database,
    organization_id: str = "default",
    out_path: Path | str = "report.html",
    jurisdictions: Sequence[str] | None = None,
    at: date | None = None,
    *,
    format: str = "html",
    findings: Sequence[Finding] | pl.DataFrame | None = None,
    assessment: Assessment | None = None,
    methods: Methods | None = None,
    plan: Plan | None = None,
    extra_policies: Sequence[Path | str] = (),
) -> Path:
    """Write the self-contained HTML report (or its PDF) and return the path written."""
    if format not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {format!r}; choose one of {', '.join(REPORT_FORMATS)}")
    out_path = Path(out_path)
    data = load_report_data(
        db,
        organization_id,
        jurisdictions,
        at,
        findings=findings,
        assessment=assessment,
        methods=methods,
        plan=plan,
        extra_policies=extra_policies,
    )
    if format == "html":
        return write_html(data, out_path)
    html_path = out_path.with_suffix(".html")
    write_html(data, html_path)
    return html_to_pdf(html_path, out_path)


def write_form(db: Database, data: ReportData, form: str, out_path: Path) -> int:
    """Write a regulator's form as CSV; returns the number of rows. A what-if's rows say so (a last
    column `what_if`): such a form is no filing."""
    if form == "us-covered":
        rows: Iterable[dict[str, Any]] = forms.us_covered_rows(db, data)
        fields = forms.US_COVERED_FIELDS
    elif form == "uk-dvd":
        rows, fields = forms.uk_dvd_rows(data), forms.UK_DVD_FIELDS
    else:
        raise ValueError(f"unknown form {form!r}; choose one of {', '.join(FORMS)}")
    if data.what_if is not None:
        rows = ({**row, "what_if": data.what_if} for row in rows)
        fields = (*fields, forms.WHAT_IF_FIELD)
    return forms.write_csv(rows, fields, out_path)
