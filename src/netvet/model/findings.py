"""A finding: what one rule says about one asset (or the whole network, for a cap) on one date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class FindingStatus(StrEnum):
    """What a rule says of an asset (or of the network, for caps and reports) on the assessment day.

    Only rules with legal force (binding law, regulation, licence conditions, and contracts for their
    signatories) give `violation` or `due`; guidance, recommendations and proposals give `advisory`. A
    rule that cannot be decided for lack of data gives `unknown` with what is missing, never silence and
    never an implied "compliant".

    Members are listed worst first: a site on the map, and a rule in a summary, takes the colour of its
    worst finding in this order (storage.findings.STATUS_RANK and report.context.STATUS_RANK follow it).
    """

    VIOLATION = "violation"  # a binding rule is broken on the assessment date
    DUE = "due"  # a binding deadline the asset must meet is still ahead
    UNKNOWN = "unknown"  # a binding rule could not be decided: a date or site attribute is missing
    LICENCE_REQUIRED = "licence_required"  # lawful to keep, but support, updates or spares need a licence
    REPORT = "report"  # a duty to report applies
    LICENSED = "licensed"  # the rule would bite, but a licence or exemption covers it
    ADVISORY = "advisory"  # guidance, a recommendation or a proposal reaches the asset; no legal force

    @property
    def is_binding(self) -> bool:
        """Whether the status carries legal force (and so can carry a deadline a plan must meet)."""
        return self in (FindingStatus.VIOLATION, FindingStatus.DUE)


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule_id: str
    jurisdiction: str
    status: FindingStatus
    asset_id: str | None
    site_id: str | None
    deadline: date | None
    source: str
    explanation: str
    organization_id: str = "default"
    vendor: str | None = None
    domain: str | None = None
    # Cap findings only: the share measured, the cap, and how many sites or items must go.
    measured_share: float | None = None
    cap: float | None = None
    cap_metric: str | None = None
    excess: int | None = None
    # Added by the policy engine: where, what kind of rule, and how firm its legal footing is.
    country: str | None = None
    effect: str | None = None  # ban, removal, cap, report, licence
    legal_status: str | None = None  # binding, guidance, contract, proposal
    confidence: str | None = None  # confirmed, unverified
    # What the inventory lacks to decide the rule (unknown findings; advisory ones that may apply).
    missing: str | None = None
