"""CVE JSON 5 records: the CNA's `affected[]` products and versions (often the only machine-readable
product data a network vendor publishes), CVSS metrics from the CNA or ADP containers, and what CISA's
ADP container adds (KEV date, SSVC decision points, CPE names)."""

from __future__ import annotations

import re
from typing import Any

from netvet.advisories.checks import Checks
from netvet.advisories.cpe import Cpe, CpeSyntaxError, parse_cpe
from netvet.advisories.families import alias_keys
from netvet.advisories.model import (
    Advisory,
    Criterion,
    ProductStatus,
    SourceFormat,
    ValidationIssue,
    Vulnerability,
)
from netvet.advisories.nvd import configuration_criteria, validate_configurations
from netvet.advisories.ranges import VersionRange, parse_range_text
from netvet.advisories.vendors import simple_tokens
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
    """Every field the reader uses has the type it expects, or the record is rejected with the path."""
    check = Checks("cve5")
    if not isinstance(doc.get("cveMetadata"), dict):
        check.bad("/cveMetadata", "missing cveMetadata object")
        return check.issues
    meta = doc["cveMetadata"]
    if not isinstance(meta.get("cveId"), str) or not CVE_ID.match(meta["cveId"]):
        check.bad("/cveMetadata/cveId", f"not a CVE id: {meta.get('cveId')!r}")
    if meta.get("state") not in ("PUBLISHED", "REJECTED"):
        check.bad("/cveMetadata/state", f"state must be PUBLISHED or REJECTED, not {meta.get('state')!r}")
    if meta.get("state") == "REJECTED":
        check.bad("/cveMetadata/state", "the CVE record is REJECTED: it describes no vulnerability")
        return check.issues
    for key in ("datePublished", "assignerShortName"):
        check.text(meta, key, "/cveMetadata")
    containers = check.object(doc.get("containers"), "/containers", required=True)
    cna = check.object(containers.get("cna"), "/containers/cna", required=bool(containers))
    affected = cna.get("affected")
    if not isinstance(affected, list) or not affected:
        check.bad("/containers/cna/affected", "a published record needs a non-empty affected list")
        return check.issues
    check.text(cna, "title", "/containers/cna")
    for path, description in check.objects(cna.get("descriptions"), "/containers/cna/descriptions"):
        check.text(description, "value", path)
        check.text(description, "lang", path)
    check.text(check.object(cna.get("providerMetadata"), "/containers/cna/providerMetadata"), "shortName",
               "/containers/cna/providerMetadata")  # fmt: skip
    for path, container in [
        ("/containers/cna", cna),
        *check.objects(containers.get("adp"), "/containers/adp"),
    ]:
        _check_container(check, container, path)
    for path, item in check.objects(affected, "/containers/cna/affected"):
        _check_affected(check, item, path)
    return check.issues


def _check_container(check: Checks, container: dict[str, Any], path: str) -> None:
    """What the reader takes from any container: metrics, CPE applicability, ADP's added products."""
    for where, metric in check.objects(container.get("metrics"), f"{path}/metrics"):
        for key in ("cvssV3_1", "cvssV3_0", "cvssV4_0"):
            check.text(check.object(metric.get(key), f"{where}/{key}"), "vectorString", f"{where}/{key}")
        other = check.object(metric.get("other"), f"{where}/other")
        check.text(other, "type", f"{where}/other")
        content = check.object(other.get("content"), f"{where}/other/content")
        check.objects(content.get("options"), f"{where}/other/content/options")
    check.issues.extend(
        validate_configurations(container.get("cpeApplicability"), f"{path}/cpeApplicability", "cve5")
    )
    if path != "/containers/cna":
        for where, item in check.objects(container.get("affected"), f"{path}/affected"):
            check.text(item, "vendor", where)
            check.text(item, "product", where)
            check.texts(item, "cpes", where)


def _check_affected(check: Checks, item: dict[str, Any], base: str) -> None:
    if not (item.get("vendor") and item.get("product")) and not (
        item.get("collectionURL") and item.get("packageName")
    ):
        check.bad(base, "needs vendor and product (or collectionURL and packageName)")
    for key in ("vendor", "product", "packageName"):
        check.text(item, key, base)
    for key in ("platforms", "cpes"):
        check.texts(item, key, base)
    check.choice(item, "defaultStatus", base, _STATUS, "unknown")
    for where, version in check.objects(item.get("versions"), f"{base}/versions"):
        if not isinstance(version.get("version"), str):
            check.bad(f"{where}/version", "each version needs a version string")
            continue
        check.choice(version, "status", where, _STATUS, None)
        for key in ("versionType", "lessThan", "lessThanOrEqual"):
            check.text(version, key, where)
        if ("lessThan" in version or "lessThanOrEqual" in version) and not version.get("versionType"):
            check.bad(f"{where}/versionType", "a range (lessThan/lessThanOrEqual) needs a versionType")
        for at, change in check.objects(version.get("changes"), f"{where}/changes"):
            check.text(change, "at", at, required=True)
            check.choice(change, "status", at, _STATUS, None)


# Versions that say "not stated" rather than name a release.
_UNSTATED = {"n/a", "na", "unspecified", "unknown", "*", "-", "all", "all versions"}


def _is_unstated(version: dict[str, Any]) -> bool:
    return (
        str(version.get("version", "")).strip().lower() in _UNSTATED
        and "lessThan" not in version
        and "lessThanOrEqual" not in version
    )


def _range(version: dict[str, Any]) -> VersionRange:
    start = version["version"].strip()
    version_type = str(version.get("versionType", "")).lower()
    scheme = SCHEME_ALIASES.get(version_type)
    upper_op, upper = (
        ("<", version["lessThan"]) if "lessThan" in version else ("<=", version.get("lessThanOrEqual"))
    )
    if " " in start:
        # Vendors write ranges as text in `version`: "V4.00.10 and earlier", "All versions up to 7.23.23".
        written = parse_range_text(start)
        if upper is None:
            return written or VersionRange.unreadable(start)
        lower = tuple(c for c in written.constraints if c[0] in (">", ">=")) if written else ()
        start = lower[0][1] if lower else "0"
    if upper is None:
        return VersionRange(constraints=(("=", start),), scheme=scheme, text=start)
    if version_type == "git":
        # Commit ranges order only inside the repository's history, which netvet does not have.
        return VersionRange.unreadable(f"git {start} < {upper}")
    constraints: list[tuple[str, str]] = []
    if start.lower() not in _OPEN_LOWER:
        constraints.append((">=", start))
    text = f"{start} {upper_op} {upper}" if start.lower() not in _OPEN_LOWER else f"{upper_op} {upper}"
    fixes = tuple(f.strip() for f in str(upper).split(",") if f.strip())
    if upper_op == "<" and len(fixes) > 1:
        # Juniper: "lessThan": "22.2R2-S1, 22.2R3", one fix per maintenance line.
        return VersionRange(constraints=tuple(constraints), scheme=scheme, text=text, fixes=fixes)
    if fixes and fixes[0] not in ("*",):
        constraints.append((upper_op, fixes[0]))
    if not constraints:
        return VersionRange(scheme=scheme, text=text, any_version=True)
    return VersionRange(constraints=tuple(constraints), scheme=scheme, text=text)


def _criteria(item: dict[str, Any], index: int, siblings_have_versions: bool) -> list[Criterion]:
    vendor = item.get("vendor")
    product = item.get("product") or item.get("packageName")
    default = _STATUS[item["defaultStatus"]] if "defaultStatus" in item else None
    cpes = [c for c in item.get("cpes") or [] if isinstance(c, str)]
    hardware = tuple(str(p) for p in item.get("platforms") or [] if isinstance(p, str) and p.strip())
    ref = f"affected[{index}] {vendor} {product}"
    common = {"vendor": vendor, "product": product, "cpe": cpes[0] if cpes else None, "hardware": hardware}
    versions = item.get("versions") or []
    stated = [v for v in versions if not _is_unstated(v)]
    if not stated:
        if versions and siblings_have_versions:
            # "Cisco IOS XE Software: N/A" beside products with versions: context, not a claim.
            return []
        if versions:
            # The record names the product and a status but no version: nothing can be decided.
            return [Criterion(ref=f"{ref} (versions not stated)", status=ProductStatus.UNKNOWN, **common)]
        # No versions listed: the record speaks of the product as a whole, with defaultStatus.
        return [Criterion(ref=ref, status=default or ProductStatus.UNKNOWN, **common)]
    criteria = []
    for v, version in enumerate(versions):
        if _is_unstated(version):
            continue
        changes = tuple(
            (c["at"], _STATUS.get(c.get("status", ""), ProductStatus.UNKNOWN))
            for c in version.get("changes") or []
            if isinstance(c, dict) and "at" in c
        )
        criteria.append(
            Criterion(
                ref=f"{ref} versions[{v}]",
                status=_STATUS[version["status"]],
                versions=_range(version),
                default_status=default,
                changes=changes,
                **common,
            )
        )
    return criteria


def _adp(doc: dict[str, Any]) -> list[dict[str, Any]]:
    adp = doc["containers"].get("adp")
    return [c for c in adp if isinstance(c, dict)] if isinstance(adp, list) else []


def _adp_flags(doc: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """CISA's vulnrichment: the KEV date added and the SSVC decision points."""
    kev: str | None = None
    ssvc: dict[str, str] = {}
    for container in _adp(doc):
        for metric in container.get("metrics") or []:
            other = metric.get("other") if isinstance(metric, dict) else None
            if not isinstance(other, dict) or not isinstance(other.get("content"), dict):
                continue
            content = other["content"]
            if other.get("type") == "kev":
                kev = str(content.get("dateAdded") or "") or None
            elif other.get("type") == "ssvc":
                for option in content.get("options") or []:
                    if isinstance(option, dict):
                        ssvc.update({str(k): str(v) for k, v in option.items()})
    return kev, ssvc


def _adp_cpes(doc: dict[str, Any], criterion: Criterion) -> str | None:
    """A CPE CISA added for the same product, for a CNA line that gives none."""
    if criterion.cpe or not criterion.product:
        return criterion.cpe
    wanted = set(alias_keys(criterion.product, simple_tokens(criterion.vendor)))
    for container in _adp(doc):
        for item in container.get("affected") or []:
            if not isinstance(item, dict) or not item.get("product"):
                continue
            if wanted & set(alias_keys(str(item["product"]), simple_tokens(item.get("vendor")))):
                for text in item.get("cpes") or []:
                    try:
                        cpe = parse_cpe(str(text))
                    except CpeSyntaxError:
                        continue
                    # The product CISA names, not the one version its CPE happens to carry.
                    return str(Cpe(cpe.part, cpe.vendor, cpe.product))
    return None


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
    containers = [cna, *_adp(doc)]
    with_versions = [any(not _is_unstated(v) for v in item.get("versions") or []) for item in cna["affected"]]
    criteria = [
        c.model_copy(update={"cpe": _adp_cpes(doc, c)})
        for i, item in enumerate(cna["affected"])
        for c in _criteria(item, i, any(with_versions[:i] + with_versions[i + 1 :]))
    ]
    if all(c.versions is None for c in criteria):
        # CVE JSON 5.1.1 `cpeApplicability` (NVD configurations in the record itself): used when
        # the affected list states no version.
        applicable = [
            c
            for container in containers
            for i, config in enumerate(container.get("cpeApplicability") or [])
            for c in configuration_criteria(config, f"cpeApplicability[{i}]")
        ]
        criteria = applicable or criteria
    kev, ssvc = _adp_flags(doc)
    title = cna.get("title") or next(
        (d.get("value") for d in cna.get("descriptions") or [] if (d.get("lang") or "").startswith("en")),
        meta["cveId"],
    )
    vulnerability = Vulnerability(
        cve=meta["cveId"],
        title=title,
        cvss_v3_vector=_metric(containers, "cvssV3_1", "cvssV3_0"),
        cvss_v4_vector=_metric(containers, "cvssV4_0"),
        criteria=tuple(criteria),
        kev_date_added=kev,
        ssvc=ssvc,
    )
    return Advisory(
        id=meta["cveId"],
        source_format=SourceFormat.CVE5,
        title=str(title)[:500],
        publisher=(cna.get("providerMetadata") or {}).get("shortName") or meta.get("assignerShortName"),
        published=meta.get("datePublished"),
        vulnerabilities=(vulnerability,),
    )
