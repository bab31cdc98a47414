"""The report at scale: the demo operator group grown to N assets, assessed, then written as HTML and exports.

    .venv/bin/python benchmarks/bench_report.py --assets 100000
    .venv/bin/python benchmarks/bench_report.py --assets 30000 100000 --pdf

For each size: the demo generator (netvet.demo) writes an inventory of about N assets across its eight
countries, it is imported into a fresh SQLite database, screening's evidence is computed from the
shipped lists (no database needed), and the policy engine assesses every asset under its own
country's rules. Then timed: the HTML report (`load_report_data` + `write_html`, which includes the
assessment, as `netvet report` runs it), the report alone from given findings, and each export.
`--every-asset` adds one more finding for every asset (statuses in turn), the worst case for the table,
the map and the exports. The issue's target: the report for 100,000 assets written in under 20 s and under 10 MB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from netvet.demo import generate_inventory
from netvet.ingest.importer import import_inventory
from netvet.ingest.writers import write_inventory
from netvet.model.findings import FindingStatus
from netvet.report import findings_frame, html_to_pdf, load_report_data, write_export, write_html
from netvet.screening.api import vendor_evidence_for_names
from netvet.storage import Database, open_database
from netvet.storage import inventory as store
from netvet.storage.policy import run_assessment
from netvet.storage.tables import assets

AT = date(2026, 11, 25)
ASSETS_PER_SITE = 8.5  # what the demo generator gives on average


def every_asset_findings(db: Database) -> pl.DataFrame:
    """One synthetic finding per asset, cycling through the statuses."""
    statuses = [status.value for status in FindingStatus]
    with db.connect() as conn:
        rows = conn.execute(select(assets.c.id, assets.c.site_id, assets.c.vendor, assets.c.domain)).all()
    return pl.DataFrame(
        {
            "organization_id": ["default"] * len(rows),
            "jurisdiction": ["bench"] * len(rows),
            "rule_id": ["bench-every-asset"] * len(rows),
            "status": [statuses[i % len(statuses)] for i in range(len(rows))],
            "asset_id": [r.id for r in rows],
            "site_id": [r.site_id for r in rows],
            "vendor": [r.vendor for r in rows],
            "domain": [r.domain for r in rows],
            "deadline": [date(2027 + i % 3, 12, 31) for i in range(len(rows))],
            "source": ["benchmark"] * len(rows),
            "explanation": [f"benchmark finding for {r.id}" for r in rows],
        }
    )


def run(target_assets: int, workdir: Path, pdf: bool, every_asset: bool) -> dict[str, object]:
    inventory = workdir / f"inventory-{target_assets}.jsonl"
    write_inventory(generate_inventory(seed=7, sites=round(target_assets / ASSETS_PER_SITE)), inventory)
    db = open_database(f"sqlite:///{workdir / f'bench-{target_assets}.sqlite'}")
    try:
        import_inventory(db, inventory)
        with db.connect() as conn:
            evidence = vendor_evidence_for_names(store.distinct_supplier_names(conn, "default"))
        started = time.perf_counter()
        assessment = run_assessment(db, "default", None, AT, evidence=evidence)
        findings = findings_frame(assessment.frame)
        if every_asset:
            findings = pl.concat([findings, findings_frame(every_asset_findings(db))])
        assessed = time.perf_counter() - started
        data = load_report_data(db, "default", None, AT, findings=findings)
        report = write_html(data, workdir / f"report-{target_assets}.html")
        report_seconds = time.perf_counter() - started
        result: dict[str, object] = {
            "assets": data.asset_count,
            "sites": data.site_count,
            "findings": data.findings.height,
            "assess": assessed,
            "report_only": report_seconds - assessed,
            "report_total": report_seconds,
            "size_mb": report.stat().st_size / 1_000_000,
        }
        for fmt in ("csv", "json", "xlsx"):
            started = time.perf_counter()
            write_export(data, fmt, workdir / f"findings-{target_assets}.{fmt}")
            result[fmt] = time.perf_counter() - started
        if pdf:
            started = time.perf_counter()
            printed = html_to_pdf(report, workdir / f"report-{target_assets}.pdf")
            result["pdf"] = time.perf_counter() - started
            result["pdf_mb"] = printed.stat().st_size / 1_000_000
        return result
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, nargs="+", default=[100_000])
    parser.add_argument("--pdf", action="store_true", help="also print the report to PDF with Chromium")
    parser.add_argument(
        "--every-asset", action="store_true", help="add a finding for every asset (worst case)"
    )
    args = parser.parse_args()
    console = Console()
    extra = " plus a finding for every asset" if args.every_asset else ""
    table = Table(title=f"netvet report, every asset under its own country's rules{extra}, at {AT}")
    columns = ["assets", "sites", "findings", "assess s", "report s", "assess+report s", "HTML MB"]
    columns += ["csv s", "json s", "xlsx s"] + (["pdf s", "PDF MB"] if args.pdf else [])
    for column in columns:
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory(prefix="netvet-bench-report-") as tmp:
        for target in args.assets:
            r = run(target, Path(tmp), args.pdf, args.every_asset)
            cells = [f"{r['assets']:,}", f"{r['sites']:,}", f"{r['findings']:,}"]
            cells += [
                f"{r[k]:.2f}"
                for k in ("assess", "report_only", "report_total", "size_mb", "csv", "json", "xlsx")
            ]
            if args.pdf:
                cells += [f"{r['pdf']:.2f}", f"{r['pdf_mb']:.2f}"]
            table.add_row(*cells)
    console.print(table)


if __name__ == "__main__":
    main()
