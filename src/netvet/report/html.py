"""Render `ReportData` into one self-contained HTML file: inline style, inline SVG, a little inline script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from netvet import __version__
from netvet.report import forms, summary
from netvet.report.charts import cap_gauge_chart, timeline_chart, vendor_share_chart
from netvet.report.context import SITE_STATUSES, ReportData
from netvet.report.geo import site_map
from netvet.report.plan_view import plan_section
from netvet.report.summary import (
    affected_assets,
    cap_gauges,
    missing_data,
    nearest_deadlines,
    obligations,
    status_counts,
    table_rows,
)
from netvet.report.svg import STATUS_COLOURS

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_context(data: ReportData) -> dict[str, Any]:
    """Everything the template shows, computed here so the template only lays it out."""
    findings = data.findings
    assessed = {pack.jurisdiction for pack in data.methods.packs} | set(
        findings.get_column("jurisdiction").to_list()
    )
    gauges = cap_gauges(findings)
    dated = obligations(findings)
    rows, grouped = table_rows(data)
    site_status_counts = {status: 0 for status in SITE_STATUSES}
    for site in data.sites:
        site_status_counts[site.status] += 1
    located = sum(1 for s in data.sites if s.latitude is not None and s.longitude is not None)
    return {
        "data": data,
        "version": __version__,
        "status_counts": status_counts(findings),
        "affected_assets": affected_assets(findings),
        "missing": missing_data(findings),
        "deadlines": nearest_deadlines(findings, data.at),
        "vendor_chart": vendor_share_chart(data.vendor_counts, data.vendors) if data.vendor_counts else None,
        "cap_chart": cap_gauge_chart(gauges) if gauges else None,
        "caps": gauges,
        "timeline_chart": timeline_chart(dated, data.at) if dated else None,
        "map_panels": site_map(data.sites),
        "sites_located": located,
        "site_status_counts": site_status_counts,
        "colours": STATUS_COLOURS,
        "rows": rows,
        "grouped": grouped,
        "finding_total": findings.height,
        "table_limit": summary.TABLE_LIMIT,
        "us_summary": forms.us_covered_summary(data),
        "us_assessed": forms.US_JURISDICTION in assessed,
        "us_fields": forms.US_COVERED_FIELDS,
        "uk_rows": forms.uk_dvd_rows(data),
        "uk_fields": forms.UK_DVD_FIELDS,
        "plan": plan_section(data.plan),
    }


def render_html(data: ReportData) -> str:
    return _environment().get_template("report.html.j2").render(**report_context(data))
