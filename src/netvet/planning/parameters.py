"""What the user sets for a plan: start, horizon, crews, budget, neighbour distance, precedence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from netvet.model.findings import Finding
from netvet.model.inventory import Domain

_PRECEDENCE = re.compile(r"^\s*(\w+)\s*(?:>|before)\s*(\w+)\s*(?:@\s*(\w+))?\s*$", re.IGNORECASE)


class PrecedenceScope(StrEnum):
    SITE = "site"  # at the same site: e.g. transport before the RAN it backhauls
    REGION = "region"  # every BEFORE item of a region before any AFTER item of that region
    NETWORK = "network"  # every BEFORE item anywhere before any AFTER item anywhere


@dataclass(frozen=True, slots=True)
class PrecedenceRule:
    """BEFORE work must be finished in an earlier week than AFTER work starts, within a scope."""

    before: Domain
    after: Domain
    scope: PrecedenceScope = PrecedenceScope.SITE

    @classmethod
    def parse(cls, text: str) -> PrecedenceRule:
        """Read 'transport>ran@site', 'core>ran@network' or 'core before ran' (scope defaults to site)."""
        match = _PRECEDENCE.match(text)
        if not match:
            raise ValueError(
                f"precedence {text!r} is not of the form BEFORE>AFTER[@site|region|network], e.g. transport>ran@site"
            )
        before, after, scope = match.groups()
        try:
            rule = cls(
                Domain(before.lower()), Domain(after.lower()), PrecedenceScope((scope or "site").lower())
            )
        except ValueError as exc:
            raise ValueError(
                f"precedence {text!r}: domains are {', '.join(d.value for d in Domain)}; "
                f"scopes are {', '.join(s.value for s in PrecedenceScope)}"
            ) from exc
        if rule.before == rule.after:
            raise ValueError(f"precedence {text!r} puts a domain before itself")
        return rule

    def __str__(self) -> str:
        return f"{self.before.value}>{self.after.value}@{self.scope.value}"


@dataclass(frozen=True)
class CrewTable:
    """Field crews per region per week (a default and per-region overrides), and specialised teams.

    `specialists` overrides the catalogue's number of teams of a network-wide crew type (core
    integration, vendor professional services).
    """

    default: int
    regions: Mapping[str, int] = field(default_factory=dict)
    specialists: Mapping[str, int] = field(default_factory=dict)

    def crews(self, region: str) -> int:
        return self.regions.get(region, self.default)

    def teams(self, crew: str, default: int) -> int:
        return self.specialists.get(crew, default)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"default": self.default, "regions": dict(sorted(self.regions.items()))}
        if self.specialists:
            out["specialists"] = dict(sorted(self.specialists.items()))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CrewTable:
        """Read what `as_dict` wrote (or a crews file); raises KeyError, TypeError or ValueError."""
        regions = data.get("regions") or {}
        specialists = data.get("specialists") or {}
        if not isinstance(regions, Mapping) or not isinstance(specialists, Mapping):
            raise TypeError("crews: 'regions' and 'specialists' map names to numbers")
        return cls(
            int(str(data["default"])),
            {str(k): int(v) for k, v in regions.items()},
            {str(k): int(v) for k, v in specialists.items()},
        )


def monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class PlanningParameters:
    start: date
    horizon_weeks: int
    crews: CrewTable
    budget_per_quarter: float | None = None
    neighbour_km: float | None = None
    precedence: tuple[PrecedenceRule, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    advisory_work: bool = True  # plan assets that only guidance reaches (no deadline, lower weight)

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            object.__setattr__(self, "start", monday_on_or_before(self.start))
        if self.horizon_weeks < 1:
            raise ValueError("the horizon must be at least one week")
        if self.budget_per_quarter is not None and self.budget_per_quarter < 0:
            raise ValueError("the budget per quarter cannot be negative")
        if self.neighbour_km is not None and self.neighbour_km < 0:
            raise ValueError("the neighbour distance cannot be negative")
        _check_acyclic(self.precedence)

    def week_start(self, week: int) -> date:
        return self.start + timedelta(weeks=week)

    def week_end(self, week: int) -> date:
        """Work done in a week counts as finished on its Sunday."""
        return self.start + timedelta(weeks=week, days=6)

    def week_of(self, day: date) -> int:
        return (day - self.start).days // 7


def _check_acyclic(rules: tuple[PrecedenceRule, ...]) -> None:
    """Rules that put a domain (through others) before itself can never all hold."""
    after: dict[Domain, set[Domain]] = {}
    for rule in rules:
        after.setdefault(rule.before, set()).add(rule.after)
    for start in after:
        seen: set[Domain] = set()
        stack = list(after[start])
        while stack:
            domain = stack.pop()
            if domain == start:
                cycle = ", ".join(str(r) for r in rules)
                raise ValueError(f"the precedence rules form a cycle through {start.value}: {cycle}")
            if domain not in seen:
                seen.add(domain)
                stack.extend(after.get(domain, ()))


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def is_binding(finding: Finding) -> bool:
    """Whether a finding carries a deadline a plan must meet: a binding status from a rule with legal force.

    Guidance and proposals never give a deadline, whatever status an older engine gave them.
    """
    return finding.status.is_binding and finding.legal_status not in ("guidance", "proposal")


def default_horizon(findings: Iterable[Finding], start: date) -> int:
    """Up to a quarter past the latest binding deadline still ahead: at least a year, at most five."""
    ahead = [f.deadline for f in findings if f.deadline is not None and f.deadline >= start and is_binding(f)]
    weeks = ((max(ahead) - start).days // 7 + 13) if ahead else 52
    return max(52, min(260, weeks))
