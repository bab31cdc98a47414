"""NVD CVE records as the NVD and its mirrors publish them: `configurations` of CPE match criteria.

Shapes read: CVE API 2.0 pages (`vulnerabilities[].cve`), one API item (`{"cve": {...}}`), the bare
`cve` object that per-CVE mirrors of the feeds store (fkie-cad/nvd-json-data-feeds), and the
retired JSON 1.1 feed (`CVE_Items[]`, or one such item), whose `cpe_match`/`children` become the 2.0
configurations. Network gear is usually an AND of a vulnerable OS CPE and a non-vulnerable hardware
CPE (cpe:2.3:o:cisco:ios:... AND cpe:2.3:h:cisco:catalyst_2960:...): such a configuration becomes
one criterion for the OS with the hardware as its platforms, so it matches only on the pair; a
`negate` hardware node excludes that hardware instead. Records "Awaiting Analysis" have no
configurations: their `vulnStatus` is kept so matching can defer to the CVE record.
"""

from __future__ import annotations

import re
from typing import Any

from netvet.advisories.checks import Checks
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

_CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,}$")
_BOUNDS = (
    ("versionStartIncluding", ">="),
    ("versionStartExcluding", ">"),
    ("versionEndIncluding", "<="),
    ("versionEndExcluding", "<"),
)


def _is_cve_object(doc: Any) -> bool:
    """An NVD 2.0 `cve` object on its own (the per-CVE files of feed mirrors)."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("id"), str)
        and bool(_CVE_ID.match(doc["id"]))
        and any(k in doc for k in ("vulnStatus", "sourceIdentifier", "configurations"))
    )


def _is_legacy_item(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("cve"), dict) and "CVE_data_meta" in doc["cve"]


def is_nvd(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    if doc.get("format") == "NVD_CVE" or "CVE_Items" in doc or _is_cve_object(doc) or _is_legacy_item(doc):
        return True
    if isinstance(doc.get("cve"), dict) and "id" in doc["cve"]:
        return True
    items = doc.get("vulnerabilities")
    return isinstance(items, list) and bool(items) and isinstance(items[0], dict) and "cve" in items[0]


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _array(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _legacy_node(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "operator": node.get("operator", "OR"),
        "negate": bool(node.get("negate")),
        "cpeMatch": [
            {"vulnerable": m.get("vulnerable"), "criteria": m.get("cpe23Uri", ""),
             **{k: m[k] for k, _ in _BOUNDS if m.get(k)}}
            for m in _array(node.get("cpe_match"))
            if isinstance(m, dict)
        ],
    }  # fmt: skip


def _from_legacy(item: dict[str, Any]) -> dict[str, Any]:
    """A JSON 1.1 feed item in the 2.0 `cve` shape: each top-level node is one configuration."""
    cve = _object(item.get("cve"))
    configurations = []
    for node in _array(_object(item.get("configurations")).get("nodes")):
        if not isinstance(node, dict):
            continue
        children = [c for c in _array(node.get("children")) if isinstance(c, dict)]
        if children:
            configurations.append(
                {"operator": node.get("operator", "AND"), "nodes": [_legacy_node(c) for c in children]}
            )
        else:
            configurations.append({"nodes": [_legacy_node(node)]})
    v3 = _object(_object(_object(item.get("impact")).get("baseMetricV3")).get("cvssV3"))
    return {
        "id": _object(cve.get("CVE_data_meta")).get("ID"),
        "published": item.get("publishedDate"),
        "vulnStatus": "Analyzed" if configurations else None,
        "descriptions": [
            {"lang": d.get("lang"), "value": d.get("value")}
            for d in _array(_object(cve.get("description")).get("description_data"))
            if isinstance(d, dict)
        ],
        "metrics": {"cvssMetricV31": [{"type": "Primary", "cvssData": v3}]} if v3 else {},
        "configurations": configurations,
    }


def cve_objects(doc: dict[str, Any]) -> list[Any]:
    """The NVD 2.0 `cve` objects of a document, whatever shape it was published in."""
    if "CVE_Items" in doc:
        return [_from_legacy(i) if isinstance(i, dict) else i for i in doc["CVE_Items"] or []]
    if _is_legacy_item(doc):
        return [_from_legacy(doc)]
    if _is_cve_object(doc):
        return [doc]
    if isinstance(doc.get("cve"), dict):
        return [doc["cve"]]
    items = doc.get("vulnerabilities")
    return [i.get("cve") if isinstance(i, dict) else None for i in items] if isinstance(items, list) else []


def validate_nvd(doc: dict[str, Any]) -> list[ValidationIssue]:
    """Every field the reader uses has the type it expects, or the document is rejected with the path."""
    check = Checks("nvd")
    if doc.get("format") not in (None, "NVD_CVE"):
        check.bad("/format", f"expected NVD_CVE, found {doc.get('format')!r}")
    if doc.get("version") not in (None, "2.0"):
        check.bad("/version", f"only NVD API 2.0 is read, found {doc.get('version')!r}")
    if "vulnerabilities" in doc and not isinstance(doc["vulnerabilities"], list):
        check.bad("/vulnerabilities", "must be an array")
        return check.issues
    for i, cve in enumerate(cve_objects(doc)):
        base = f"/vulnerabilities/{i}/cve" if "vulnerabilities" in doc else f"/cve[{i}]"
        if not isinstance(cve, dict) or not isinstance(cve.get("id"), str) or not _CVE_ID.match(cve["id"]):
            check.bad(base, "each item needs a cve object with a CVE id")
            continue
        for key in ("published", "vulnStatus", "cisaExploitAdd"):
            check.text(cve, key, base)
        for path, description in check.objects(cve.get("descriptions"), f"{base}/descriptions"):
            check.text(description, "value", path)
            check.text(description, "lang", path)
        metrics = check.object(cve.get("metrics"), f"{base}/metrics")
        for key, entries in metrics.items():
            for path, entry in check.objects(entries, f"{base}/metrics/{key}"):
                check.text(
                    check.object(entry.get("cvssData"), f"{path}/cvssData"),
                    "vectorString",
                    f"{path}/cvssData",
                )
        check.issues.extend(
            validate_configurations(cve.get("configurations"), f"{base}/configurations", "nvd")
        )
    return check.issues


def validate_configurations(configurations: Any, base: str, test: str) -> list[ValidationIssue]:
    """Structural checks of NVD configurations (or CVE JSON 5 `cpeApplicability`), with paths."""
    check = Checks(test)
    for c, config in check.objects(configurations, base):
        check.choice(config, "operator", c, ("AND", "OR"), "OR")
        for where_node, node in check.objects(config.get("nodes"), f"{c}/nodes"):
            check.choice(node, "operator", where_node, ("AND", "OR"), "OR")
            if not isinstance(node.get("negate", False), bool):
                check.bad(f"{where_node}/negate", "must be true or false")
            for where, match in check.objects(node.get("cpeMatch"), f"{where_node}/cpeMatch"):
                try:
                    parse_cpe(match["criteria"] if isinstance(match.get("criteria"), str) else "")
                except CpeSyntaxError as exc:
                    check.bad(f"{where}/criteria", str(exc))
                if not isinstance(match.get("vulnerable"), bool):
                    check.bad(f"{where}/vulnerable", "must be true or false")
                for key, _ in _BOUNDS:
                    check.text(match, key, where)
    return check.issues


def _versions(match: dict[str, Any]) -> VersionRange | None:
    cpe = parse_cpe(match["criteria"])
    constraints: list[tuple[str, str]] = []
    for key, op in _BOUNDS:
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


def _criterion(
    match: dict[str, Any], ref: str, platforms: tuple[Criterion, ...] = (), excluded: tuple[str, ...] = ()
) -> Criterion:
    cpe = parse_cpe(match["criteria"])
    return Criterion(
        ref=ref,
        status=ProductStatus.AFFECTED,
        vendor=cpe.vendor,
        product=cpe.product,
        versions=_versions(match),
        cpe=match["criteria"],
        platforms=platforms,
        excluded_hardware=excluded,
        # NVD lists every vulnerable version: a version outside the bounds is not affected.
        exhaustive=True,
    )


def configuration_criteria(config: dict[str, Any], ref: str) -> list[Criterion]:
    """The criteria of one NVD configuration (also the shape of CVE JSON 5 `cpeApplicability`)."""
    all_nodes = [n for n in config.get("nodes") or [] if isinstance(n, dict)]
    nodes = [n for n in all_nodes if not n.get("negate")]
    # A negated node in an AND: the configuration holds except on that hardware.
    excluded = tuple(
        m["criteria"]
        for n in all_nodes
        if n.get("negate")
        for m in n.get("cpeMatch") or []
        if m.get("criteria")
    )
    if config.get("operator") == "AND" and len(nodes) > 1:
        entries = [m for node in nodes for m in node.get("cpeMatch") or []]
        hardware = [m for m in entries if parse_cpe(m["criteria"]).part == "h"]
        software = [m for m in entries if parse_cpe(m["criteria"]).part != "h" and m.get("vulnerable")]
        if hardware and software:
            # Firmware AND device: the device is where it runs, whether or not the NVD marks the
            # hardware itself vulnerable too.
            platforms = tuple(_criterion(m, f"{ref} platform {m['criteria']}") for m in hardware)
            return [_criterion(m, f"{ref} {m['criteria']}", platforms, excluded) for m in software]
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
        return [_criterion(m, f"{ref} {m['criteria']}", platforms, excluded) for _, m in vulnerable]
    return [
        _criterion(m, f"{ref} {m['criteria']}", excluded=excluded)
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
    for cve in cve_objects(doc):
        criteria = [
            c
            for i, config in enumerate(cve.get("configurations") or [])
            for c in configuration_criteria(config, f"configurations[{i}]")
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
            kev_date_added=cve.get("cisaExploitAdd"),
            nvd_status=cve.get("vulnStatus"),
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
