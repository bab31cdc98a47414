"""Reports: the self-contained HTML report (and its PDF), findings exports, and regulators' forms."""

from netvet.report.context import ReportData, findings_frame, gather
from netvet.report.exports import EXPORT_FORMATS, write_export
from netvet.report.html import render_html
from netvet.report.methods import Methods, methods_for
from netvet.report.pdf import PdfError, html_to_pdf
from netvet.report.writer import FORMS, REPORT_FORMATS, load_report_data, write_form, write_html, write_report

__all__ = [
    "EXPORT_FORMATS",
    "FORMS",
    "REPORT_FORMATS",
    "Methods",
    "PdfError",
    "ReportData",
    "findings_frame",
    "gather",
    "html_to_pdf",
    "load_report_data",
    "methods_for",
    "render_html",
    "write_export",
    "write_form",
    "write_html",
    "write_report",
]
