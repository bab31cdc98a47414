"""Matching advisories to the inventory: by CPE 2.3, by purl, and by vendor + product/model + version.

Assets are indexed by (vendor key, product key): each criterion looks up only the assets of its
vendor and product, so the cost grows with the matches, never with advisories x assets.
Each asset an advisory names gets one row per vulnerability, with the rule that decided it and why;
an asset whose version cannot be compared is `unknown`, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from packageurl import PackageURL

from netvet.advisories.asset_index import AssetIndex, AssetView, asset_products
from netvet.advisories.cpe import ANY, NA, CpeSyntaxError, parse_cpe
from netvet.advisories.model import Advisory, Criterion, ProductStatus, SourceFormat
from netvet.advisories.ranges import RangeOutcome, evaluate
from netvet.advisories.vendors import (
    product_keys,
)
from netvet.advisories.versions import IncomparableVersions


class MatchStatus(StrEnum):
    AFFECTED = "affected"
    NOT_AFFECTED = "not_affected"
    FIXED = "fixed"
    UNKNOWN = "unknown"


class Match(NamedTuple):
    """One row: a tuple, because a large network yields millions of them."""

    advisory_id: str
    cve: str | None
    vulnerability: str
    asset_id: str
    status: MatchStatus
    matched_by: str
    explanation: str

    def row(self) -> dict[str, str | None]:
        return {
            "advisory_id": self.advisory_id,
            "cve": self.cve,
            "asset_id": self.asset_id,
            "status": self.status.value,
            "matched_by": self.matched_by,
            "explanation": self.explanation,
        }


# Which claim wins when several product lines of one advisory name the same asset: the most specific
# version statement first (an exact version over a range over "all versions" over a record's default),
# then fixed / not affected over affected (a fix backported to one version inside an affected range).
_EXACT, _RANGE, _ANY, _DEFAULT = 3, 2, 1, 0
_PRECEDENCE = {
    ProductStatus.FIXED: 4,
    ProductStatus.NOT_AFFECTED: 3,
    ProductStatus.AFFECTED: 2,
    ProductStatus.UNDER_INVESTIGATION: 1,
    ProductStatus.UNKNOWN: 0,
}
_TO_MATCH = {
    ProductStatus.AFFECTED: MatchStatus.AFFECTED,
    ProductStatus.NOT_AFFECTED: MatchStatus.NOT_AFFECTED,
    ProductStatus.FIXED: MatchStatus.FIXED,
    ProductStatus.UNDER_INVESTIGATION: MatchStatus.UNKNOWN,
    ProductStatus.UNKNOWN: MatchStatus.UNKNOWN,
}


@dataclass(slots=True)
class _Outcome:
    kind: RangeOutcome
    status: ProductStatus
    specificity: int
    matched_by: str
    reason: str
    exhaustive: bool


# Found for a criterion: an asset group, or one asset (-1 otherwise) when it is a component that
# matched; the platform it was found through; the component's position.
_Candidate = tuple[int, int, Criterion | None, int | None]
# What one group or asset comes to: status, rule, explanation.
_Decision = tuple[MatchStatus, str, str]


def _specificity(criterion: Criterion) -> int:
    versions = criterion.versions
    if versions is None or versions.any_version:
        return _ANY
    return _EXACT if versions.is_exact else _RANGE


def _identity(criterion: Criterion) -> tuple[str | None, str | None, str]:
    """Vendor, product and the rule name a criterion is matched by."""
    if criterion.cpe:
        try:
            cpe = parse_cpe(criterion.cpe)
            return criterion.vendor or cpe.vendor, criterion.product or cpe.product, "cpe"
        except CpeSyntaxError:
            pass
    if criterion.purl:
        try:
            purl = PackageURL.from_string(criterion.purl)
            return criterion.vendor or purl.namespace, criterion.product or purl.name, "purl"
        except ValueError:
            pass
    return criterion.vendor, criterion.product, "vendor+product"


def _target_hardware(criterion: Criterion) -> str | None:
    if not criterion.cpe:
        return None
    try:
        target = parse_cpe(criterion.cpe).target_hw
    except CpeSyntaxError:
        return None
    return None if target in (ANY, NA) else product_keys(target)[0]


def _is_hardware(criterion: Criterion) -> bool:
    if not criterion.cpe:
        return False
    try:
        return parse_cpe(criterion.cpe).part == "h"
    except CpeSyntaxError:
        return False


class Matcher:
    def __init__(self, index: AssetIndex) -> None:
        self.index = index
        # Many assets share a model and a version: evaluate each (criterion, version) pair once.
        self._verdicts: dict[tuple[int, str, str], tuple[RangeOutcome, str]] = {}
        # What each criterion needs on every candidate: (specificity, names hardware, target hardware).
        self._prepared: dict[int, tuple[int, bool, str | None]] = {}

    def _version_verdict(
        self, criterion: Criterion, vendor_key: str, version: str | None, what: str
    ) -> tuple[RangeOutcome, str]:
        if criterion.versions is None:
            return RangeOutcome.IN, "the advisory names the product without versions"
        if not version:
            return (
                RangeOutcome.UNKNOWN,
                f"the asset has no {what} to compare with {criterion.versions.text!r}",
            )
        memo = (id(criterion), vendor_key, version)
        found = self._verdicts.get(memo)
        if found is None:
            comparator = self.index.vendor_versions.comparator(vendor_key, criterion.versions.scheme)
            found = evaluate(criterion.versions, version, comparator)
            self._verdicts[memo] = found
        return found

    def _status_with_changes(self, criterion: Criterion, vendor_key: str, version: str) -> ProductStatus:
        """CVE JSON 5 `changes`: inside a range the status flips at each `at` version."""
        status = criterion.status
        comparator = self.index.vendor_versions.comparator(
            vendor_key, criterion.versions.scheme if criterion.versions else None
        )
        for at, new_status in criterion.changes:
            try:
                if comparator.compare(version, at) >= 0:
                    status = new_status
            except IncomparableVersions:
                return ProductStatus.UNKNOWN
        return status

    def _evaluate(self, criterion: Criterion, candidate: _Candidate, matched_by: str) -> _Outcome | None:
        group, asset_no, platform, component = candidate
        asset = self.index.assets[asset_no] if asset_no >= 0 else self.index.representative(group)
        vendor_keys = self.index.vendor_keys[group]
        vendor_key = self.index.scheme_vendors[group]
        prepared = self._prepared.get(id(criterion))
        if prepared is None:
            prepared = self._prepared[id(criterion)] = (
                _specificity(criterion),
                _is_hardware(criterion),
                _target_hardware(criterion),
            )
        specificity, hardware, target_hw = prepared
        if platform is not None:
            if platform.versions is not None and not platform.versions.any_version:
                kind, reason = self._version_verdict(
                    platform, vendor_key, asset.hardware_version, "hardware_version"
                )
                if kind is not RangeOutcome.IN:
                    return _Outcome(kind, criterion.status, _RANGE, matched_by, f"platform: {reason}", True)
            # The OS product (ios, vrp) is not an inventory field: the pair is the vendor's OS on
            # this hardware, so the vendor must agree and the version decides.
            if criterion.vendor and not set(self.index.tokens(criterion.vendor)) & set(vendor_keys):
                return None
            matched_by = f"{matched_by}+platform"
        if target_hw and target_hw not in asset_products(asset):
            return None  # the CPE names the hardware it applies to, and this is other hardware
        if component is not None:
            part = asset.components[component]
            kind, reason = self._version_verdict(criterion, vendor_key, part.version, "component version")
            matched_by = f"{matched_by}:component {part.name}"
            return _Outcome(kind, criterion.status, specificity, matched_by, reason, criterion.exhaustive)
        version = asset.hardware_version if hardware else asset.software_version
        kind, reason = self._version_verdict(
            criterion, vendor_key, version, "hardware_version" if hardware else "software_version"
        )
        status = criterion.status
        if kind is RangeOutcome.IN and criterion.changes and version:
            status = self._status_with_changes(criterion, vendor_key, version)
        if kind is RangeOutcome.OUT and criterion.default_status is not None:
            # CVE JSON 5: versions the record does not list take its defaultStatus.
            if criterion.default_status is ProductStatus.UNKNOWN:
                return _Outcome(
                    RangeOutcome.UNKNOWN,
                    ProductStatus.UNKNOWN,
                    _DEFAULT,
                    matched_by,
                    f"{reason}; the record's defaultStatus for other versions is unknown",
                    False,
                )
            return _Outcome(
                RangeOutcome.IN,
                criterion.default_status,
                _DEFAULT,
                matched_by,
                f"{reason}; defaultStatus {criterion.default_status.value}",
                False,
            )
        return _Outcome(kind, status, specificity, matched_by, reason, criterion.exhaustive)

    def _candidates(self, criterion: Criterion) -> tuple[list[_Candidate], str]:
        vendor, product, matched_by = _identity(criterion)
        if criterion.platforms:
            by_group: dict[int, _Candidate] = {}
            for platform in criterion.platforms:
                for group in self.index.lookup(*_identity(platform)[:2]):
                    by_group.setdefault(group, (group, -1, platform, None))
            return list(by_group.values()), matched_by
        found: list[_Candidate] = [(g, -1, None, None) for g in self.index.lookup(vendor, product)]
        if vendor and product:
            found.extend(
                (self.index.group_of[a], a, None, c) for a, c in self.index.components(vendor, product)
            )
        return found, matched_by

    def match_advisory(self, advisory: Advisory) -> Iterator[Match]:
        # Caches are keyed by criterion identity: valid for this advisory only.
        self._verdicts.clear()
        self._prepared.clear()
        index = self.index
        for vulnerability in advisory.vulnerabilities:
            by_group: dict[int, list[tuple[Criterion, _Outcome]]] = {}
            by_asset: dict[int, list[tuple[Criterion, _Outcome]]] = {}
            for criterion in vulnerability.criteria:
                candidates, matched_by = self._candidates(criterion)
                for candidate in candidates:
                    outcome = self._evaluate(criterion, candidate, matched_by)
                    if outcome is None:
                        continue
                    if candidate[1] >= 0:
                        by_asset.setdefault(candidate[1], []).append((criterion, outcome))
                    else:
                        by_group.setdefault(candidate[0], []).append((criterion, outcome))
            cve, label = vulnerability.cve, vulnerability.label
            # An asset matched through a component is decided on its own, with its group's outcomes.
            for asset_no, found in by_asset.items():
                asset = index.assets[asset_no]
                status, rule, why = _decide(asset, [*by_group.get(index.group_of[asset_no], ()), *found])
                yield Match(advisory.id, cve, label, asset.id, status, rule, why)
            for group, found in by_group.items():
                status, rule, why = _decide(index.representative(group), found)
                for asset_no in index.groups[group]:
                    if asset_no not in by_asset:
                        yield Match(advisory.id, cve, label, index.assets[asset_no].id, status, rule, why)


def _decide(asset: AssetView, found: list[tuple[Criterion, _Outcome]]) -> _Decision:
    described = f"{asset.vendor} {asset.model or '?'} {asset.software_version or '(no version)'}"
    hits = [(c, o) for c, o in found if o.kind is RangeOutcome.IN]
    if hits:
        criterion, outcome = max(hits, key=lambda h: (h[1].specificity, _PRECEDENCE[h[1].status]))
        verb = outcome.status.value.replace("_", " ")
        return (
            _TO_MATCH[outcome.status],
            outcome.matched_by,
            f"{criterion.ref} is {verb}; {described}: {outcome.reason}",
        )
    unknown = [(c, o) for c, o in found if o.kind is RangeOutcome.UNKNOWN]
    if unknown:
        criterion, outcome = unknown[0]
        return MatchStatus.UNKNOWN, outcome.matched_by, f"{criterion.ref}; {described}: {outcome.reason}"
    _, outcome = found[0]
    listed = sorted({c.versions.text for c, _ in found if c.versions is not None})
    if any(o.exhaustive for _, o in found):
        return (
            MatchStatus.NOT_AFFECTED,
            f"{outcome.matched_by}:version",
            f"{described} is outside the affected versions ({'; '.join(listed)[:300]})",
        )
    return (
        MatchStatus.UNKNOWN,
        outcome.matched_by,
        f"{described}: version not among those the advisory lists ({', '.join(listed)[:300]})",
    )


def match_all(advisories: Iterable[Advisory], index: AssetIndex) -> Iterator[Match]:
    matcher = Matcher(index)
    for advisory in advisories:
        if advisory.source_format is SourceFormat.KEV:
            continue
        yield from matcher.match_advisory(advisory)
