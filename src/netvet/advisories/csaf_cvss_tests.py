"""CSAF 2.0 mandatory tests on CVSS scores, which prioritisation reads: 6.1.7 (one score per CVSS
version and product), 6.1.9 (scores computed correctly, with the `cvss` library), 6.1.10 (properties
that contradict the vector)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cvss import CVSS2, CVSS3
from cvss.exceptions import CVSSError

from netvet.advisories.model import ValidationIssue

Document = dict[str, Any]

# CVSS JSON property -> (vector metric, {vector value: property value}); metrics a vector leaves
# out read as "not defined" (X in v3, ND in v2).
_V3 = {
    "attackVector": ("AV", {"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"}),
    "attackComplexity": ("AC", {"L": "LOW", "H": "HIGH"}),
    "privilegesRequired": ("PR", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "userInteraction": ("UI", {"N": "NONE", "R": "REQUIRED"}),
    "scope": ("S", {"U": "UNCHANGED", "C": "CHANGED"}),
    "confidentialityImpact": ("C", {"H": "HIGH", "L": "LOW", "N": "NONE"}),
    "integrityImpact": ("I", {"H": "HIGH", "L": "LOW", "N": "NONE"}),
    "availabilityImpact": ("A", {"H": "HIGH", "L": "LOW", "N": "NONE"}),
    "exploitCodeMaturity": (
        "E", {"X": "NOT_DEFINED", "U": "UNPROVEN", "P": "PROOF_OF_CONCEPT", "F": "FUNCTIONAL", "H": "HIGH"}
    ),
    "remediationLevel": (
        "RL", {"X": "NOT_DEFINED", "O": "OFFICIAL_FIX", "T": "TEMPORARY_FIX", "W": "WORKAROUND", "U": "UNAVAILABLE"}
    ),
    "reportConfidence": ("RC", {"X": "NOT_DEFINED", "U": "UNKNOWN", "R": "REASONABLE", "C": "CONFIRMED"}),
    "confidentialityRequirement": ("CR", {"X": "NOT_DEFINED", "L": "LOW", "M": "MEDIUM", "H": "HIGH"}),
    "integrityRequirement": ("IR", {"X": "NOT_DEFINED", "L": "LOW", "M": "MEDIUM", "H": "HIGH"}),
    "availabilityRequirement": ("AR", {"X": "NOT_DEFINED", "L": "LOW", "M": "MEDIUM", "H": "HIGH"}),
    "modifiedAttackVector": (
        "MAV", {"X": "NOT_DEFINED", "N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"}
    ),
    "modifiedAttackComplexity": ("MAC", {"X": "NOT_DEFINED", "L": "LOW", "H": "HIGH"}),
    "modifiedPrivilegesRequired": ("MPR", {"X": "NOT_DEFINED", "N": "NONE", "L": "LOW", "H": "HIGH"}),
    "modifiedUserInteraction": ("MUI", {"X": "NOT_DEFINED", "N": "NONE", "R": "REQUIRED"}),
    "modifiedScope": ("MS", {"X": "NOT_DEFINED", "U": "UNCHANGED", "C": "CHANGED"}),
    "modifiedConfidentialityImpact": ("MC", {"X": "NOT_DEFINED", "H": "HIGH", "L": "LOW", "N": "NONE"}),
    "modifiedIntegrityImpact": ("MI", {"X": "NOT_DEFINED", "H": "HIGH", "L": "LOW", "N": "NONE"}),
    "modifiedAvailabilityImpact": ("MA", {"X": "NOT_DEFINED", "H": "HIGH", "L": "LOW", "N": "NONE"}),
}  # fmt: skip
_V2 = {
    "accessVector": ("AV", {"L": "LOCAL", "A": "ADJACENT_NETWORK", "N": "NETWORK"}),
    "accessComplexity": ("AC", {"H": "HIGH", "M": "MEDIUM", "L": "LOW"}),
    "authentication": ("Au", {"M": "MULTIPLE", "S": "SINGLE", "N": "NONE"}),
    "confidentialityImpact": ("C", {"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}),
    "integrityImpact": ("I", {"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}),
    "availabilityImpact": ("A", {"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}),
    "exploitability": (
        "E", {"U": "UNPROVEN", "POC": "PROOF_OF_CONCEPT", "F": "FUNCTIONAL", "H": "HIGH", "ND": "NOT_DEFINED"}
    ),
    "remediationLevel": (
        "RL", {"OF": "OFFICIAL_FIX", "TF": "TEMPORARY_FIX", "W": "WORKAROUND", "U": "UNAVAILABLE", "ND": "NOT_DEFINED"}
    ),
    "reportConfidence": ("RC", {"UC": "UNCONFIRMED", "UR": "UNCORROBORATED", "C": "CONFIRMED", "ND": "NOT_DEFINED"}),
    "collateralDamagePotential": (
        "CDP", {"N": "NONE", "L": "LOW", "LM": "LOW_MEDIUM", "MH": "MEDIUM_HIGH", "H": "HIGH", "ND": "NOT_DEFINED"}
    ),
    "targetDistribution": ("TD", {"N": "NONE", "L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}),
    "confidentialityRequirement": ("CR", {"L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}),
    "integrityRequirement": ("IR", {"L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}),
    "availabilityRequirement": ("AR", {"L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}),
}  # fmt: skip


def _scores(doc: Document) -> Iterator[tuple[int, int, dict[str, Any]]]:
    for v, vuln in enumerate(doc.get("vulnerabilities") or []):
        for s, score in enumerate(vuln.get("scores") or [] if isinstance(vuln, dict) else []):
            if isinstance(score, dict):
                yield v, s, score


def test_6_1_7(doc: Document) -> list[ValidationIssue]:
    issues = []
    seen: dict[tuple[int, str, str], int] = {}
    for v, s, score in _scores(doc):
        for key in ("cvss_v2", "cvss_v3"):
            cvss = score.get(key)
            if not isinstance(cvss, dict):
                continue
            for product in score.get("products") or []:
                slot = (v, str(cvss.get("version")), product)
                if slot in seen and seen[slot] != s:
                    issues.append(
                        ValidationIssue(
                            test="6.1.7",
                            path=f"/vulnerabilities/{v}/scores/{s}",
                            message=f"{product!r} already has a CVSS {cvss.get('version')} score "
                            f"(scores/{seen[slot]})",
                        )
                    )
                seen.setdefault(slot, s)
    return issues


def _vector_values(vector: str) -> dict[str, str]:
    parts = [p.split(":", 1) for p in vector.split("/") if ":" in p]
    return {k: v for k, v in parts if k != "CVSS"}


def test_6_1_9(doc: Document) -> list[ValidationIssue]:
    issues = []
    for v, s, score in _scores(doc):
        for key in ("cvss_v2", "cvss_v3"):
            cvss = score.get(key)
            if not isinstance(cvss, dict) or not isinstance(cvss.get("vectorString"), str):
                continue
            base = f"/vulnerabilities/{v}/scores/{s}/{key}"
            try:
                calc: CVSS2 | CVSS3 = (
                    CVSS2(cvss["vectorString"]) if key == "cvss_v2" else CVSS3(cvss["vectorString"])
                )
            except (CVSSError, ValueError, KeyError) as exc:
                issues.append(ValidationIssue(test="6.1.9", path=f"{base}/vectorString", message=str(exc)))
                continue
            computed = dict(
                zip(("baseScore", "temporalScore", "environmentalScore"), calc.scores(), strict=True)
            )
            if key == "cvss_v3":
                computed.update(
                    zip(("baseSeverity", "temporalSeverity", "environmentalSeverity"),
                        (x.upper() for x in calc.severities()), strict=True)
                )  # fmt: skip
            for name, expected in computed.items():
                given = cvss.get(name)
                if given is None:
                    continue
                same = float(given) == float(expected) if isinstance(expected, float) else given == expected
                if not same:
                    issues.append(
                        ValidationIssue(
                            test="6.1.9",
                            path=f"{base}/{name}",
                            message=f"{name} is {given}, the vector gives {expected}",
                        )
                    )
    return issues


def test_6_1_10(doc: Document) -> list[ValidationIssue]:
    issues = []
    for v, s, score in _scores(doc):
        for key, table, undefined in (("cvss_v2", _V2, "ND"), ("cvss_v3", _V3, "X")):
            cvss = score.get(key)
            if not isinstance(cvss, dict) or not isinstance(cvss.get("vectorString"), str):
                continue
            values = _vector_values(cvss["vectorString"])
            for prop, (metric, names) in table.items():
                if prop not in cvss:
                    continue
                expected = names.get(values.get(metric, undefined))
                if expected is not None and cvss[prop] != expected:
                    issues.append(
                        ValidationIssue(
                            test="6.1.10",
                            path=f"/vulnerabilities/{v}/scores/{s}/{key}/{prop}",
                            message=f"{prop} is {cvss[prop]} but the vector says {metric}:"
                            f"{values.get(metric, undefined)} ({expected})",
                        )
                    )
    return issues
