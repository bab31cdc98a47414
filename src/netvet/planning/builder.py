"""The task builder: from findings, assets and sites to work packages and the jobs a schedule places.

Which findings make work: a binding finding (violation or due from a rule with legal force) gives
its asset a deadline; guidance (advisory) adds weight but no deadline; findings that could not be
decided (unknown) and licence duties make no work and are reported. Network caps choose their sites
(`caps.choose_sites`) and the chosen sites' items become work due by the cap's date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Asset, Site
from netvet.model.roles import RoleTable
from netvet.planning.caps import CapCandidate, CapDemand, CapMethod, CapRoom, CapRule, choose_sites
from netvet.planning.catalogue import FIELD_CREW, CostCatalogue
from netvet.planning.instance import (
    NO_REGION,
    GroupPrecedence,
    Job,
    PlanningInstance,
    UnknownWork,
    WorkPackage,
    deadline_week,
)
from netvet.planning.neighbours import neighbour_pairs
from netvet.planning.parameters import PlanningParameters, PrecedenceScope, is_binding, quarter_label


@dataclass
class Need:
    """Why one asset is to be replaced."""

    deadline: date | None = None  # the earliest binding deadline
    binding: bool = False
    advisory: bool = False
    in_breach: bool = False  # a binding rule without a deadline is already broken
    rule_ids: set[str] = field(default_factory=set)

    def require(self, deadline: date | None, rule_id: str, in_breach: bool = False) -> None:
        self.deadline = deadline if not self.binding else _earliest(self.deadline, deadline)
        self.binding = True
        self.in_breach = self.in_breach or in_breach
        self.rule_ids.add(rule_id)


def _earliest(a: date | None, b: date | None) -> date | None:
    return min(a, b) if a and b else (a or b)


@dataclass
class _Read:
    needs: dict[str, Need] = field(default_factory=lambda: defaultdict(Need))
    caps: list[Finding] = field(default_factory=list)
    unknown: dict[tuple[str, str], list[Finding]] = field(default_factory=lambda: defaultdict(list))
    licence_assets: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _read(findings: Iterable[Finding], assets: Mapping[str, Asset], parameters: PlanningParameters) -> _Read:
    out = _Read()
    jurisdictions = {j.upper() for j in parameters.jurisdictions}
    for finding in findings:
        if jurisdictions and finding.jurisdiction.upper() not in jurisdictions:
            continue
        if finding.status is FindingStatus.UNKNOWN:
            out.unknown[(finding.rule_id, finding.jurisdiction)].append(finding)
            continue
        binding = is_binding(finding)
        advisory = finding.status is FindingStatus.ADVISORY or (finding.status.is_binding and not binding)
        if finding.status is FindingStatus.LICENCE_REQUIRED or (
            binding and finding.effect == "licence" and finding.asset_id is not None
        ):
            # A missing licence (the US Entity List's, say) is cured by a licence, not by ripping the
            # equipment out: such findings alone make no replacement work.
            if finding.asset_id is not None:
                out.licence_assets.add(finding.asset_id)
            continue
        if not (binding or advisory):
            continue
        if finding.asset_id is None:
            if finding.effect == "cap" or finding.cap is not None:
                out.caps.append(finding)
            continue
        if finding.asset_id not in assets:
            out.notes.append(
                f"finding {finding.rule_id} names asset {finding.asset_id}, which the inventory lacks"
            )
            continue
        need = out.needs[finding.asset_id]
        if binding:
            # A violation without a deadline (a ban broken) is a breach now: overdue, due on the start date.
            deadline = finding.deadline
            breach = deadline is None and finding.status is FindingStatus.VIOLATION
            need.require(parameters.start if breach else deadline, finding.rule_id, breach)
        else:
            need.advisory = True
            need.rule_ids.add(finding.rule_id)
    return out


@dataclass
class _Work:
    packages: list[WorkPackage]
    jobs: list[Job]
    site_precedence: list[tuple[int, int]]
    coordinates: dict[str, tuple[float, float]]
    regions: set[str]
    notes: list[str]


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


def _work(
    needs: Mapping[str, Need],
    assets: Mapping[str, Asset],
    sites: Mapping[str, Site],
    catalogue: CostCatalogue,
    parameters: PlanningParameters,
    roles: RoleTable | None,
) -> _Work:
    """Group the assets to replace by site (and stage), each package split into the phases of its domain."""
    risk = catalogue.risk
    rule_pairs = [(r.before.value, r.after.value) for r in parameters.precedence]
    by_site: dict[str, list[Asset]] = defaultdict(list)
    for asset_id in sorted(needs):
        by_site[assets[asset_id].site_id].append(assets[asset_id])
    out = _Work([], [], [], {}, set(), [])
    for site_id in sorted(by_site):
        site = sites.get(site_id)
        if site is None:
            out.notes.append(
                f"site {site_id} of asset {by_site[site_id][0].id} is not in the inventory; region unknown"
            )
        region = (site.region if site else None) or NO_REGION
        out.regions.add(region)
        if site is not None and site.latitude is not None and site.longitude is not None:
            out.coordinates[site_id] = (site.latitude, site.longitude)
        site_assets = by_site[site_id]
        stage_of = _stages({a.domain.value for a in site_assets}, rule_pairs)
        visit = catalogue.site_visit(site.kind if site else None)
        first = len(out.packages)
        for stage in sorted(set(stage_of.values())):
            members = [a for a in site_assets if stage_of[a.domain.value] == stage]
            equipment = 0.0
            days = 0.0
            weight = 0.0
            for a in members:
                unit = catalogue.asset_cost(a.role, a.domain, roles)
                need = needs[a.id]
                equipment += unit.equipment_cost
                days += unit.crew_days
                weight += risk.weight(a.domain) * (
                    float(need.binding) + risk.advisory_share * float(need.advisory)
                )
            if stage == 0:  # the site overhead is paid on the first visit
                equipment += visit.equipment_cost
                days += visit.crew_days
            domains = tuple(sorted({a.domain.value for a in members}))
            index = len(out.packages)
            job_ids = []
            for k, step in enumerate(catalogue.phases_for(domains)):
                job_days = round(days * step.share, 3)
                job_ids.append(len(out.jobs))
                out.jobs.append(
                    Job(
                        index=len(out.jobs),
                        package=index,
                        position=k,
                        phase=step.name,
                        crew=step.crew,
                        crew_days=job_days,
                        cost=round(
                            (equipment if k == 0 else 0.0) + job_days * catalogue.day_rate(step.crew), 2
                        ),
                        min_weeks=step.min_weeks,
                    )
                )
            deadline = None
            for a in members:
                deadline = _earliest(deadline, needs[a.id].deadline)
            out.packages.append(
                WorkPackage(
                    index=index,
                    site_id=site_id,
                    region=region,
                    stage=stage,
                    domains=domains,
                    asset_ids=tuple(a.id for a in members),
                    cost=round(sum(out.jobs[j].cost for j in job_ids), 2),
                    crew_days=round(sum(out.jobs[j].crew_days for j in job_ids), 3),
                    weight=weight,
                    deadline=deadline,
                    deadline_week=deadline_week(parameters, deadline),
                    rule_ids=tuple(sorted({r for a in members for r in needs[a.id].rule_ids})),
                    jobs=tuple(job_ids),
                    overdue=deadline is not None
                    and (deadline < parameters.start or any(needs[a.id].in_breach for a in members)),
                )
            )
        site_packages = out.packages[first:]
        for rule in parameters.precedence:
            if rule.scope is not PrecedenceScope.SITE:
                continue
            for p in site_packages:
                for q in site_packages:
                    if rule.before.value in p.domains and rule.after.value in q.domains:
                        out.site_precedence.append((p.index, q.index))
    return out


def _cap_demands(
    caps: Sequence[Finding],
    members: Mapping[str, Sequence[str]] | None,
    needs: Mapping[str, Need],
    base: _Work,
    assets: Mapping[str, Asset],
    sites: Mapping[str, Site],
    catalogue: CostCatalogue,
    parameters: PlanningParameters,
    roles: RoleTable | None,
    notes: list[str],
) -> list[CapDemand]:
    packages_at: dict[str, list[WorkPackage]] = defaultdict(list)
    for p in base.packages:
        packages_at[p.site_id].append(p)
    demands = []
    for finding in caps:
        key = f"{finding.rule_id}@{finding.country or ''}"
        excess = finding.excess or 0
        if excess <= 0:
            continue
        if members is None or key not in members:
            notes.append(
                f"cap {key}: which sites hold the capped equipment is not known, so it is not planned"
            )
            continue
        binding = is_binding(finding)
        deadline = finding.deadline if binding else None
        if binding and deadline is None:
            deadline = parameters.start
        week = deadline_week(parameters, deadline)
        items: dict[str, list[Asset]] = defaultdict(list)
        for asset_id in members[key]:
            if asset_id in assets:
                items[assets[asset_id].site_id].append(assets[asset_id])
        candidates = []
        for site_id in sorted(items):
            site = sites.get(site_id)
            extra = [a for a in items[site_id] if a.id not in needs]
            extra_days = sum(catalogue.asset_cost(a.role, a.domain, roles).crew_days for a in extra)
            extra_cost = sum(catalogue.asset_cost(a.role, a.domain, roles).equipment_cost for a in extra)
            own = packages_at.get(site_id, [])
            visit = catalogue.site_visit(site.kind if site else None) if not own else None
            moved = sum(
                j.crew_days
                for p in own
                if binding and p.deadline_week > week
                for j in (base.jobs[i] for i in p.jobs)
                if j.crew == FIELD_CREW
            )
            candidates.append(
                CapCandidate(
                    site_id=site_id,
                    region=(site.region if site else None) or NO_REGION,
                    units=1 if finding.cap_metric == "sites" else len(items[site_id]),
                    asset_ids=tuple(sorted(a.id for a in items[site_id])),
                    extra_cost=round(extra_cost + extra_days * catalogue.crew_day_rate, 2),
                    extra_days=round(extra_days, 3),
                    moved_days=round(moved, 3),
                    visit_cost=round(visit.equipment_cost + visit.crew_days * catalogue.crew_day_rate, 2)
                    if visit
                    else 0.0,
                    visit_days=visit.crew_days if visit else 0.0,
                )
            )
        rule = CapRule(
            key=key,
            rule_id=finding.rule_id,
            jurisdiction=finding.jurisdiction,
            country=finding.country,
            cap=finding.cap,
            cap_metric=finding.cap_metric,
            measured_share=finding.measured_share,
            excess=excess,
            deadline=deadline,
            planned=binding,
        )
        demands.append(CapDemand(rule, week, tuple(candidates)))
    return demands


def _cap_room(
    demands: Sequence[CapDemand], base: _Work, catalogue: CostCatalogue, parameters: PlanningParameters
) -> CapRoom:
    """Field crew-days and money left by each cap date after the work already due by then."""
    weeks = sorted({d.deadline_week for d in demands if d.rule.planned and d.deadline_week >= 0})
    regions = {c.region for d in demands for c in d.candidates}
    crew_days: dict[tuple[str, int], float] = {}
    for region in regions:
        per_week = parameters.crews.crews(region) * catalogue.days_per_crew_week
        for week in weeks:
            due = sum(
                base.jobs[j].crew_days
                for p in base.packages
                if p.region == region and p.deadline_week <= week
                for j in p.jobs
                if base.jobs[j].crew == FIELD_CREW
            )
            crew_days[(region, week)] = per_week * (week + 1) - due
    money = None
    budget = parameters.budget_per_quarter
    if budget is not None:
        money = {}
        for week in weeks:
            quarters = len({quarter_label(parameters.week_start(t)) for t in range(week + 1)})
            money[week] = budget * quarters - sum(p.cost for p in base.packages if p.deadline_week <= week)
    return CapRoom(crew_days, money)


def build_instance(
    findings: Iterable[Finding],
    assets: Iterable[Asset],
    sites: Iterable[Site],
    catalogue: CostCatalogue,
    parameters: PlanningParameters,
    roles: RoleTable | None = None,
    cap_members: Mapping[str, Sequence[str]] | None = None,
    cap_method: CapMethod = CapMethod.OPTIMAL,
    cap_sites: Mapping[str, Sequence[str]] | None = None,
) -> PlanningInstance:
    """Turn binding (and, unless switched off, advisory) findings into work, grouped by site and phase.

    `cap_members` gives, per cap (`rule_id@country`), the items that count towards it; `cap_sites`
    fixes which sites each cap clears (a plan's own choice, to check it) instead of choosing them.
    """
    asset_by_id = {a.id: a for a in assets}
    site_by_id = {s.id: s for s in sites}
    read = _read(findings, asset_by_id, parameters)
    notes = list(read.notes)
    needs = {a: n for a, n in read.needs.items() if n.binding or (n.advisory and parameters.advisory_work)}
    left_advisory = len(read.needs) - len(needs)
    if left_advisory:
        notes.append(
            f"{left_advisory} asset(s) only guidance reaches are not planned (advisory work switched off)"
        )
    licence_only = read.licence_assets - needs.keys()
    if licence_only:
        notes.append(
            f"{len(licence_only)} asset(s) need only a licence or authorisation (no removal or ban "
            "reaches them) and are not planned for replacement"
        )
    caps = []
    if read.caps:
        base = _work(needs, asset_by_id, site_by_id, catalogue, parameters, roles)
        demands = _cap_demands(
            read.caps, cap_members, needs, base, asset_by_id, site_by_id, catalogue, parameters, roles, notes
        )
        method = CapMethod.GIVEN if cap_sites is not None else cap_method
        caps = choose_sites(demands, _cap_room(demands, base, catalogue, parameters), method, cap_sites)
        chosen = {(c.rule.key, s) for c in caps if c.rule.planned for s in c.sites}
        for demand in demands:
            for candidate in demand.candidates:
                if (demand.rule.key, candidate.site_id) in chosen:
                    for asset_id in candidate.asset_ids:
                        needs.setdefault(asset_id, Need()).require(demand.rule.deadline, demand.rule.rule_id)
    work = _work(needs, asset_by_id, site_by_id, catalogue, parameters, roles)
    notes.extend(work.notes)
    group_precedence: list[GroupPrecedence] = []
    for rule in parameters.precedence:
        if rule.scope is PrecedenceScope.SITE:
            continue
        scopes = sorted(work.regions) if rule.scope is PrecedenceScope.REGION else [None]
        for scope in scopes:
            inside = [p for p in work.packages if scope is None or p.region == scope]
            before = tuple(p.index for p in inside if rule.before.value in p.domains)
            after = tuple(p.index for p in inside if rule.after.value in p.domains)
            if before and after:
                group_precedence.append(GroupPrecedence(str(rule), before, after))
    neighbours: list[tuple[str, str]] = []
    if parameters.neighbour_km:
        neighbours = neighbour_pairs(
            ((s, lat, lon) for s, (lat, lon) in work.coordinates.items()), parameters.neighbour_km
        )
    unknown = [
        UnknownWork(
            rule_id=rule_id,
            jurisdiction=jurisdiction,
            assets=len({f.asset_id for f in group if f.asset_id}),
            sites=len({f.site_id for f in group if f.site_id}),
            example=group[0].explanation,
        )
        for (rule_id, jurisdiction), group in sorted(read.unknown.items())
    ]
    return PlanningInstance(
        parameters=parameters,
        catalogue=catalogue,
        packages=work.packages,
        jobs=work.jobs,
        regions=sorted(work.regions),
        site_precedence=sorted(set(work.site_precedence)),
        group_precedence=group_precedence,
        neighbour_sites=neighbours,
        site_coordinates=work.coordinates,
        notes=notes,
        caps=caps,
        unknown=unknown,
    )
