"""What to patch first: CVSS base score (v4 or v3.x, parsed with the `cvss` library), the CISA KEV
flag, and where the affected assets sit (core first)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

from netvet.advisories.model import Vulnerability

# Domain weight: a flaw in the core or the management plane reaches the whole network; the RAN one
# site. Policy texts (EU 5G Toolbox, UK NCSC) put management and orchestration on the core side.
DOMAIN_WEIGHT = {"core": 2.0, "management": 1.5, "transport": 1.0, "ran": 0.5, "other": 0.0}
# A vulnerability exploited in the wild (CISA KEV) outranks every unexploited one, as CISA's
# BOD 22-01 puts KEV entries first: the weight exceeds the largest CVSS (10) plus domain (2) score.
KEV_WEIGHT = 12.0


@dataclass(frozen=True, slots=True)
class Severity:
    score: float | None
    version: str | None
    vector: str | None


def cvss_base(vulnerability: Vulnerability) -> Severity:
    """The CVSS v4 base score when the source gives one, else v3.x; None when neither parses."""
    if vulnerability.cvss_v4_vector:
        try:
            v4 = CVSS4(vulnerability.cvss_v4_vector)
            return Severity(float(v4.base_score), "4.0", vulnerability.cvss_v4_vector)
        except (CVSSError, ValueError):
            pass
    if vulnerability.cvss_v3_vector:
        try:
            v3 = CVSS3(vulnerability.cvss_v3_vector)
            version = vulnerability.cvss_v3_vector.split("/")[0].removeprefix("CVSS:")
            return Severity(float(v3.base_score), version, vulnerability.cvss_v3_vector)
        except (CVSSError, ValueError):
            pass
    return Severity(None, None, None)


@dataclass(frozen=True, slots=True)
class Priority:
    advisory_id: str
    vulnerability: str
    cve: str | None
    title: str | None
    severity: Severity
    kev: bool
    assets: int
    by_domain: tuple[tuple[str, int], ...]
    score: float
    explanation: str


def prioritise(
    affected: Iterable[tuple[str, str, str]],
    vulnerabilities: Mapping[tuple[str, str], Vulnerability],
    kev: set[str],
    asset_domain: Mapping[str, str],
) -> list[Priority]:
    """Rank vulnerabilities by score = CVSS base + KEV weight + the weight of the highest domain hit.

    `affected` holds (advisory id, vulnerability label, asset id) for affected assets.
    """
    domains: dict[tuple[str, str], Counter[str]] = {}
    for advisory_id, label, asset_id in affected:
        domains.setdefault((advisory_id, label), Counter())[asset_domain.get(asset_id, "other")] += 1
    ranked = []
    for key, counts in domains.items():
        vulnerability = vulnerabilities.get(key)
        if vulnerability is None:
            continue
        severity = cvss_base(vulnerability)
        # CISA's KEV catalogue, or the KEV date CISA's ADP container wrote into the CVE record.
        exploited = bool(vulnerability.cve and vulnerability.cve in kev) or bool(vulnerability.kev_date_added)
        top_domain = max(counts, key=lambda d: DOMAIN_WEIGHT.get(d, 0.0))
        score = (
            (severity.score or 0.0) + (KEV_WEIGHT if exploited else 0.0) + DOMAIN_WEIGHT.get(top_domain, 0.0)
        )
        cvss_text = (
            f"CVSS {severity.version} {severity.score}" if severity.score is not None else "no CVSS score"
        )
        ssvc = "; ".join(f"{k} {v}" for k, v in vulnerability.ssvc.items())
        explanation = (
            f"{cvss_text}{'; in CISA KEV (exploited)' if exploited else ''}"
            f"{f'; SSVC (CISA): {ssvc}' if ssvc else ''}; "
            f"{sum(counts.values())} affected asset(s), most exposed domain {top_domain}"
        )
        ranked.append(
            Priority(
                advisory_id=key[0],
                vulnerability=key[1],
                cve=vulnerability.cve,
                title=vulnerability.title,
                severity=severity,
                kev=exploited,
                assets=sum(counts.values()),
                by_domain=tuple(sorted(counts.items(), key=lambda kv: -DOMAIN_WEIGHT.get(kv[0], 0.0))),
                score=round(score, 2),
                explanation=explanation,
            )
        )
    ranked.sort(key=lambda p: (-p.score, -p.assets, p.advisory_id, p.vulnerability))
    return ranked
