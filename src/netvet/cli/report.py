"""Report commands: `netvet report` (HTML or PDF), `netvet export` (CSV/JSON/XLSX), `netvet forms` (regulators' CSV)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from netvet.cli.common import OrgOption, console, database, fail, progress_bar
from netvet.cli.policy import (
    DEFAULT_ORGANIZATION,
    JurisdictionOption,
    PolicyOption,
    parse_day,
    parse_jurisdictions,
)
from netvet.data import DataFileError
from netvet.policy import UnknownJurisdictionError, select_packs
from netvet.policy.loader import shipped_packs
from netvet.report import (
    EXPORT_FORMATS,
    FORMS,
    REPORT_FORMATS,
    PdfError,
    ReportData,
    html_to_pdf,
    load_report_data,
    write_export,
    write_form,
    write_html,
)
from netvet.report.writer import ReportLayout, stored_assessment_data
from netvet.storage import Database
from netvet.storage import findings as stored

if TYPE_CHECKING:
    from netvet.planning.plan import Plan

AtOption = Annotated[
    str | None, typer.Option("--at", help="Assess as on this date (YYYY-MM-DD); default today.")
]
AssessmentOption = Annotated[
    str | None,
    typer.Option(
        "--assessment",
        help="A stored assessment (its id, as `netvet assess` prints it, or `latest`) instead of running "
        "one: what the dashboard and the API show. --at and --policy do not apply; -j picks one of its "
        "jurisdictions.",
    ),
]
PlanOption = Annotated[
    Path | None, typer.Option("--plan", help="A plan written by `netvet plan` (JSON), drawn in the report.")
]


@contextmanager
def _errors() -> Iterator[None]:
    """Turn data, input and printing errors into one message and an exit code."""
    try:
        yield
    except (DataFileError, UnknownJurisdictionError, PdfError, RuntimeError) as exc:
        raise fail(str(exc)) from None


def _what_if(data: ReportData) -> str:
    """The label a what-if's output carries (its files say so too)."""
    return f"; what-if ({data.what_if}): not the network's status" if data.what_if else ""


def _load_plan(path: Path | None) -> Plan | None:
    if path is None:
        return None
    from netvet.planning.plan import Plan

    try:
        return Plan.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise fail(f"{path}: cannot read the plan ({exc.strerror})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise fail(f"{path}: not a netvet plan: field {where}: {first['msg']}") from None


def _gather(
    db: Database,
    organization: str,
    jurisdiction: str | None,
    at: str | None,
    policy: list[Path] | None,
    plan: Plan | None = None,
    layout: ReportLayout | None = None,
    assessment: str | None = None,
) -> ReportData:
    if assessment is not None:
        return _stored(db, organization, assessment, jurisdiction, at, policy, layout, plan)
    return load_report_data(
        db,
        organization,
        parse_jurisdictions(jurisdiction),
        parse_day(at, "--at") or date.today(),
        plan=plan,
        extra_policies=policy or [],
        layout=layout,
    )


def _pack_code(code: str, stored_codes: Sequence[str]) -> str:
    """The pack a code names as stored findings carry it (gb -> uk); a what-if pack's own code as given."""
    if code in stored_codes:
        return code
    return select_packs(shipped_packs(), [code])[0].jurisdiction


def _stored(
    db: Database,
    organization: str,
    assessment: str,
    jurisdiction: str | None,
    at: str | None,
    policy: list[Path] | None,
    layout: ReportLayout | None,
    plan: Plan | None,
) -> ReportData:
    """The data of a stored assessment, as the dashboard and the API read it."""
    if at is not None or policy:
        raise fail("--assessment reads a stored assessment: --at and --policy do not apply to it")
    with db.connect() as conn:
        if assessment.strip().lower() == "latest":
            result = stored.latest_result(conn, organization)
        elif assessment.strip().isdigit():
            result = stored.get_result(conn, organization, int(assessment))
        else:
            raise fail(f"--assessment {assessment!r}: give an assessment id or 'latest'")
    if result is None:
        raise fail(
            f"--assessment {assessment}: no such assessment of organisation {organization!r}; "
            "`netvet assess` stores one (the dashboard lists them)"
        )
    codes = parse_jurisdictions(jurisdiction) or []
    pack = _pack_code(codes[0], result.jurisdictions) if codes else None
    if len(codes) > 1 or (pack is not None and pack not in result.jurisdictions):
        raise fail(
            f"-j {jurisdiction}: with --assessment, name one of its jurisdictions "
            f"({', '.join(result.jurisdictions)})"
        )
    return stored_assessment_data(db, organization, result, pack, layout, plan)


def report_command(
    jurisdiction: JurisdictionOption = None,
    at: AtOption = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write the report.")] = Path("report.html"),
    fmt: Annotated[str, typer.Option("--format", help="html (one self-contained file) or pdf.")] = "html",
    plan_file: PlanOption = None,
    policy: PolicyOption = None,
    organization: OrgOption = DEFAULT_ORGANIZATION,
    assessment: AssessmentOption = None,
    paper: Annotated[
        str, typer.Option("--paper", help="a4 or letter: the page size the PDF prints on.")
    ] = "a4",
    currency: Annotated[
        str | None, typer.Option("--currency", help="Show costs in this currency (ISO 4217: EUR, GBP, ...).")
    ] = None,
    exchange_rate: Annotated[
        float | None,
        typer.Option("--exchange-rate", help="Units of --currency per unit of the plan's currency."),
    ] = None,
    rate_date: Annotated[
        str | None,
        typer.Option("--rate-date", help="The day of the exchange rate (YYYY-MM-DD), printed with it."),
    ] = None,
    rate_source: Annotated[
        str | None,
        typer.Option("--rate-source", help="Where the rate comes from (e.g. 'ECB reference rate')."),
    ] = None,
) -> None:
    """Write the report: one self-contained HTML file (charts, map, findings, forms, methods) or its PDF."""
    if fmt not in REPORT_FORMATS:
        raise fail(f"--format {fmt!r}: choose one of {', '.join(REPORT_FORMATS)}")
    plan = _load_plan(plan_file)
    try:
        layout = ReportLayout.parse(
            paper,
            currency,
            exchange_rate,
            parse_day(rate_date, "--rate-date"),
            plan.currency if plan is not None else None,
            rate_source,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    with _errors(), database() as db, progress_bar(transient=True) as progress:
        task = progress.add_task("assessing", total=3 if fmt == "pdf" else 2)
        data = _gather(db, organization, jurisdiction, at, policy, plan, layout, assessment)
        progress.update(task, advance=1, description="writing the report")
        html_path = out if fmt == "html" else out.with_suffix(".html")
        write_html(data, html_path)
        progress.update(task, advance=1, description="printing to PDF")
        if fmt == "pdf":
            html_to_pdf(html_path, out)
            progress.update(task, advance=1)
    size = out.stat().st_size
    console.print(
        f"report: {data.asset_count:,} assets, {data.site_count:,} sites, {data.findings.height:,} findings; "
        f"written to {out} ({size / 1_000_000:.1f} MB){_what_if(data)}"
    )


def export_command(
    fmt: Annotated[str, typer.Option("--format", help="csv, json or xlsx (one sheet per jurisdiction).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the findings.")],
    jurisdiction: JurisdictionOption = None,
    at: AtOption = None,
    policy: PolicyOption = None,
    organization: OrgOption = DEFAULT_ORGANIZATION,
    assessment: AssessmentOption = None,
) -> None:
    """Export every finding as CSV, JSON (schema: docs/findings.schema.json) or XLSX."""
    if fmt not in EXPORT_FORMATS:
        raise fail(f"--format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    with _errors(), database() as db, progress_bar(transient=True) as progress:
        task = progress.add_task("assessing", total=2)
        data = _gather(db, organization, jurisdiction, at, policy, assessment=assessment)
        progress.update(task, advance=1, description=f"writing {fmt}")
        write_export(data, fmt, out)
        progress.update(task, advance=1)
    console.print(f"findings: {data.findings.height:,} written to {out}{_what_if(data)}")


def forms_command(
    form: Annotated[
        str, typer.Argument(help="us-covered (FCC supply chain data) or uk-dvd (designated vendor).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the form (CSV).")],
    at: AtOption = None,
    policy: PolicyOption = None,
    organization: OrgOption = DEFAULT_ORGANIZATION,
    assessment: AssessmentOption = None,
) -> None:
    """Write a regulator's form as CSV, filled from the inventory and the findings."""
    if form not in FORMS:
        raise fail(f"unknown form {form!r}: choose one of {', '.join(FORMS)}")
    jurisdiction = "us" if form == "us-covered" else "uk"
    with _errors(), database() as db, progress_bar(transient=True) as progress:
        task = progress.add_task("assessing", total=2)
        data = _gather(db, organization, jurisdiction, at, policy, assessment=assessment)
        progress.update(task, advance=1, description=f"writing {form}")
        rows = write_form(db, data, form, out)
        progress.update(task, advance=1)
    console.print(f"{form}: {rows:,} rows written to {out}{_what_if(data)}")


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
    app.command("export")(export_command)
    app.command("forms")(forms_command)
