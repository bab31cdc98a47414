"""Matching advisories to the inventory: by OS family, by CPE 2.3, by purl, and by vendor + model.

A line naming an OS family (Cisco IOS XE, Junos OS, ...) reaches the assets that run it, read with
that family's version grammar; other lines reach assets by (vendor key, product key). Either way the
cost grows with the matches, never with advisories x assets. Each asset an advisory names gets one
row per vulnerability, with the family, version rule and platform test that decided it; an asset
whose version cannot be compared is `unknown`, never dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from packageurl import PackageURL

from netvet.advisories.asset_index import AssetIndex, AssetView, asset_products
from netvet.advisories.cpe import ANY, NA, CpeSyntaxError, parse_cpe
from netvet.advisories.designations import parse_designation
from netvet.advisories.families import Family, without_vendor
from netvet.advisories.model import Advisory, Criterion, ProductStatus, SourceFormat, Vulnerability
from netvet.advisories.ranges import RangeOutcome, evaluate
from netvet.advisories.targets import HardwareTest, Target, hardware_test, target_of
from netvet.advisories.vendors import product_keys
from netvet.advisories.versions import Comparator, IncomparableVersions


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
# version statement first (an exact version over a range over "all versions"),
# then fixed / not affected over affected (a fix backported to one version inside an affected range).
_EXACT, _RANGE, _ANY = 3, 2, 1
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
# NVD statuses of records the NVD has not analysed yet: they carry no configurations.
_NOT_ANALYSED = ("received", "awaiting analysis", "undergoing analysis", "deferred")


@dataclass(slots=True)
class _Outcome:
    kind: RangeOutcome
    status: ProductStatus
    specificity: int
    matched_by: str
    reason: str  # the version rule
    exhaustive: bool
    context: str = ""  # the family and platform test
    default: ProductStatus | None = None  # CVE JSON 5 defaultStatus, for a version outside the line


class _Candidate(NamedTuple):
    """An asset group (or one asset, when a component matched) a criterion reaches."""

    group: int
    asset: int  # -1 for a whole group
    platform: Criterion | None  # the NVD/CSAF hardware it was found through
    component: int | None
    family: Family | None


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


def _excluded_by(criterion: Criterion, products: set[str]) -> str | None:
    """The hardware CPE of a negated NVD node that names this asset's model, if any."""
    for text in criterion.excluded_hardware:
        try:
            product = parse_cpe(text).product
        except CpeSyntaxError:
            continue
        if product_keys(product)[0] in products:
            return text
    return None


class Matcher:
    """Matches advisories against one inventory.

    `exploited` maps CVE ids to a note from the KEV catalogue; `cve_records` are the CVEs with a
    loaded CVE JSON 5 record, which decide for NVD entries the NVD has not analysed yet.
    """

    def __init__(
        self, index: AssetIndex, exploited: Mapping[str, str] | None = None, cve_records: Collection[str] = ()
    ) -> None:
        self.index = index
        self.exploited = exploited or {}
        self.cve_records = frozenset(cve_records)
        # NVD entries not analysed yet: (advisory id, what became of it), for the match summary.
        self.not_analysed: list[tuple[str, str]] = []
        # Many assets share a model and a version: evaluate each (criterion, version) pair once.
        self._verdicts: dict[tuple[int, int, str], tuple[RangeOutcome, str]] = {}
        # Per criterion of the advisory at hand: (specificity, names hardware, target hardware).
        self._prepared: dict[int, tuple[int, bool, str | None]] = {}
        self._targets: dict[int, Target] = {}

    def _version_family(self, criterion: Criterion, group: int, family: Family | None) -> Family | None:
        """The family whose grammar reads the versions: the one the line names, else the one the
        asset runs when the vendors agree; None leaves the vendor's version schemes."""
        if family is not None:
            return family
        own = self.index.group_families[group].family
        if own is not None and (not criterion.vendor or own.vendor in self.index.tokens(criterion.vendor)):
            return own
        return None

    def _comparator(self, criterion: Criterion, group: int, family: Family | None) -> Comparator:
        if family is not None:
            return family.comparator
        scheme = criterion.versions.scheme if criterion.versions else None
        return self.index.vendor_versions.comparator(self.index.scheme_vendors[group], scheme)

    def _version_verdict(
        self, criterion: Criterion, comparator: Comparator, version: str | None, what: str
    ) -> tuple[RangeOutcome, str]:
        if criterion.versions is None:
            return RangeOutcome.IN, "the advisory names the product without versions"
        if not version:
            return (
                RangeOutcome.UNKNOWN,
                f"the asset has no {what} to compare with {criterion.versions.text!r}",
            )
        memo = (id(criterion), id(comparator), version)
        found = self._verdicts.get(memo)
        if found is None:
            found = self._verdicts[memo] = evaluate(criterion.versions, version, comparator)
        return found

    @staticmethod
    def _status_with_changes(criterion: Criterion, comparator: Comparator, version: str) -> ProductStatus:
        """CVE JSON 5 `changes`: inside a range the status flips at each `at` version."""
        status = criterion.status
        for at, new_status in criterion.changes:
            try:
                if comparator.compare(version, at) >= 0:
                    status = new_status
            except IncomparableVersions:
                return ProductStatus.UNKNOWN
        return status

    def _family_context(self, candidate: _Candidate, asset: AssetView, reading: Family | None) -> str:
        own = self.index.group_families[candidate.group]
        if candidate.family is not None:
            return f"family {candidate.family.name} ({own.reason})"
        product = f"product {asset.model or asset.part_number!r}"
        if reading is not None:
            return f"{product}, versions read as {reading.name} ({own.reason})"
        return f"{product} (no OS family: {own.reason})"

    def _evaluate(self, criterion: Criterion, candidate: _Candidate, matched_by: str) -> _Outcome | None:
        index = self.index
        group, asset_no, platform, component, family = candidate
        asset = index.assets[asset_no] if asset_no >= 0 else index.representative(group)
        vendor_keys = index.vendor_keys[group]
        prepared = self._prepared.get(id(criterion))
        if prepared is None:
            prepared = self._prepared[id(criterion)] = (
                _specificity(criterion),
                _is_hardware(criterion),
                _target_hardware(criterion),
            )
        specificity, hardware, target_hw = prepared
        reading = self._version_family(criterion, group, family)
        comparator = self._comparator(criterion, group, reading)
        context = self._family_context(candidate, asset, reading)
        if platform is not None:
            if platform.versions is not None and not platform.versions.any_version:
                kind, reason = self._version_verdict(
                    platform, comparator, asset.hardware_version, "hardware_version"
                )
                if kind is not RangeOutcome.IN:
                    return _Outcome(
                        kind, criterion.status, _RANGE, matched_by, f"platform: {reason}", True, context
                    )
            # The OS product (ios, vrp) is not an inventory field: the pair is the vendor's OS on
            # this hardware, so the vendor must agree and the version decides.
            if criterion.vendor and not set(index.tokens(criterion.vendor)) & set(vendor_keys):
                return None
            matched_by = f"{matched_by}+platform"
            context += f"; platform test: the configuration pairs it with {platform.product}"
        test = HardwareTest.PASSED
        if platform is None:
            test, why = hardware_test(self._targets[id(criterion)], asset, vendor_keys)
            if test is HardwareTest.FAILED:
                return None  # the record is limited to other hardware
            context += f"; {why}"
        if target_hw and target_hw not in asset_products(asset, vendor_keys):
            return None  # the CPE names the hardware it applies to, and this is other hardware
        excluded = _excluded_by(criterion, asset_products(asset, vendor_keys))
        if excluded is not None:
            return _Outcome(RangeOutcome.IN, ProductStatus.NOT_AFFECTED, _EXACT, matched_by,
                            f"the configuration excludes {excluded} (a negated node)", False, context)  # fmt: skip
        if component is not None:
            part = asset.components[component]
            kind, reason = self._version_verdict(criterion, comparator, part.version, "component version")
            matched_by = f"{matched_by}:component {part.name}"
            return _Outcome(
                kind, criterion.status, specificity, matched_by, reason, criterion.exhaustive, context
            )
        version = asset.hardware_version if hardware else asset.software_version
        kind, reason = self._version_verdict(
            criterion, comparator, version, "hardware_version" if hardware else "software_version"
        )
        status = criterion.status
        if kind is RangeOutcome.IN and criterion.changes and version:
            status = self._status_with_changes(criterion, comparator, version)
        if test is HardwareTest.UNKNOWN and kind is RangeOutcome.IN and status is ProductStatus.AFFECTED:
            # In range, but the record's hardware condition cannot be checked: affected only if so.
            return _Outcome(RangeOutcome.UNKNOWN, ProductStatus.UNKNOWN, specificity, matched_by,
                            f"{reason}: affected only if the asset carries that part", False, context)  # fmt: skip
        return _Outcome(
            kind,
            status,
            specificity,
            matched_by,
            reason,
            criterion.exhaustive,
            context,
            criterion.default_status,
        )

    def _candidates(self, criterion: Criterion) -> tuple[list[_Candidate], str]:
        index = self.index
        vendor, product, matched_by = _identity(criterion)
        if criterion.platforms:
            by_group: dict[int, _Candidate] = {}
            for platform in criterion.platforms:
                for group in index.lookup(*_identity(platform)[:2]):
                    by_group.setdefault(group, _Candidate(group, -1, platform, None, None))
            return list(by_group.values()), matched_by
        tokens = index.tokens(vendor) if vendor else ()
        target = self._targets[id(criterion)] = target_of(criterion, index.families, tokens)
        found: list[_Candidate] = []
        target_hw = _target_hardware(criterion)
        if target_hw:
            # The CPE names the device it applies to: that device, whatever OS its model suggests.
            family = target.families[0] if len(target.families) == 1 else None
            groups = index.lookup(vendor, target_hw)
            return [_Candidate(g, -1, None, None, family) for g in groups], matched_by
        for family in target.families:
            found.extend(_Candidate(g, -1, None, None, family) for g in index.by_family.get(family.key, ()))
        if target.families:
            matched_by = "family" if matched_by == "vendor+product" else f"{matched_by}+family"
        if target.hardware:
            found = self._per_asset_where_parts_differ(found)
        for name in target.names:
            groups = index.lookup(vendor, name) + index.named_with_part(vendor, name)
            if target.by_designation and vendor:
                designation = parse_designation(name)
                groups += [
                    g
                    for token in tokens
                    for g in index.by_vendor.get(token, ())
                    if any(designation.covers(without_vendor(m, index.vendor_keys[g]))
                           for m in (index.representative(g).model, index.representative(g).part_number) if m)
                ]  # fmt: skip
            found.extend(_Candidate(g, -1, None, None, None) for g in dict.fromkeys(groups))
        if vendor and product:
            found.extend(
                _Candidate(index.group_of[a], a, None, c, None) for a, c in index.components(vendor, product)
            )
        return found, matched_by

    def _per_asset_where_parts_differ(self, found: list[_Candidate]) -> list[_Candidate]:
        """A platform test can turn on an asset's parts (an MX with an SPC3 card), which the assets
        of one group need not share: such groups are tested asset by asset."""
        index = self.index
        expanded: list[_Candidate] = []
        for candidate in found:
            members = index.groups[candidate.group]
            if candidate.asset >= 0 or not any(index.assets[a].components for a in members):
                expanded.append(candidate)
            else:
                expanded.extend(candidate._replace(asset=a) for a in members)
        return expanded

    def match_advisory(self, advisory: Advisory) -> Iterator[Match]:
        # Caches are keyed by criterion identity: valid for this advisory only.
        self._verdicts.clear()
        self._prepared.clear()
        self._targets.clear()
        index = self.index
        for vulnerability in advisory.vulnerabilities:
            if not vulnerability.criteria and _not_analysed(vulnerability):
                yield from self._not_analysed(advisory, vulnerability)
                continue
            by_group: dict[int, list[tuple[Criterion, _Outcome]]] = {}
            by_asset: dict[int, list[tuple[Criterion, _Outcome]]] = {}
            for criterion in vulnerability.criteria:
                candidates, matched_by = self._candidates(criterion)
                for candidate in candidates:
                    outcome = self._evaluate(criterion, candidate, matched_by)
                    if outcome is None:
                        continue
                    if candidate.asset >= 0:
                        by_asset.setdefault(candidate.asset, []).append((criterion, outcome))
                    else:
                        by_group.setdefault(candidate.group, []).append((criterion, outcome))
            cve, label = vulnerability.cve, vulnerability.label
            kev = self._kev_note(vulnerability)
            silent = advisory.source_format is SourceFormat.CVE5
            # An asset matched through a component is decided on its own, with its group's outcomes.
            for asset_no, found in by_asset.items():
                asset = index.assets[asset_no]
                decision = _decide(asset, [*by_group.get(index.group_of[asset_no], ()), *found], silent, kev)
                if decision is not None:
                    yield Match(advisory.id, cve, label, asset.id, *decision)
            for group, found in by_group.items():
                decision = _decide(index.representative(group), found, silent, kev)
                if decision is None:
                    continue
                for asset_no in index.groups[group]:
                    if asset_no not in by_asset:
                        yield Match(advisory.id, cve, label, index.assets[asset_no].id, *decision)

    def _kev_note(self, vulnerability: Vulnerability) -> str:
        note = self.exploited.get(vulnerability.cve or "")
        if note is None and vulnerability.kev_date_added:
            note = f"CISA KEV: exploited, added {vulnerability.kev_date_added} (CISA ADP)"
        return note or ""

    def _not_analysed(self, advisory: Advisory, vulnerability: Vulnerability) -> Iterator[Match]:
        """An NVD entry without configurations: its CVE record decides when loaded; else the
        families its description names get `unknown`, said so."""
        status = vulnerability.nvd_status or "not analysed"
        if vulnerability.cve in self.cve_records:
            self.not_analysed.append(
                (advisory.id, f"NVD {status}: decided by the CVE record {vulnerability.cve}")
            )
            return
        families = self.index.families.mentioned_in(vulnerability.title or "")
        if not families:
            self.not_analysed.append(
                (advisory.id, f"NVD {status}: no configurations and no CVE record loaded")
            )
            return
        names = ", ".join(f.name for f in families)
        self.not_analysed.append((advisory.id, f"NVD {status}: unknown for the assets running {names}"))
        kev = self._kev_note(vulnerability)
        for family in families:
            for group in self.index.by_family.get(family.key, ()):
                reason = self.index.group_families[group].reason
                why = (
                    f"NVD {status}: no configurations yet and no CVE record loaded; the description names "
                    f"{family.name}, which this asset runs ({reason}); versions are not decided"
                )
                explanation = f"{why}; {kev}" if kev else why
                for asset_no in self.index.groups[group]:
                    yield Match(advisory.id, vulnerability.cve, vulnerability.label, self.index.assets[asset_no].id,
                                MatchStatus.UNKNOWN, "family:description", explanation)  # fmt: skip


def _not_analysed(vulnerability: Vulnerability) -> bool:
    return (vulnerability.nvd_status or "").lower() in _NOT_ANALYSED


def _decide(
    asset: AssetView, found: list[tuple[Criterion, _Outcome]], silent: bool, kev: str
) -> _Decision | None:
    """The row for one asset group, or None when the advisory decides nothing for it (a CVE record
    without defaultStatus says nothing about the versions it does not list)."""
    described = f"{asset.vendor} {asset.model or '?'} {asset.software_version or '(no version)'}"
    tail = f"; {kev}" if kev else ""
    hits = [(c, o) for c, o in found if o.kind is RangeOutcome.IN]
    if hits:
        criterion, outcome = max(hits, key=lambda h: (h[1].specificity, _PRECEDENCE[h[1].status]))
        verb = outcome.status.value.replace("_", " ")
        return (
            _TO_MATCH[outcome.status],
            outcome.matched_by,
            f"{criterion.ref} is {verb}; {described}: {outcome.context}; version rule: {outcome.reason}{tail}",
        )
    unknown = [(c, o) for c, o in found if o.kind is RangeOutcome.UNKNOWN]
    if unknown:
        criterion, outcome = unknown[0]
        return (
            MatchStatus.UNKNOWN,
            outcome.matched_by,
            f"{criterion.ref}; {described}: {outcome.context}; version rule: {outcome.reason}{tail}",
        )
    _, outcome = found[0]
    listed = sorted({c.versions.text for c, _ in found if c.versions is not None})
    defaults = [o.default for _, o in found if o.default is not None]
    if defaults:
        # CVE JSON 5: a version outside every line of the record takes its defaultStatus.
        default = defaults[0]
        return (
            _TO_MATCH[default],
            f"{outcome.matched_by}:version",
            f"{described}: {outcome.context}; version rule: outside the versions the record lists "
            f"({'; '.join(listed)[:300]}), so its defaultStatus {default.value} applies{tail}",
        )
    if any(o.exhaustive for _, o in found):
        return (
            MatchStatus.NOT_AFFECTED,
            f"{outcome.matched_by}:version",
            f"{described}: {outcome.context}; version rule: outside the affected versions "
            f"({'; '.join(listed)[:300]})",
        )
    if silent:
        return None
    return (
        MatchStatus.UNKNOWN,
        outcome.matched_by,
        f"{described}: {outcome.context}; version rule: not among those the advisory lists "
        f"({', '.join(listed)[:300]}){tail}",
    )


def match_all(
    advisories: Iterable[Advisory], index: AssetIndex, exploited: Mapping[str, str] | None = None
) -> Iterator[Match]:
    advisories = list(advisories)
    cve_records = {a.id for a in advisories if a.source_format is SourceFormat.CVE5}
    matcher = Matcher(index, exploited, cve_records)
    for advisory in advisories:
        if advisory.source_format is SourceFormat.KEV:
            continue
        yield from matcher.match_advisory(advisory)
