"""CSAF 2.0 VEX out: per advisory, what it means for the operator's own products.

Products are the operator's (vendor, model, software version) combinations; each vulnerability's
product status says known_affected, known_not_affected, fixed or under_investigation. Every document
is checked with the same validator the loader uses (schema and mandatory tests) before it is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from netvet import __version__
from netvet.advisories.asset_index import AssetView
from netvet.advisories.csaf import validate_csaf
from netvet.advisories.csaf_tests import test_6_1_31
from netvet.advisories.matcher import MatchStatus
from netvet.advisories.model import Advisory, DocumentRejected, ProductStatus

_GROUP = {
    MatchStatus.AFFECTED: "known_affected",
    MatchStatus.NOT_AFFECTED: "known_not_affected",
    MatchStatus.FIXED: "fixed",
    MatchStatus.UNKNOWN: "under_investigation",
}
# One product may be reached by several assets with different outcomes (a component, a hardware
# revision): the document states the most cautious one, as 6.1.6 forbids stating two.
_CAUTION = {
    MatchStatus.AFFECTED: 3,
    MatchStatus.UNKNOWN: 2,
    MatchStatus.FIXED: 1,
    MatchStatus.NOT_AFFECTED: 0,
}


@dataclass(frozen=True, slots=True)
class VexMatch:
    vulnerability: str
    asset_id: str
    status: MatchStatus
    explanation: str


def _branch_safe(version: str) -> bool:
    probe = {"product_tree": {"branches": [{"category": "product_version", "name": version}]}}
    return not test_6_1_31(probe)


def _product_tree(products: dict[tuple[str, str, str], str]) -> dict[str, Any]:
    vendors: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for (vendor, model, version), pid in sorted(products.items()):
        name = " ".join(p for p in (vendor, model, version) if p)
        product = {"product_id": pid, "name": name}
        leaf: dict[str, Any]
        if version and _branch_safe(version):
            leaf = {"category": "product_version", "name": version, "product": product}
        else:
            leaf = {"category": "product_version", "name": "unknown", "product": product}
        vendors.setdefault(vendor, {}).setdefault(model or "unknown model", []).append(leaf)
    return {
        "branches": [
            {
                "category": "vendor",
                "name": vendor,
                "branches": [
                    {"category": "product_name", "name": model, "branches": leaves}
                    for model, leaves in sorted(models.items())
                ],
            }
            for vendor, models in sorted(vendors.items())
        ]
    }


def tracking_id(advisory_id: str) -> str:
    return "NETVET-VEX-" + re.sub(r"[^A-Za-z0-9+\-_.]+", "_", advisory_id)


def vex_document(
    advisory: Advisory,
    matches: Iterable[VexMatch],
    assets: dict[str, AssetView],
    publisher: str,
    namespace: str,
    now: datetime,
) -> dict[str, Any]:
    products: dict[tuple[str, str, str], str] = {}
    statuses: dict[str, dict[str, tuple[MatchStatus, str]]] = {}
    for match in matches:
        asset = assets.get(match.asset_id)
        if asset is None:
            continue
        key = (asset.vendor, asset.model or "", asset.software_version or "")
        pid = products.setdefault(key, f"NETVET-PID-{len(products) + 1:05d}")
        current = statuses.setdefault(match.vulnerability, {}).get(pid)
        if current is None or _CAUTION[match.status] > _CAUTION[current[0]]:
            statuses[match.vulnerability][pid] = (match.status, match.explanation)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    vulnerabilities = []
    for vulnerability in advisory.vulnerabilities:
        by_product = statuses.get(vulnerability.label)
        if not by_product:
            continue
        groups: dict[str, list[str]] = {}
        for pid, (status, _) in sorted(by_product.items()):
            groups.setdefault(_GROUP[status], []).append(pid)
        item: dict[str, Any] = {
            "notes": [
                {
                    "category": "description",
                    "title": "Source",
                    "text": f"Status of the operator's products for {vulnerability.label} from advisory "
                    f"{advisory.id} ({advisory.title}), as matched by netvet against the inventory.",
                }
            ],
            "product_status": groups,
        }
        if vulnerability.cve:
            item["cve"] = vulnerability.cve
        else:
            item["ids"] = [{"system_name": advisory.publisher or "advisory", "text": vulnerability.label}]
        if vulnerability.title:
            item["title"] = vulnerability.title[:500]
        if groups.get("known_not_affected"):
            item["threats"] = [
                {
                    "category": "impact",
                    "details": f"Not affected: {by_product[pid][1]}"[:2000],
                    "product_ids": [pid],
                }
                for pid in groups["known_not_affected"]
            ]
        if groups.get("known_affected"):
            has_fix = any(c.status is ProductStatus.FIXED for c in vulnerability.criteria)
            item["remediations"] = [
                {
                    "category": "vendor_fix" if has_fix else "none_available",
                    "details": (
                        f"The source advisory {advisory.id} names fixed versions; upgrade to one of them."
                        if has_fix
                        else f"netvet knows of no remediation; check the source advisory {advisory.id}."
                    ),
                    "product_ids": groups["known_affected"],
                }
            ]
        vulnerabilities.append(item)
    return {
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "lang": "en",
            "publisher": {"category": "user", "name": publisher, "namespace": namespace},
            "title": f"Operator VEX for {advisory.id}: {advisory.title}"[:1000],
            "tracking": {
                "current_release_date": stamp,
                "generator": {"engine": {"name": "netvet", "version": __version__}, "date": stamp},
                "id": tracking_id(advisory.id),
                "initial_release_date": stamp,
                "revision_history": [{"date": stamp, "number": "1", "summary": "Generated by netvet."}],
                "status": "final",
                "version": "1",
            },
        },
        "product_tree": _product_tree(products),
        "vulnerabilities": vulnerabilities,
    }


def checked_vex_document(
    advisory: Advisory,
    matches: Iterable[VexMatch],
    assets: dict[str, AssetView],
    publisher: str,
    namespace: str,
    now: datetime,
) -> dict[str, Any]:
    """A VEX document that passed netvet's own CSAF validator; DocumentRejected if it did not."""
    document = vex_document(advisory, matches, assets, publisher, namespace, now)
    issues = validate_csaf(document)
    if issues:
        raise DocumentRejected(f"VEX for {advisory.id}", issues)
    return document
