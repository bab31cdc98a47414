"""The CISA Known Exploited Vulnerabilities catalogue (known_exploited_vulnerabilities.json)."""

from __future__ import annotations

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


def validate_kev(doc: dict[str, Any]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    items = doc.get("vulnerabilities")
    if not isinstance(items, list):
        return [ValidationIssue(test="kev", path="/vulnerabilities", message="missing vulnerabilities array")]
    for i, item in enumerate(items):
        base = f"/vulnerabilities/{i}"
        if not isinstance(item, dict):
            issues.append(ValidationIssue(test="kev", path=base, message="must be an object"))
            continue
        if not isinstance(item.get("cveID"), str) or not CVE_ID.match(item["cveID"]):
            issues.append(
                ValidationIssue(
                    test="kev", path=f"{base}/cveID", message=f"not a CVE id: {item.get('cveID')!r}"
                )
            )
        if _date(item.get("dateAdded")) is None:
            issues.append(
                ValidationIssue(
                    test="kev", path=f"{base}/dateAdded", message=f"not a date: {item.get('dateAdded')!r}"
                )
            )
        for key in ("vendorProject", "product"):
            if not isinstance(item.get(key), str):
                issues.append(ValidationIssue(test="kev", path=f"{base}/{key}", message="missing"))
    return issues


def read_kev(doc: dict[str, Any]) -> list[KevEntry]:
    return [
        KevEntry(
            cve=item["cveID"],
            vendor_project=item["vendorProject"],
            product=item["product"],
            name=item.get("vulnerabilityName") or item["cveID"],
            date_added=_date(item["dateAdded"]) or date.min,
            due_date=_date(item.get("dueDate")),
            known_ransomware=str(item.get("knownRansomwareCampaignUse", "")).lower() == "known",
        )
        for item in doc["vulnerabilities"]
    ]
