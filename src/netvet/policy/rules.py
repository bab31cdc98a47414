"""Rule packs as objects: one jurisdiction's rules, each with its sources, dates, targets, scope and effect.

The YAML form is validated against `data/schemas/rules.schema.json` before it reaches these models
(see `netvet.policy.loader`); the models add the typed view and the date logic.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class LegalStatus(StrEnum):
    BINDING = "binding"  # law, regulation, direction, licence condition
    GUIDANCE = "guidance"  # advice, recommendation or political decision without force of law
    CONTRACT = "contract"  # agreement between government and operators: binds its signatories
    PROPOSAL = "proposal"  # not adopted; evaluated only on request

    @property
    def has_force(self) -> bool:
        """Whether a breach is a `violation` (law, licence conditions, signed contracts), not `advisory`."""
        return self in (LegalStatus.BINDING, LegalStatus.CONTRACT)


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    UNVERIFIED = "unverified"


class EffectType(StrEnum):
    BAN = "ban"  # no new installs (or purchases) from `effective`
    REMOVAL = "removal"  # out by `deadline` (end of that day)
    CAP = "cap"  # a vendor group's share of the scope at most `share`
    REPORT = "report"  # a duty to report the equipment
    LICENCE = "licence"  # the equipment needs a licence or authorisation


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    id: str | None = None  # source id in policy-facts.md (S1, S45, ...)
    citation: str
    url: str | None = None

    def render(self) -> str:
        text = f"[{self.id}] {self.citation}" if self.id else self.citation
        return f"{text} <{self.url}>" if self.url else text


class VendorTarget(_Frozen):
    """Whom a rule reaches: entities (with their subsidiaries), restricted lists, designations, or anyone."""

    entities: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    designations: tuple[str, ...] = ()
    any: bool = False


class DateWindow(_Frozen):
    before: date | None = None
    on_or_before: date | None = None
    after: date | None = None
    on_or_after: date | None = None


class Scope(_Frozen):
    """Which assets a rule covers. Empty fields do not restrict."""

    domains: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    site_kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    installed: DateWindow | None = None
    purchased: DateWindow | None = None


class Effect(_Frozen):
    type: EffectType
    event: str | None = None  # ban: "installed" or "purchased" (which asset date the ban reads)
    share: float | None = None  # cap
    measured_by: str | None = None  # cap: "sites" or "equipment"
    metric_confirmed: bool | None = None  # cap: whether the source says how the share is counted
    annual_due: str | None = None  # report: MM-DD of a yearly due date
    annual_from: int | None = None  # report: first year of the yearly due date


class Rule(_Frozen):
    id: str
    title: str
    legal_status: LegalStatus
    confidence: Confidence
    sources: tuple[Source, ...]
    adopted: date
    effective: date | None = None
    deadline: date | None = None
    deadline_from_operator: bool = False
    wording: str | None = None
    vendors: VendorTarget
    scope: Scope = Field(default_factory=Scope)
    effect: Effect
    supersedes: tuple[str, ...] = ()
    note: str | None = None
    unverified: str | None = None
    # Filled in by the pack: which pack the rule belongs to.
    jurisdiction: str = ""

    @property
    def in_force_from(self) -> date:
        return self.effective or self.adopted

    @property
    def source_text(self) -> str:
        return "; ".join(source.render() for source in self.sources)

    def report_deadline(self, at: date) -> date | None:
        """The next report due on or after `at`, else the last one that passed."""
        dates = [self.deadline] if self.deadline else []
        if self.effect.annual_due and self.effect.annual_from:
            month, day = (int(part) for part in self.effect.annual_due.split("-"))
            first = max(self.effect.annual_from, at.year - 1)
            dates += [date(year, month, day) for year in range(first, max(first, at.year) + 2)]
        ahead = [d for d in dates if d >= at]
        if ahead:
            return min(ahead)
        return max(dates) if dates else None


class Designation(_Frozen):
    """A named set of vendors a government designated on a date (the UK designated vendor, EU HRS)."""

    id: str
    title: str
    designated: date
    entities: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    sources: tuple[Source, ...]
    note: str | None = None


class RulePack(_Frozen):
    jurisdiction: str
    name: str
    countries: tuple[str, ...]
    version: str
    description: str | None = None
    designations: tuple[Designation, ...] = ()
    rules: tuple[Rule, ...]
    path: str = ""

    def designation(self, designation_id: str) -> Designation | None:
        return next((d for d in self.designations if d.id == designation_id), None)
