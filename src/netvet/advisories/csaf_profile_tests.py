"""CSAF 2.0 profile tests (6.1.27.1-11) and the VEX flag tests (6.1.32, 6.1.33)."""

from __future__ import annotations

from typing import Any

from netvet.advisories.csaf_paths import Document, as_dict, as_list, product_groups
from netvet.advisories.model import ValidationIssue


def _profile(doc: Document) -> str:
    category = as_dict(doc.get("document")).get("category")
    return category if isinstance(category, str) else ""


def _covers(vuln: dict[str, Any], key: str, groups: dict[str, set[str]]) -> set[str]:
    """Product ids an array of statements (flags, threats, remediations) speaks for."""
    covered: set[str] = set()
    for item in as_list(vuln.get(key)):
        item = as_dict(item)
        if key == "threats" and item.get("category") != "impact":
            continue
        covered.update(x for x in as_list(item.get("product_ids")) if isinstance(x, str))
        for gid in as_list(item.get("group_ids")):
            covered.update(groups.get(gid, set()))
    return covered


def test_6_1_27(doc: Document) -> list[ValidationIssue]:
    """The profile tests 6.1.27.1 to 6.1.27.11, each run only for the categories it names."""
    profile = _profile(doc)
    issues: list[ValidationIssue] = []

    def fail(number: str, path: str, message: str) -> None:
        issues.append(ValidationIssue(test=f"6.1.27.{number}", path=path, message=message))

    document = as_dict(doc.get("document"))
    vulns = as_list(doc.get("vulnerabilities"))
    if profile in ("csaf_informational_advisory", "csaf_security_incident_response"):
        notes = [as_dict(n).get("category") for n in as_list(document.get("notes"))]
        if not any(c in ("description", "details", "general", "summary") for c in notes):
            fail("1", "/document/notes", "no note of category description, details, general or summary")
        refs = [as_dict(r).get("category") for r in as_list(document.get("references"))]
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
        g["group_id"]: {x for x in as_list(g.get("product_ids")) if isinstance(x, str)}
        for g, _ in product_groups(doc)
        if isinstance(g.get("group_id"), str)
    }
    for v, vuln in enumerate(vulns):
        vuln = as_dict(vuln)
        base = f"/vulnerabilities/{v}"
        if "notes" not in vuln:
            fail("5", f"{base}/notes", "the vulnerability has no notes")
        status = vuln.get("product_status")
        if profile == "csaf_security_advisory" and status is None:
            fail("6", f"{base}/product_status", "the vulnerability has no product_status")
        if profile != "csaf_vex":
            continue
        status = as_dict(status)
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
        for p, pid in enumerate(as_list(status.get("known_not_affected"))):
            if pid not in with_impact:
                fail(
                    "9",
                    f"{base}/product_status/known_not_affected/{p}",
                    f"no impact statement (flag or impact threat) for {pid!r}",
                )
        with_action = _covers(vuln, "remediations", groups)
        for p, pid in enumerate(as_list(status.get("known_affected"))):
            if pid not in with_action:
                fail(
                    "10",
                    f"{base}/product_status/known_affected/{p}",
                    f"no action statement (remediation) for {pid!r}",
                )
    return issues


def test_6_1_32(doc: Document) -> list[ValidationIssue]:
    issues = []
    for v, vuln in enumerate(as_list(doc.get("vulnerabilities"))):
        for f, flag in enumerate(as_list(as_dict(vuln).get("flags"))):
            flag = as_dict(flag)
            if not flag.get("product_ids") and not flag.get("group_ids"):
                issues.append(
                    ValidationIssue(
                        test="6.1.32",
                        path=f"/vulnerabilities/{v}/flags/{f}",
                        message="the flag names neither product_ids nor group_ids",
                    )
                )
    return issues


def test_6_1_33(doc: Document) -> list[ValidationIssue]:
    groups = {
        g["group_id"]: [x for x in as_list(g.get("product_ids")) if isinstance(x, str)]
        for g, _ in product_groups(doc)
        if isinstance(g.get("group_id"), str)
    }
    issues = []
    for v, vuln in enumerate(as_list(doc.get("vulnerabilities"))):
        flagged: dict[str, int] = {}
        for f, flag in enumerate(as_list(as_dict(vuln).get("flags"))):
            flag = as_dict(flag)
            products = [*as_list(flag.get("product_ids"))]
            for gid in as_list(flag.get("group_ids")):
                products.extend(groups.get(gid, []))
            for pid in dict.fromkeys(products):
                if pid in flagged and flagged[pid] != f:
                    issues.append(
                        ValidationIssue(
                            test="6.1.33",
                            path=f"/vulnerabilities/{v}/flags/{f}",
                            message=f"{pid!r} already has a VEX justification (flags/{flagged[pid]})",
                        )
                    )
                flagged.setdefault(pid, f)
    return issues
