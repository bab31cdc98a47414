"""CVE JSON 5 records: the CNA's `affected[]` products and versions (often the only machine-readable
product data a network vendor publishes), and CVSS metrics from the CNA or ADP containers."""

from __future__ import annotations

import re
from typing import Any

from netvet.advisories.model import (
    Advisory,
    Criterion,
    ProductStatus,
    SourceFormat,
    ValidationIssue,
    Vulnerability,
)
from netvet.advisories.ranges import VersionRange
from netvet.advisories.versions import SCHEME_ALIASES

CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,}$")
_STATUS = {
    "affected": ProductStatus.AFFECTED,
    "unaffected": ProductStatus.NOT_AFFECTED,
    "unknown": ProductStatus.UNKNOWN,
}
# Lower bounds that mean "from the first release": no bound at all.
_OPEN_LOWER = {"", "0", "*", "-", "n/a", "unspecified"}


def is_cve5(doc: Any) -> bool:
    return isinstance(doc, dict) and (doc.get("dataType") == "CVE_RECORD" or "cveMetadata" in doc)


def validate_cve5(doc: dict[str, Any]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []

    def bad(path: str, message: str) -> None:
        issues.append(ValidationIssue(test="cve5", path=path, message=message))

    meta = doc.get("cveMetadata")
    if not isinstance(meta, dict):
        bad("/cveMetadata", "missing cveMetadata object")
        return issues
    if not isinstance(meta.get("cveId"), str) or not CVE_ID.match(meta["cveId"]):
        bad("/cveMetadata/cveId", f"not a CVE id: {meta.get('cveId')!r}")
    if meta.get("state") not in ("PUBLISHED", "REJECTED"):
        bad("/cveMetadata/state", f"state must be PUBLISHED or REJECTED, not {meta.get('state')!r}")
    if meta.get("state") == "REJECTED":
        bad("/cveMetadata/state", "the CVE record is REJECTED: it describes no vulnerability")
        return issues
    cna = (doc.get("containers") or {}).get("cna")
    if not isinstance(cna, dict):
        bad("/containers/cna", "missing CNA container")
        return issues
    affected = cna.get("affected")
    if not isinstance(affected, list) or not affected:
        bad("/containers/cna/affected", "a published record needs a non-empty affected list")
        return issues
    for a, item in enumerate(affected):
        base = f"/containers/cna/affected/{a}"
        if not isinstance(item, dict):
            bad(base, "must be an object")
            continue
        if not (item.get("vendor") and item.get("product")) and not (
            item.get("collectionURL") and item.get("packageName")
        ):
            bad(base, "needs vendor and product (or collectionURL and packageName)")
        if item.get("defaultStatus", "unknown") not in _STATUS:
            bad(f"{base}/defaultStatus", f"unknown status {item.get('defaultStatus')!r}")
        for v, version in enumerate(item.get("versions") or []):
            if not isinstance(version, dict) or not isinstance(version.get("version"), str):
                bad(f"{base}/versions/{v}/version", "each version needs a version string")
            elif version.get("status") not in _STATUS:
                bad(f"{base}/versions/{v}/status", f"unknown status {version.get('status')!r}")
            elif ("lessThan" in version or "lessThanOrEqual" in version) and not version.get("versionType"):
                bad(
                    f"{base}/versions/{v}/versionType",
                    "a range (lessThan/lessThanOrEqual) needs a versionType",
                )
    return issues


def _range(version: dict[str, Any]) -> VersionRange:
    start = version["version"].strip()
    scheme = SCHEME_ALIASES.get(str(version.get("versionType", "")).lower())
    constraints: list[tuple[str, str]] = []
    upper_op, upper = (
        ("<", version["lessThan"]) if "lessThan" in version else ("<=", version.get("lessThanOrEqual"))
    )
    if upper is None:
        return VersionRange(constraints=(("=", start),), scheme=scheme, text=start)
    if str(version.get("versionType", "")).lower() == "git":
        # Commit ranges order only inside the repository's history, which netvet does not have.
        return VersionRange.unreadable(f"git {start} < {upper}")
    if start.lower() not in _OPEN_LOWER:
        constraints.append((">=", start))
    if upper.strip() not in ("*", ""):
        constraints.append((upper_op, upper.strip()))
    text = f"{start} {upper_op} {upper}" if start.lower() not in _OPEN_LOWER else f"{upper_op} {upper}"
    if not constraints:
        return VersionRange(scheme=scheme, text=text, any_version=True)
    return VersionRange(constraints=tuple(constraints), scheme=scheme, text=text)


def _criteria(item: dict[str, Any], index: int) -> list[Criterion]:
    vendor = item.get("vendor")
    product = item.get("product") or item.get("packageName")
    default = _STATUS[item.get("defaultStatus", "unknown")]
    cpes = [c for c in item.get("cpes") or [] if isinstance(c, str)]
    ref = f"affected[{index}] {vendor} {product}"
    versions = item.get("versions") or []
    if not versions:
        # No versions listed: the record speaks of the product as a whole, with defaultStatus.
        return [
            Criterion(ref=ref, status=default, vendor=vendor, product=product, cpe=cpes[0] if cpes else None)
        ]
    criteria = []
    for v, version in enumerate(versions):
        changes = tuple(
            (c["at"], _STATUS.get(c.get("status", ""), ProductStatus.UNKNOWN))
            for c in version.get("changes") or []
            if isinstance(c, dict) and "at" in c
        )
        criteria.append(
            Criterion(
                ref=f"{ref} versions[{v}]",
                status=_STATUS[version["status"]],
                vendor=vendor,
                product=product,
                versions=_range(version),
                cpe=cpes[0] if cpes else None,
                default_status=default,
                changes=changes,
            )
        )
    return criteria


def _metric(containers: list[dict[str, Any]], *keys: str) -> str | None:
    for container in containers:
        for metric in container.get("metrics") or []:
            for key in keys:
                if isinstance(metric.get(key), dict) and metric[key].get("vectorString"):
                    return str(metric[key]["vectorString"])
    return None


def read_cve5(doc: dict[str, Any]) -> Advisory:
    meta = doc["cveMetadata"]
    cna = doc["containers"]["cna"]
    containers = [cna, *(doc["containers"].get("adp") or [])]
    criteria = [c for i, item in enumerate(cna["affected"]) for c in _criteria(item, i)]
    title = cna.get("title") or next(
        (d.get("value") for d in cna.get("descriptions") or [] if d.get("lang", "").startswith("en")),
        meta["cveId"],
    )
    vulnerability = Vulnerability(
        cve=meta["cveId"],
        title=title,
        cvss_v3_vector=_metric(containers, "cvssV3_1", "cvssV3_0"),
        cvss_v4_vector=_metric(containers, "cvssV4_0"),
        criteria=tuple(criteria),
    )
    return Advisory(
        id=meta["cveId"],
        source_format=SourceFormat.CVE5,
        title=str(title)[:500],
        publisher=(cna.get("providerMetadata") or {}).get("shortName") or meta.get("assignerShortName"),
        published=meta.get("datePublished"),
        vulnerabilities=(vulnerability,),
    )
