"""The CSAF 2.0 mandatory tests (section 6.1) that matter for matching and for the VEX netvet writes.

Implemented: 6.1.1-6.1.6 (product and group ids defined, unique, not circular; no contradicting
product status), 6.1.7, 6.1.9, 6.1.10 (CVSS scores, in csaf_cvss_tests), 6.1.13 (purl), 6.1.26
(prohibited category name: a mistyped profile), 6.1.27.1-11 (profile tests), 6.1.31 (version range
in product_version), 6.1.32 and 6.1.33 (VEX flags). Each failure carries the test number
and the JSON path, as the specification words them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from packageurl import PackageURL

from netvet.advisories.csaf_cvss_tests import test_6_1_7, test_6_1_9, test_6_1_10
from netvet.advisories.csaf_paths import (
    Document,
    as_dict,
    as_list,
    full_product_names,
    product_groups,
    product_references,
    walk_branches,
)
from netvet.advisories.csaf_profile_tests import test_6_1_27, test_6_1_32, test_6_1_33
from netvet.advisories.model import ValidationIssue

PROFILES = (
    "csaf_base",
    "csaf_security_incident_response",
    "csaf_informational_advisory",
    "csaf_security_advisory",
    "csaf_vex",
)
# 6.1.6: the sets formed by these groups must be pairwise disjoint within one vulnerability.
CONTRADICTION_GROUPS = {
    "affected": ("first_affected", "known_affected", "last_affected"),
    "not affected": ("known_not_affected",),
    "fixed": ("first_fixed", "fixed"),
    "under investigation": ("under_investigation",),
}


def _defined_product_ids(doc: Document) -> set[str]:
    return {fpn["product_id"] for fpn, _ in full_product_names(doc) if isinstance(fpn.get("product_id"), str)}


def test_6_1_1(doc: Document) -> list[ValidationIssue]:
    defined = _defined_product_ids(doc)
    return [
        ValidationIssue(
            test="6.1.1", path=path, message=f"product id {pid!r} is not defined in the product tree"
        )
        for pid, path in product_references(doc)
        if isinstance(pid, str) and pid not in defined
    ]


def test_6_1_2(doc: Document) -> list[ValidationIssue]:
    seen: dict[str, str] = {}
    issues = []
    for fpn, path in full_product_names(doc):
        pid = fpn.get("product_id")
        if not isinstance(pid, str):
            continue
        if pid in seen:
            issues.append(
                ValidationIssue(
                    test="6.1.2",
                    path=f"{path}/product_id",
                    message=f"product id {pid!r} was already defined at {seen[pid]}",
                )
            )
        else:
            seen[pid] = f"{path}/product_id"
    return issues


def test_6_1_3(doc: Document) -> list[ValidationIssue]:
    relationships = as_list(as_dict(doc.get("product_tree")).get("relationships"))
    # Each product id defined by a relationship depends on the two ids it joins.
    depends: dict[str, set[str]] = {}
    paths: dict[str, str] = {}
    for r, rel in enumerate(relationships):
        rel = as_dict(rel)
        pid = as_dict(rel.get("full_product_name")).get("product_id")
        if not isinstance(pid, str):
            continue
        refs = {rel.get("product_reference"), rel.get("relates_to_product_reference")}
        depends.setdefault(pid, set()).update(x for x in refs if isinstance(x, str))
        paths.setdefault(pid, f"/product_tree/relationships/{r}/full_product_name/product_id")
    issues = []
    for start in depends:
        stack, seen = list(depends[start]), set()
        while stack:
            current = stack.pop()
            if current == start:
                issues.append(
                    ValidationIssue(
                        test="6.1.3", path=paths[start], message=f"product id {start!r} depends on itself"
                    )
                )
                break
            if current not in seen:
                seen.add(current)
                stack.extend(depends.get(current, ()))
    return issues


def _group_references(doc: Document) -> Iterator[tuple[str, str]]:
    for v, vuln in enumerate(as_list(doc.get("vulnerabilities"))):
        for key in ("flags", "remediations", "threats"):
            for i, item in enumerate(as_list(as_dict(vuln).get(key))):
                for g, gid in enumerate(as_list(as_dict(item).get("group_ids"))):
                    yield gid, f"/vulnerabilities/{v}/{key}/{i}/group_ids/{g}"


def test_6_1_4(doc: Document) -> list[ValidationIssue]:
    defined = {g.get("group_id") for g, _ in product_groups(doc)}
    return [
        ValidationIssue(test="6.1.4", path=path, message=f"product group id {gid!r} is not defined")
        for gid, path in _group_references(doc)
        if gid not in defined
    ]


def test_6_1_5(doc: Document) -> list[ValidationIssue]:
    seen: dict[str, str] = {}
    issues = []
    for group, path in product_groups(doc):
        gid = group.get("group_id")
        if not isinstance(gid, str):
            continue
        if gid in seen:
            issues.append(
                ValidationIssue(
                    test="6.1.5", path=f"{path}/group_id", message=f"group id {gid!r} was already defined"
                )
            )
        seen.setdefault(gid, path)
    return issues


def test_6_1_6(doc: Document) -> list[ValidationIssue]:
    issues = []
    for v, vuln in enumerate(as_list(doc.get("vulnerabilities"))):
        status = as_dict(as_dict(vuln).get("product_status"))
        member_of: dict[str, str] = {}
        for contradiction, groups in CONTRADICTION_GROUPS.items():
            for group in groups:
                for p, pid in enumerate(as_list(status.get(group))):
                    earlier = member_of.get(pid)
                    if earlier is not None and earlier != contradiction:
                        issues.append(
                            ValidationIssue(
                                test="6.1.6",
                                path=f"/vulnerabilities/{v}/product_status/{group}/{p}",
                                message=f"product id {pid!r} is both {earlier} and {contradiction}",
                            )
                        )
                    member_of.setdefault(pid, contradiction)
    return issues


def test_6_1_13(doc: Document) -> list[ValidationIssue]:
    issues = []
    for fpn, path in full_product_names(doc):
        purl = as_dict(fpn.get("product_identification_helper")).get("purl")
        if not isinstance(purl, str):
            continue
        try:
            PackageURL.from_string(purl)
        except ValueError as exc:
            issues.append(
                ValidationIssue(
                    test="6.1.13",
                    path=f"{path}/product_identification_helper/purl",
                    message=f"invalid purl {purl!r}: {exc}",
                )
            )
    return issues


def _squash(value: str) -> str:
    return re.sub(r"[-\s_]", "", value.lower())


# Names and values of the profiles other than CSAF Base, squashed as 6.1.26 prescribes.
_PROFILE_NAMES = {
    _squash(x)
    for x in (
        "Security incident response",
        "security_incident_response",
        "Informational Advisory",
        "informational_advisory",
        "Security Advisory",
        "security_advisory",
        "VEX",
        "vex",
        "csaf_security_incident_response",
        "csaf_informational_advisory",
        "csaf_security_advisory",
        "csaf_vex",
    )
}


def test_6_1_26(doc: Document) -> list[ValidationIssue]:
    category = as_dict(doc.get("document")).get("category")
    if not isinstance(category, str) or category in PROFILES:
        return []
    path = "/document/category"
    if category.lower().startswith("csaf_"):
        return [
            ValidationIssue(
                test="6.1.26",
                path=path,
                message=f"unknown profile {category!r}: the prefix csaf_ is reserved for the CSAF profiles",
            )
        ]
    if _squash(category) in _PROFILE_NAMES:
        return [
            ValidationIssue(
                test="6.1.26",
                path=path,
                message=f"category {category!r} is a profile name written differently; use its exact value",
            )
        ]
    return []


_RANGE_OPERATORS = ("<", ">")  # "<=" and ">=" contain these
_RANGE_WORDS = {"after", "all", "before", "earlier", "later", "prior", "versions"}


def test_6_1_31(doc: Document) -> list[ValidationIssue]:
    issues = []
    tree = as_dict(doc.get("product_tree"))
    for branch, path, _ in walk_branches(tree.get("branches"), "/product_tree/branches"):
        name = branch.get("name")
        if branch.get("category") != "product_version" or not isinstance(name, str):
            continue
        lowered = name.lower()
        # Words count only when whitespace-separated: "after-eight" is a version name, not a range.
        if any(op in lowered for op in _RANGE_OPERATORS) or _RANGE_WORDS & set(lowered.split()):
            issues.append(
                ValidationIssue(
                    test="6.1.31",
                    path=f"{path}/name",
                    message=f"product_version {name!r} is a version range; use product_version_range",
                )
            )
    return issues


MANDATORY_TESTS: dict[str, Callable[[Document], list[ValidationIssue]]] = {
    "6.1.1": test_6_1_1,
    "6.1.2": test_6_1_2,
    "6.1.3": test_6_1_3,
    "6.1.4": test_6_1_4,
    "6.1.5": test_6_1_5,
    "6.1.6": test_6_1_6,
    "6.1.7": test_6_1_7,
    "6.1.9": test_6_1_9,
    "6.1.10": test_6_1_10,
    "6.1.13": test_6_1_13,
    "6.1.26": test_6_1_26,
    "6.1.27": test_6_1_27,
    "6.1.31": test_6_1_31,
    "6.1.32": test_6_1_32,
    "6.1.33": test_6_1_33,
}


def mandatory_issues(doc: Document) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for run in MANDATORY_TESTS.values():
        issues.extend(run(doc))
    return issues
