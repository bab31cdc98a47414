"""The task builder: from findings, assets and sites to work packages a schedule can place.

A work package is the replacement work at one site that is done in one week. A site whose work is
split by precedence (say transport before RAN) gets one package per stage; otherwise all its
non-compliant assets go in one visit. Each package carries its cost, crew-days, risk weight and the
earliest deadline among the findings that drive it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Asset, Site
from netvet.model.roles import RoleTable
from netvet.planning.catalogue import CostCatalogue
from netvet.planning.neighbours import neighbour_pairs
from netvet.planning.parameters import PlanningParameters, PrecedenceScope, quarter_label

PLANNED_STATUSES = (FindingStatus.VIOLATION, FindingStatus.DUE)
NO_REGION = "(no region)"


@dataclass(frozen=True, slots=True)
class WorkPackage:
    index: int
    site_id: str
    region: str
    stage: int
    domains: tuple[str, ...]
    asset_ids: tuple[str, ...]
    cost: float
    crew_days: float
    weight: float  # exposure of one week in service, before any lateness multiplier
    deadline: date | None
    deadline_week: int  # last week whose end meets the deadline; -1 if none can
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupPrecedence:
    """Every package in `before` is done in an earlier week than any package in `after` starts."""

    rule: str
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass
class PlanningInstance:
    parameters: PlanningParameters
    catalogue: CostCatalogue
    packages: list[WorkPackage]
    regions: list[str]
    site_precedence: list[tuple[int, int]]  # (before package, after package) at one site
    group_precedence: list[GroupPrecedence]
    neighbour_sites: list[tuple[str, str]]
    site_coordinates: dict[str, tuple[float, float]]
    notes: list[str] = field(default_factory=list)

    @property
    def horizon(self) -> int:
        return self.parameters.horizon_weeks

    def capacity(self, region: str) -> float:
        """Crew-days a region can spend in one week."""
        return self.parameters.crews.crews(region) * self.catalogue.days_per_crew_week

    def quarter_of_week(self) -> list[int]:
        """For each week of the horizon, the index of its calendar quarter (from 0)."""
        labels = self.quarter_labels()
        index = {label: i for i, label in enumerate(labels)}
        return [index[quarter_label(self.parameters.week_start(t))] for t in range(self.horizon)]

    def quarter_labels(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in range(self.horizon):
            seen.setdefault(quarter_label(self.parameters.week_start(t)), None)
        return list(seen)

    def neighbour_package_pairs(self) -> list[tuple[int, int]]:
        by_site: dict[str, list[int]] = defaultdict(list)
        for p in self.packages:
            by_site[p.site_id].append(p.index)
        return [(a, b) for s1, s2 in self.neighbour_sites for a in by_site[s1] for b in by_site[s2]]

    def exposure(self, package: WorkPackage, week: int | None) -> float:
        """Risk-weighted exposure of a package done in `week` (None: not done within the horizon).

        Each week in service (the week of the work included) counts its weight, times the late
        multiplier once the deadline week has passed.
        """
        risk = self.catalogue.risk
        end = self.horizon if week is None else week
        on_time = max(0, min(end, package.deadline_week) + 1)
        late = end + 1 - on_time
        total = on_time + risk.late_multiplier * late
        if week is None:
            rate = 1.0 if self.horizon <= package.deadline_week else risk.late_multiplier
            total += risk.unfinished_weeks * rate
        return package.weight * total


def deadline_week(parameters: PlanningParameters, deadline: date | None) -> int:
    """Last week index whose end is on or before the deadline (a large number when there is none)."""
    if deadline is None:
        return 10**6
    return max(-1, ((deadline - parameters.start).days - 6) // 7)


def _stages(domains: set[str], rules: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Stage of each domain at a site: its longest chain of predecessors among the domains present."""
    stage = dict.fromkeys(domains, 0)
    for _ in range(len(domains)):
        changed = False
        for before, after in rules:
            if before in stage and after in stage and stage[after] <= stage[before]:
                stage[after] = stage[before] + 1
                changed = True
        if not changed:
            break
    return stage


def build_instance(
    findings: Iterable[Finding],
    assets: Iterable[Asset],
    sites: Iterable[Site],
    catalogue: CostCatalogue,
    parameters: PlanningParameters,
    roles: RoleTable | None = None,
) -> PlanningInstance:
    """Turn every violation and due finding on an asset into replacement work, grouped by site."""
    notes: list[str] = []
    asset_by_id = {a.id: a for a in assets}
    site_by_id = {s.id: s for s in sites}
    jurisdictions = {j.upper() for j in parameters.jurisdictions}
    # The deadline that drives an asset is the earliest among its findings.
    asset_deadline: dict[str, date | None] = {}
    asset_rules: dict[str, set[str]] = defaultdict(set)
    skipped_network = 0
    licence_assets: set[str] = set()
    for finding in findings:
        if finding.status not in PLANNED_STATUSES:
            continue
        if jurisdictions and finding.jurisdiction.upper() not in jurisdictions:
            continue
        if finding.effect == "licence" and finding.asset_id is not None:
            # A missing licence (the US Entity List's, say) is cured by a licence, not by ripping the
            # equipment out: such findings alone make no replacement work.
            licence_assets.add(finding.asset_id)
            continue
        if finding.asset_id is None:
            skipped_network += 1
            continue
        if finding.asset_id not in asset_by_id:
            notes.append(
                f"finding {finding.rule_id} names asset {finding.asset_id}, which the inventory lacks"
            )
            continue
        # A violation without a deadline is already in breach: treat it as due on the start date.
        deadline = finding.deadline
        if deadline is None and finding.status is FindingStatus.VIOLATION:
            deadline = parameters.start
        if finding.asset_id not in asset_deadline:
            asset_deadline[finding.asset_id] = deadline
        else:
            prior = asset_deadline[finding.asset_id]
            asset_deadline[finding.asset_id] = (
                min(prior, deadline) if prior and deadline else (prior or deadline)
            )
        asset_rules[finding.asset_id].add(finding.rule_id)
    unplanned_licences = licence_assets - asset_rules.keys()
    if unplanned_licences:
        notes.append(
            f"{len(unplanned_licences)} asset(s) need only a licence or authorisation (no removal or ban "
            "reaches them) and are not planned for replacement"
        )
    if skipped_network:
        notes.append(
            f"{skipped_network} network-wide finding(s) (such as caps) name no asset and are not planned: "
            "choosing which sites to clear for a cap is left to the user"
        )

    rule_pairs = [(r.before.value, r.after.value) for r in parameters.precedence]
    by_site: dict[str, list[Asset]] = defaultdict(list)
    for asset_id in sorted(asset_deadline):
        asset = asset_by_id[asset_id]
        by_site[asset.site_id].append(asset)

    packages: list[WorkPackage] = []
    site_precedence: list[tuple[int, int]] = []
    coordinates: dict[str, tuple[float, float]] = {}
    regions: set[str] = set()
    for site_id in sorted(by_site):
        site = site_by_id.get(site_id)
        if site is None:
            notes.append(
                f"site {site_id} of asset {by_site[site_id][0].id} is not in the inventory; region unknown"
            )
        region = (site.region if site else None) or NO_REGION
        regions.add(region)
        if site is not None and site.latitude is not None and site.longitude is not None:
            coordinates[site_id] = (site.latitude, site.longitude)
        site_assets = by_site[site_id]
        stage_of = _stages({a.domain.value for a in site_assets}, rule_pairs)
        visit = catalogue.site_visit(site.kind if site else None)
        first_index = len(packages)
        for stage in sorted(set(stage_of.values())):
            members = [a for a in site_assets if stage_of[a.domain.value] == stage]
            cost = 0.0
            crew_days = 0.0
            weight = 0.0
            for a in members:
                unit = catalogue.asset_cost(a.role, a.domain, roles)
                cost += unit.equipment_cost
                crew_days += unit.crew_days
                weight += catalogue.risk.weight(a.domain)
            if stage == 0:  # the site overhead is paid on the first visit
                cost += visit.equipment_cost
                crew_days += visit.crew_days
            cost += crew_days * catalogue.crew_day_rate
            deadlines = [d for a in members if (d := asset_deadline[a.id]) is not None]
            deadline = min(deadlines) if deadlines else None
            packages.append(
                WorkPackage(
                    index=len(packages),
                    site_id=site_id,
                    region=region,
                    stage=stage,
                    domains=tuple(sorted({a.domain.value for a in members})),
                    asset_ids=tuple(a.id for a in members),
                    cost=round(cost, 2),
                    crew_days=round(crew_days, 3),
                    weight=weight,
                    deadline=deadline,
                    deadline_week=deadline_week(parameters, deadline),
                    rule_ids=tuple(sorted({r for a in members for r in asset_rules[a.id]})),
                )
            )
        site_packages = packages[first_index:]
        for rule in parameters.precedence:
            if rule.scope is not PrecedenceScope.SITE:
                continue
            for p in site_packages:
                for q in site_packages:
                    if rule.before.value in p.domains and rule.after.value in q.domains:
                        site_precedence.append((p.index, q.index))

    group_precedence: list[GroupPrecedence] = []
    for rule in parameters.precedence:
        if rule.scope is PrecedenceScope.SITE:
            continue
        scopes = sorted(regions) if rule.scope is PrecedenceScope.REGION else [None]
        for scope in scopes:
            inside = [p for p in packages if scope is None or p.region == scope]
            before = tuple(p.index for p in inside if rule.before.value in p.domains)
            after = tuple(p.index for p in inside if rule.after.value in p.domains)
            if before and after:
                group_precedence.append(GroupPrecedence(str(rule), before, after))

    neighbours: list[tuple[str, str]] = []
    if parameters.neighbour_km:
        neighbours = neighbour_pairs(
            ((s, lat, lon) for s, (lat, lon) in coordinates.items()), parameters.neighbour_km
        )
    return PlanningInstance(
        parameters=parameters,
        catalogue=catalogue,
        packages=packages,
        regions=sorted(regions),
        site_precedence=sorted(set(site_precedence)),
        group_precedence=group_precedence,
        neighbour_sites=neighbours,
        site_coordinates=coordinates,
        notes=notes,
    )
