"""The CISA Known Exploited Vulnerabilities catalogue, as CISA publishes it in JSON
(known_exploited_vulnerabilities.json) and CSV (known_exploited_vulnerabilities.csv)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from netvet.advisories.cve5 import CVE_ID
from netvet.advisories.model import KevEntry, ValidationIssue


def is_kev(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    items = doc.get("vulnerabilities")
    return "catalogVersion" in doc or (
        isinstance(items, list) and bool(items) and isinstance(items[0], dict) and "cveID" in items[0]
    )


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _json_path(i: int, key: str) -> str:
    return f"/vulnerabilities/{i}" + (f"/{key}" if key else "")


def _csv_path(i: int, key: str) -> str:
    # Row 1 is the header: entry i stands on row i + 2.
    return f"row {i + 2}" + (f", column {key}" if key else "")


def validate_kev(doc: dict[str, Any], path: Callable[[int, str], str] = _json_path) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    items = doc.get("vulnerabilities")
    if not isinstance(items, list):
        return [ValidationIssue(test="kev", path="/vulnerabilities", message="missing vulnerabilities array")]
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            issues.append(ValidationIssue(test="kev", path=path(i, ""), message="must be an object"))
            continue
        if not isinstance(item.get("cveID"), str) or not CVE_ID.match(item["cveID"]):
            issues.append(
                ValidationIssue(
                    test="kev", path=path(i, "cveID"), message=f"not a CVE id: {item.get('cveID')!r}"
                )
            )
        if _date(item.get("dateAdded")) is None:
            issues.append(
                ValidationIssue(
                    test="kev", path=path(i, "dateAdded"), message=f"not a date: {item.get('dateAdded')!r}"
                )
            )
        for key in ("vendorProject", "product"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                issues.append(ValidationIssue(test="kev", path=path(i, key), message="missing"))
        for key in ("vulnerabilityName", "dueDate", "knownRansomwareCampaignUse"):
            if item.get(key) is not None and not isinstance(item[key], str):
                issues.append(ValidationIssue(test="kev", path=path(i, key), message="must be text"))
    return issues


KEV_CSV_COLUMNS = ("cveID", "vendorProject", "product", "dateAdded")


def is_kev_csv(text: str) -> bool:
    header = text.lstrip().split("\n", 1)[0]
    return all(column in header for column in KEV_CSV_COLUMNS)


def validate_kev_csv(text: str) -> tuple[dict[str, Any], list[ValidationIssue]]:
    """The CSV catalogue as the JSON one (one entry per row), and its problems by row and column."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[dict[str, Any]] = []
    issues: list[ValidationIssue] = []
    try:
        missing = [c for c in KEV_CSV_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            return {}, [
                ValidationIssue(test="kev", path="row 1", message=f"missing column(s): {', '.join(missing)}")
            ]
        for i, row in enumerate(reader):
            if None in row:
                issues.append(
                    ValidationIssue(
                        test="kev", path=_csv_path(i, ""), message="has more cells than the header"
                    )
                )
            rows.append(
                {k: (v.strip() if isinstance(v, str) else v) or None for k, v in row.items() if k is not None}
            )
    except csv.Error as exc:  # a stray quote or line end, a cell past the csv module's limit
        return {}, [
            ValidationIssue(test="kev", path=f"row {reader.line_num}", message=f"malformed CSV: {exc}")
        ]

    doc = {"vulnerabilities": rows}
    return doc, issues + validate_kev(doc, _csv_path)


def read_kev(doc: dict[str, Any]) -> list[KevEntry]:
    return [
        KevEntry(
            cve=item["cveID"],
            # CISA's JSON carries stray spaces its CSV trims; both give the same entry.
            vendor_project=item["vendorProject"].strip(),
            product=item["product"].strip(),
            name=(item.get("vulnerabilityName") or item["cveID"]).strip(),
            date_added=_date(item["dateAdded"]) or date.min,
            due_date=_date(item.get("dueDate")),
            known_ransomware=str(item.get("knownRansomwareCampaignUse", "")).strip().lower() == "known",
        )
        for item in doc["vulnerabilities"]
    ]
