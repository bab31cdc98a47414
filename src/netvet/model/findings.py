"""A finding: what one rule says about one asset (or the whole network, for a cap) on one date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class FindingStatus(StrEnum):
    VIOLATION = "violation"  # the rule is broken on the assessment date
    DUE = "due"  # a deadline the asset must meet is still ahead
    LICENSED = "licensed"  # the rule would bite, but a licence or exemption covers it
    REPORT = "report"  # a duty to report applies


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
