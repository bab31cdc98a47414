"""NVD CVE API 2.0 responses: `configurations` of CPE match criteria with version bounds.

Network gear is usually described as an AND of a vulnerable OS CPE and a non-vulnerable hardware
CPE (cpe:2.3:o:cisco:ios:... AND cpe:2.3:h:cisco:catalyst_2960:...): such a configuration becomes
one criterion for the OS with the hardware as its platforms, so it matches only on the pair.
"""

from __future__ import annotations

from typing import Any

from netvet.advisories.cpe import ANY, NA, CpeSyntaxError, parse_cpe
from netvet.advisories.model import (
    Advisory,
    Criterion,
    ProductStatus,
    SourceFormat,
    ValidationIssue,
    Vulnerability,
)
from netvet.advisories.ranges import VersionRange


def is_nvd(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    if doc.get("format") == "NVD_CVE":
        return True
    items = doc.get("vulnerabilities")
    return isinstance(items, list) and bool(items) and isinstance(items[0], dict) and "cve" in items[0]


def validate_nvd(doc: dict[str, Any]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []

    def bad(path: str, message: str) -> None:
        issues.append(ValidationIssue(test="nvd", path=path, message=message))

    if doc.get("format") not in (None, "NVD_CVE"):
        bad("/format", f"expected NVD_CVE, found {doc.get('format')!r}")
    if doc.get("version") not in (None, "2.0"):
        bad("/version", f"only NVD API 2.0 is read, found {doc.get('version')!r}")
    items = doc.get("vulnerabilities")
    if not isinstance(items, list):
        bad("/vulnerabilities", "missing vulnerabilities array")
        return issues
    for i, item in enumerate(items):
        cve = item.get("cve") if isinstance(item, dict) else None
        base = f"/vulnerabilities/{i}/cve"
        if not isinstance(cve, dict) or not isinstance(cve.get("id"), str):
            bad(base, "each item needs a cve object with an id")
            continue
        for c, config in enumerate(cve.get("configurations") or []):
            for n, node in enumerate(config.get("nodes") or []):
                if node.get("operator", "OR") not in ("AND", "OR"):
                    bad(f"{base}/configurations/{c}/nodes/{n}/operator", "must be AND or OR")
                for m, match in enumerate(node.get("cpeMatch") or []):
                    where = f"{base}/configurations/{c}/nodes/{n}/cpeMatch/{m}"
                    try:
                        parse_cpe(str(match.get("criteria", "")))
                    except CpeSyntaxError as exc:
                        bad(f"{where}/criteria", str(exc))
                    if not isinstance(match.get("vulnerable"), bool):
                        bad(f"{where}/vulnerable", "must be true or false")
    return issues


def _versions(match: dict[str, Any]) -> VersionRange | None:
    cpe = parse_cpe(match["criteria"])
    constraints: list[tuple[str, str]] = []
    for key, op in (
        ("versionStartIncluding", ">="),
        ("versionStartExcluding", ">"),
        ("versionEndIncluding", "<="),
        ("versionEndExcluding", "<"),
    ):
        if match.get(key):
            # Bounds are plain text, but some feeds copy the CPE escaping (12.2\(55\)se): undo it.
            constraints.append((op, str(match[key]).replace("\\", "")))
    if constraints:
        return VersionRange(constraints=tuple(constraints), text=" ".join(f"{o}{v}" for o, v in constraints))
    if cpe.version == ANY:
        return VersionRange.every()
    if cpe.version == NA:
        return None
    if "*" in cpe.version or "?" in cpe.version:
        return VersionRange(pattern=cpe.version, text=cpe.version)
    version = cpe.version + (f" {cpe.update}" if cpe.update not in (ANY, NA) else "")
    return VersionRange.exact(cpe.version) if version == cpe.version else VersionRange.exact(version)


def _criterion(match: dict[str, Any], ref: str, platforms: tuple[Criterion, ...] = ()) -> Criterion:
    cpe = parse_cpe(match["criteria"])
    return Criterion(
        ref=ref,
        status=ProductStatus.AFFECTED,
        vendor=cpe.vendor,
        product=cpe.product,
        versions=_versions(match),
        cpe=match["criteria"],
        platforms=platforms,
        # NVD lists every vulnerable version: a version outside the bounds is not affected.
        exhaustive=True,
    )


def _configuration_criteria(config: dict[str, Any], ref: str) -> list[Criterion]:
    nodes = [n for n in config.get("nodes") or [] if not n.get("negate")]
    if config.get("operator") == "AND" and len(nodes) > 1:
        entries = [m for node in nodes for m in node.get("cpeMatch") or []]
        hardware = [m for m in entries if parse_cpe(m["criteria"]).part == "h"]
        software = [m for m in entries if parse_cpe(m["criteria"]).part != "h" and m.get("vulnerable")]
        if hardware and software:
            # Firmware AND device: the device is where it runs, whether or not the NVD marks the
            # hardware itself vulnerable too.
            platforms = tuple(_criterion(m, f"{ref} platform {m['criteria']}") for m in hardware)
            return [_criterion(m, f"{ref} {m['criteria']}", platforms) for m in software]
        vulnerable = [
            (n, m) for n, node in enumerate(nodes) for m in node.get("cpeMatch") or [] if m.get("vulnerable")
        ]
        vulnerable_nodes = {n for n, _ in vulnerable}
        platforms = tuple(
            _criterion(m, f"{ref} platform {m['criteria']}")
            for n, node in enumerate(nodes)
            if n not in vulnerable_nodes
            for m in node.get("cpeMatch") or []
        )
        return [_criterion(m, f"{ref} {m['criteria']}", platforms) for _, m in vulnerable]
    return [
        _criterion(m, f"{ref} {m['criteria']}")
        for node in nodes
        for m in node.get("cpeMatch") or []
        if m.get("vulnerable")
    ]


def _metric(metrics: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        entries = metrics.get(key) or []
        # The NVD's own (Primary) score first, then the CNA's.
        for entry in sorted(entries, key=lambda e: e.get("type") != "Primary"):
            vector = (entry.get("cvssData") or {}).get("vectorString")
            if vector:
                return str(vector)
    return None


def read_nvd(doc: dict[str, Any]) -> list[Advisory]:
    advisories = []
    for item in doc["vulnerabilities"]:
        cve = item["cve"]
        criteria = [
            c
            for i, config in enumerate(cve.get("configurations") or [])
            for c in _configuration_criteria(config, f"configurations[{i}]")
        ]
        description = next(
            (d.get("value") for d in cve.get("descriptions") or [] if d.get("lang") == "en"), cve["id"]
        )
        metrics = cve.get("metrics") or {}
        vulnerability = Vulnerability(
            cve=cve["id"],
            title=str(description)[:500],
            cvss_v3_vector=_metric(metrics, "cvssMetricV31", "cvssMetricV30"),
            cvss_v4_vector=_metric(metrics, "cvssMetricV40"),
            criteria=tuple(criteria),
        )
        advisories.append(
            Advisory(
                id=f"NVD:{cve['id']}",
                source_format=SourceFormat.NVD,
                title=str(description)[:500],
                publisher="NVD",
                published=cve.get("published"),
                vulnerabilities=(vulnerability,),
            )
        )
    return advisories
