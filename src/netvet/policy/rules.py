"""Rule packs as objects: one jurisdiction's rules, each with its sources, dates, targets, scope and effect.

The YAML form is validated against `data/schemas/rules.schema.json` before it reaches these models
(see `netvet.policy.loader`); the models add the typed view and the date logic.
"""

from __future__ import annotations

from datetime import date, timedelta
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
    BAN = "ban"  # no purchase, installation (or holding, for funding bans) from `effective`
    REMOVAL = "removal"  # out by `deadline`
    CAP = "cap"  # a vendor group's share of the scope at most `share`
    REPORT = "report"  # a duty to report the equipment
    LICENCE = "licence"  # the equipment needs a licence or authorisation to be used
    SUPPORT_LICENCE = "support_licence"  # lawful to keep; support, updates, spares need an export licence


class DateRead(StrEnum):
    """Which fact about the equipment the rule reaches it by (and so which inventory field it needs)."""

    PURCHASE = "purchase"  # the purchase or contract date (purchased_on)
    INSTALLATION = "installation"  # the installation date (installed_on)
    PRESENCE = "presence"  # being in the network on the assessment day

    @property
    def column(self) -> str | None:
        return {DateRead.PURCHASE: "purchased_on", DateRead.INSTALLATION: "installed_on"}.get(self)

    @property
    def words(self) -> str:
        return {
            DateRead.PURCHASE: "purchase (contract) date",
            DateRead.INSTALLATION: "installation date",
            DateRead.PRESENCE: "presence in the network on the day assessed",
        }[self]


class DeadlineKind(StrEnum):
    """How the source's words place the deadline day (decided per rule, from the source)."""

    LAST_DAY = "last-day"  # "by 31 December 2023": the equipment may still be there that day
    START_OF_DAY = "start-of-day"  # "1 January 2025 at the latest": gone when that day starts

    @property
    def words(self) -> str:
        if self is DeadlineKind.LAST_DAY:
            return "the last day allowed"
        return "no later than the start of that day (the day before is the last day allowed)"


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
    # The rule reaches a designation's entries this many days after they were designated (47 USC
    # 1602(a)(2): the subsidy ban applies 60 days after an entry joins the Covered List).
    days_after_designation: int = 0


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
    # Programmes the operator draws on (recorded as the funding of any of its assets): rules on
    # recipients of a programme (47 CFR 54.11: ETCs receiving USF support) reach its whole network.
    operator_funding: tuple[str, ...] = ()
    # True: only sites significant to national security (the site attribute `national_security`).
    national_security: bool | None = None
    installed: DateWindow | None = None
    purchased: DateWindow | None = None


class Effect(_Frozen):
    type: EffectType
    share: float | None = None  # cap
    measured_by: str | None = None  # cap: "sites" or "equipment"
    metric_confirmed: bool | None = None  # cap: whether the source says how the share is counted
    annual_due: str | None = None  # report: MM-DD of a yearly due date
    annual_from: int | None = None  # report: first year of the yearly due date


class DeadlineChange(_Frozen):
    """A deadline moved for everyone by the rule's own authority (an order extending a filing date)."""

    issued: date
    deadline: date
    sources: tuple[Source, ...]
    note: str | None = None


class Rule(_Frozen):
    id: str
    title: str
    legal_status: LegalStatus
    confidence: Confidence
    sources: tuple[Source, ...]
    adopted: date
    effective: date | None = None
    deadline: date | None = None
    deadline_kind: DeadlineKind | None = None
    deadline_changes: tuple[DeadlineChange, ...] = ()
    deadline_from_operator: bool = False
    reads: DateRead
    wording: str | None = None
    vendors: VendorTarget
    scope: Scope = Field(default_factory=Scope)
    effect: Effect
    # A contract binds only its signatories (names matched against the organisation's name and aliases).
    parties: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    # Rules this later, more specific measure governs for the equipment both reach (lex specialis).
    prevails_over: tuple[str, ...] = ()
    # A fact the inventory does not hold that decides the rule: every hit is `unknown`, naming it.
    needs_record: str | None = None
    # What netvet assumes to apply the rule; said in every finding it gives.
    assumes: str | None = None
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

    def deadline_on(self, at: date) -> date | None:
        """The deadline as known on `at`: the latest change issued by then, else the source's date."""
        known = [change for change in self.deadline_changes if change.issued <= at]
        return max(known, key=lambda c: c.issued).deadline if known else self.deadline

    def last_day_allowed(self, deadline: date | None) -> date | None:
        """The deadline as the last day the equipment may remain (what findings carry)."""
        if deadline is None or self.deadline_kind is not DeadlineKind.START_OF_DAY:
            return deadline
        return deadline - timedelta(days=1)

    def report_deadline(self, at: date) -> date | None:
        """The next report due on or after `at`, else the last one that passed."""
        current = self.last_day_allowed(self.deadline_on(at))
        dates = [current] if current else []
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
