"""CSAF 2.0 reader: validate (schema and mandatory tests), then turn the product tree and product
status groups into matcher criteria."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from packageurl import PackageURL

from netvet.advisories.cpe import ANY, CpeSyntaxError, parse_cpe
from netvet.advisories.csaf_paths import walk_branches
from netvet.advisories.csaf_schema import schema_issues
from netvet.advisories.csaf_tests import mandatory_issues
from netvet.advisories.model import (
    Advisory,
    Criterion,
    ProductStatus,
    SourceFormat,
    ValidationIssue,
    Vulnerability,
)
from netvet.advisories.ranges import RangeSyntaxError, VersionRange, parse_range_text

# Branch categories that carry a version; the deepest one wins (Cisco nests service_pack under
# product_version: 12.2SE > 12.2(55)SE3).
_VERSION_CATEGORIES = ("product_version", "service_pack", "patch_level")
_PRODUCT_CATEGORIES = ("product_name", "product_family", "architecture")

_STATUS_OF_GROUP = {
    "known_affected": ProductStatus.AFFECTED,
    "first_affected": ProductStatus.AFFECTED,
    "last_affected": ProductStatus.AFFECTED,
    "fixed": ProductStatus.FIXED,
    "first_fixed": ProductStatus.FIXED,
    "known_not_affected": ProductStatus.NOT_AFFECTED,
    "under_investigation": ProductStatus.UNDER_INVESTIGATION,
}
# first_affected / last_affected / first_fixed name one version of a release train; the versions
# they imply run from it onwards (or up to it).
_GROUP_BOUND = {"first_affected": ">=", "last_affected": "<=", "first_fixed": ">="}


def validate_csaf(document: Any) -> list[ValidationIssue]:
    """Schema violations first; the mandatory tests run only on a document the schema accepts."""
    issues = schema_issues(document)
    if issues:
        return issues
    return mandatory_issues(document)


@dataclass(frozen=True)
class _Product:
    vendor: str | None
    product: str | None
    versions: VersionRange | None
    cpe: str | None
    purl: str | None
    name: str
    models: tuple[str, ...] = ()


def _product_from(
    fpn: dict[str, Any], ancestors: list[dict[str, Any]], branch: dict[str, Any] | None, publisher: str | None
) -> _Product:
    chain = [*ancestors, *([branch] if branch is not None else [])]
    vendor = next((b.get("name") for b in chain if b.get("category") == "vendor"), None)
    products = [b["name"] for b in chain if b.get("category") in _PRODUCT_CATEGORIES]
    product = products[-1] if products else None
    versions: VersionRange | None = None
    for b in chain:
        category = b.get("category")
        if category in _VERSION_CATEGORIES:
            versions = VersionRange.exact(str(b["name"]))
        elif category == "product_version_range":
            try:
                versions = parse_range_text(str(b["name"])) or VersionRange.unreadable(str(b["name"]))
            except RangeSyntaxError:
                versions = VersionRange.unreadable(str(b["name"]))
    helper = fpn.get("product_identification_helper") or {}
    cpe, purl = helper.get("cpe"), helper.get("purl")
    if cpe:
        try:
            parsed = parse_cpe(cpe)
            vendor = vendor or parsed.vendor
            product = product or parsed.product
            if versions is None and parsed.version not in (ANY, "-"):
                versions = VersionRange.exact(parsed.version)
        except CpeSyntaxError:
            cpe = None
    if purl:
        try:
            package = PackageURL.from_string(purl)
            vendor = vendor or package.namespace
            product = product or package.name
            if versions is None and package.version:
                versions = VersionRange.exact(package.version)
        except ValueError:
            purl = None
    if vendor is None:
        vendor = publisher
    if product is None and branch is None:
        product = fpn.get("name")
    # Network vendors put the device models a product line covers in model_numbers.
    models = tuple(m for m in helper.get("model_numbers") or [] if isinstance(m, str))
    return _Product(vendor, product, versions, cpe, purl, str(fpn.get("name", "")), models)


def _products(doc: dict[str, Any]) -> dict[str, tuple[_Product, tuple[str, ...]]]:
    """Each product id, its description, and the product ids of the platforms it is installed on."""
    document = doc["document"]
    publisher = document["publisher"]
    vendor_publisher = publisher["name"] if publisher.get("category") == "vendor" else None
    tree = doc.get("product_tree") or {}
    found: dict[str, tuple[_Product, tuple[str, ...]]] = {}
    for branch, _path, ancestors in walk_branches(tree.get("branches"), "/product_tree/branches"):
        fpn = branch.get("product")
        if isinstance(fpn, dict):
            found[fpn["product_id"]] = (_product_from(fpn, ancestors, branch, vendor_publisher), ())
    for fpn in tree.get("full_product_names") or []:
        found[fpn["product_id"]] = (_product_from(fpn, [], None, vendor_publisher), ())
    for rel in tree.get("relationships") or []:
        software = found.get(rel["product_reference"])
        pid = rel["full_product_name"]["product_id"]
        if software is None:
            continue
        if rel["category"] in (
            "installed_on",
            "default_component_of",
            "external_component_of",
            "optional_component_of",
        ):
            found[pid] = (software[0], (rel["relates_to_product_reference"],))
        else:
            found[pid] = software
    return found


def _criterion(
    pid: str,
    products: dict[str, tuple[_Product, tuple[str, ...]]],
    status: ProductStatus,
    depth: int = 0,
) -> Criterion | None:
    entry = products.get(pid)
    if entry is None or depth > 8:
        return None
    product, platform_ids = entry
    platforms = tuple(
        c
        for c in (_criterion(p, products, ProductStatus.AFFECTED, depth + 1) for p in platform_ids)
        if c is not None
    )
    versions = product.versions
    return Criterion(
        ref=f"product {pid} ({product.name})",
        status=status,
        vendor=product.vendor,
        product=product.product,
        versions=versions,
        cpe=product.cpe,
        purl=product.purl,
        platforms=platforms,
        # A vendor range says which versions are hit; a list of single versions does not say the
        # rest are safe.
        exhaustive=versions is not None and not versions.is_exact and status is ProductStatus.AFFECTED,
    )


def _cvss(vuln: dict[str, Any]) -> str | None:
    best: tuple[float, str] | None = None
    for score in vuln.get("scores") or []:
        v3 = score.get("cvss_v3")
        if v3 and (best is None or v3.get("baseScore", 0) > best[0]):
            best = (float(v3.get("baseScore", 0)), v3["vectorString"])
    return best[1] if best else None


def read_csaf(doc: dict[str, Any]) -> Advisory:
    """An Advisory from a CSAF document that `validate_csaf` accepted."""
    document = doc["document"]
    products = _products(doc)
    vulnerabilities = []
    for vuln in doc.get("vulnerabilities") or []:
        criteria: list[Criterion] = []
        for group, ids in (vuln.get("product_status") or {}).items():
            status = _STATUS_OF_GROUP.get(group)
            if status is None:
                continue
            for pid in ids:
                criterion = _criterion(pid, products, status)
                if criterion is None:
                    continue
                bound = _GROUP_BOUND.get(group)
                if bound and criterion.versions is not None and criterion.versions.is_exact:
                    version = criterion.versions.constraints[0][1]
                    criterion = criterion.model_copy(
                        update={
                            "versions": replace(
                                criterion.versions, constraints=((bound, version),), text=f"{bound}{version}"
                            )
                        }
                    )
                criteria.append(criterion)
                for model in products[pid][0].models:
                    criteria.append(
                        criterion.model_copy(
                            update={"product": model, "cpe": None, "ref": f"{criterion.ref} model {model}"}
                        )
                    )
        vulnerabilities.append(
            Vulnerability(
                cve=vuln.get("cve"),
                ids=tuple(f"{i['system_name']}:{i['text']}" for i in vuln.get("ids") or []),
                title=vuln.get("title"),
                cvss_v3_vector=_cvss(vuln),
                criteria=tuple(criteria),
            )
        )
    tracking = document["tracking"]
    return Advisory(
        id=tracking["id"],
        source_format=SourceFormat.CSAF,
        title=document["title"],
        publisher=document["publisher"]["name"],
        published=tracking.get("initial_release_date"),
        category=document["category"],
        vulnerabilities=tuple(vulnerabilities),
    )
