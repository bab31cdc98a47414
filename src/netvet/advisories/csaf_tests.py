"""The CSAF 2.0 mandatory tests (section 6.1) that matter for matching and for the VEX netvet writes.

Implemented: 6.1.1-6.1.6 (product and group ids defined, unique, not circular; no contradicting
product status), 6.1.13 (purl), 6.1.26 (prohibited category name: a mistyped profile), 6.1.27.1-11
(profile tests), 6.1.31 (version range in product_version). Each failure carries the test number
and the JSON path, as the specification words them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from packageurl import PackageURL

from netvet.advisories.model import ValidationIssue

Document = dict[str, Any]
PROFILES = (
    "csaf_base",
    "csaf_security_incident_response",
    "csaf_informational_advisory",
    "csaf_security_advisory",
    "csaf_vex",
)
PRODUCT_STATUS_GROUPS = (
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
)
# 6.1.6: the sets formed by these groups must be pairwise disjoint within one vulnerability.
CONTRADICTION_GROUPS = {
    "affected": ("first_affected", "known_affected", "last_affected"),
    "not affected": ("known_not_affected",),
    "fixed": ("first_fixed", "fixed"),
    "under investigation": ("under_investigation",),
}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def walk_branches(branches: Any, path: str) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]]]]:
    """Every branch with its JSON path and its ancestors (outermost first)."""

    def walk(
        items: Any, here: str, ancestors: list[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]]]]:
        for i, branch in enumerate(_list(items)):
            if not isinstance(branch, dict):
                continue
            branch_path = f"{here}/{i}"
            yield branch, branch_path, ancestors
            yield from walk(branch.get("branches"), f"{branch_path}/branches", [*ancestors, branch])

    yield from walk(branches, path, [])


def full_product_names(doc: Document) -> Iterator[tuple[dict[str, Any], str]]:
    """Every full_product_name_t element with its JSON path (6.1.2's relevant paths)."""
    tree = _dict(doc.get("product_tree"))
    for branch, path, _ in walk_branches(tree.get("branches"), "/product_tree/branches"):
        if isinstance(branch.get("product"), dict):
            yield branch["product"], f"{path}/product"
    for i, fpn in enumerate(_list(tree.get("full_product_names"))):
        if isinstance(fpn, dict):
            yield fpn, f"/product_tree/full_product_names/{i}"
    for i, rel in enumerate(_list(tree.get("relationships"))):
        if isinstance(rel, dict) and isinstance(rel.get("full_product_name"), dict):
            yield rel["full_product_name"], f"/product_tree/relationships/{i}/full_product_name"


def product_references(doc: Document) -> Iterator[tuple[str, str]]:
    """Every product id that refers to a definition, with its path (6.1.1's relevant paths)."""
    tree = _dict(doc.get("product_tree"))
    for g, group in enumerate(_list(tree.get("product_groups"))):
        for p, pid in enumerate(_list(_dict(group).get("product_ids"))):
            yield pid, f"/product_tree/product_groups/{g}/product_ids/{p}"
    for r, rel in enumerate(_list(tree.get("relationships"))):
        rel = _dict(rel)
        for key in ("product_reference", "relates_to_product_reference"):
            if isinstance(rel.get(key), str):
                yield rel[key], f"/product_tree/relationships/{r}/{key}"
    for v, vuln in enumerate(_list(doc.get("vulnerabilities"))):
        vuln = _dict(vuln)
        status = _dict(vuln.get("product_status"))
        for group in PRODUCT_STATUS_GROUPS:
            for p, pid in enumerate(_list(status.get(group))):
                yield pid, f"/vulnerabilities/{v}/product_status/{group}/{p}"
        for key, field in (
            ("flags", "product_ids"),
            ("remediations", "product_ids"),
            ("scores", "products"),
            ("threats", "product_ids"),
        ):
            for i, item in enumerate(_list(vuln.get(key))):
                for p, pid in enumerate(_list(_dict(item).get(field))):
                    yield pid, f"/vulnerabilities/{v}/{key}/{i}/{field}/{p}"


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
    relationships = _list(_dict(doc.get("product_tree")).get("relationships"))
    # Each product id defined by a relationship depends on the two ids it joins.
    depends: dict[str, set[str]] = {}
    paths: dict[str, str] = {}
    for r, rel in enumerate(relationships):
        rel = _dict(rel)
        pid = _dict(rel.get("full_product_name")).get("product_id")
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
    for v, vuln in enumerate(_list(doc.get("vulnerabilities"))):
        for key in ("flags", "remediations", "threats"):
            for i, item in enumerate(_list(_dict(vuln).get(key))):
                for g, gid in enumerate(_list(_dict(item).get("group_ids"))):
                    yield gid, f"/vulnerabilities/{v}/{key}/{i}/group_ids/{g}"


def _groups(doc: Document) -> list[tuple[dict[str, Any], str]]:
    groups = _list(_dict(doc.get("product_tree")).get("product_groups"))
    return [(g, f"/product_tree/product_groups/{i}") for i, g in enumerate(groups) if isinstance(g, dict)]


def test_6_1_4(doc: Document) -> list[ValidationIssue]:
    defined = {g.get("group_id") for g, _ in _groups(doc)}
    return [
        ValidationIssue(test="6.1.4", path=path, message=f"product group id {gid!r} is not defined")
        for gid, path in _group_references(doc)
        if gid not in defined
    ]


def test_6_1_5(doc: Document) -> list[ValidationIssue]:
    seen: dict[str, str] = {}
    issues = []
    for group, path in _groups(doc):
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
    for v, vuln in enumerate(_list(doc.get("vulnerabilities"))):
        status = _dict(_dict(vuln).get("product_status"))
        member_of: dict[str, str] = {}
        for contradiction, groups in CONTRADICTION_GROUPS.items():
            for group in groups:
                for p, pid in enumerate(_list(status.get(group))):
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
        purl = _dict(fpn.get("product_identification_helper")).get("purl")
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
    category = _dict(doc.get("document")).get("category")
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


def _profile(doc: Document) -> str:
    category = _dict(doc.get("document")).get("category")
    return category if isinstance(category, str) else ""


def _covers(vuln: dict[str, Any], key: str, groups: dict[str, set[str]]) -> set[str]:
    """Product ids an array of statements (flags, threats, remediations) speaks for."""
    covered: set[str] = set()
    for item in _list(vuln.get(key)):
        item = _dict(item)
        if key == "threats" and item.get("category") != "impact":
            continue
        covered.update(x for x in _list(item.get("product_ids")) if isinstance(x, str))
        for gid in _list(item.get("group_ids")):
            covered.update(groups.get(gid, set()))
    return covered


def test_6_1_27(doc: Document) -> list[ValidationIssue]:
    """The profile tests 6.1.27.1 to 6.1.27.11, each run only for the categories it names."""
    profile = _profile(doc)
    issues: list[ValidationIssue] = []

    def fail(number: str, path: str, message: str) -> None:
        issues.append(ValidationIssue(test=f"6.1.27.{number}", path=path, message=message))

    document = _dict(doc.get("document"))
    vulns = _list(doc.get("vulnerabilities"))
    if profile in ("csaf_informational_advisory", "csaf_security_incident_response"):
        notes = [_dict(n).get("category") for n in _list(document.get("notes"))]
        if not any(c in ("description", "details", "general", "summary") for c in notes):
            fail("1", "/document/notes", "no note of category description, details, general or summary")
        refs = [_dict(r).get("category") for r in _list(document.get("references"))]
        if "external" not in refs:
            fail("2", "/document/references", "no reference of category external")
    if profile == "csaf_informational_advisory" and "vulnerabilities" in doc:
        fail("3", "/vulnerabilities", "an informational advisory must not list vulnerabilities")
    if profile not in ("csaf_security_advisory", "csaf_vex"):
        return issues
    if "product_tree" not in doc:
        fail("4", "/product_tree", f"{profile} requires a product tree")
    if "vulnerabilities" not in doc:
        fail("11", "/vulnerabilities", f"{profile} requires vulnerabilities")
    groups = {
        g["group_id"]: {x for x in _list(g.get("product_ids")) if isinstance(x, str)}
        for g, _ in _groups(doc)
        if isinstance(g.get("group_id"), str)
    }
    for v, vuln in enumerate(vulns):
        vuln = _dict(vuln)
        base = f"/vulnerabilities/{v}"
        if "notes" not in vuln:
            fail("5", f"{base}/notes", "the vulnerability has no notes")
        status = vuln.get("product_status")
        if profile == "csaf_security_advisory" and status is None:
            fail("6", f"{base}/product_status", "the vulnerability has no product_status")
        if profile != "csaf_vex":
            continue
        status = _dict(status)
        if not any(
            k in status for k in ("fixed", "known_affected", "known_not_affected", "under_investigation")
        ):
            fail(
                "7",
                f"{base}/product_status",
                "none of fixed, known_affected, known_not_affected, under_investigation",
            )
        if "cve" not in vuln and "ids" not in vuln:
            fail("8", base, "neither cve nor ids is present")
        with_impact = _covers(vuln, "flags", groups) | _covers(vuln, "threats", groups)
        for p, pid in enumerate(_list(status.get("known_not_affected"))):
            if pid not in with_impact:
                fail(
                    "9",
                    f"{base}/product_status/known_not_affected/{p}",
                    f"no impact statement (flag or impact threat) for {pid!r}",
                )
        with_action = _covers(vuln, "remediations", groups)
        for p, pid in enumerate(_list(status.get("known_affected"))):
            if pid not in with_action:
                fail(
                    "10",
                    f"{base}/product_status/known_affected/{p}",
                    f"no action statement (remediation) for {pid!r}",
                )
    return issues


_RANGE_OPERATORS = ("<", ">")  # "<=" and ">=" contain these
_RANGE_WORDS = {"after", "all", "before", "earlier", "later", "prior", "versions"}


def test_6_1_31(doc: Document) -> list[ValidationIssue]:
    issues = []
    tree = _dict(doc.get("product_tree"))
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
    "6.1.13": test_6_1_13,
    "6.1.26": test_6_1_26,
    "6.1.27": test_6_1_27,
    "6.1.31": test_6_1_31,
}


def mandatory_issues(doc: Document) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for run in MANDATORY_TESTS.values():
        issues.extend(run(doc))
    return issues
