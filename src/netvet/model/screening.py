"""What screening says about a name, in the form the policy engine and reports consume."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ScreeningStatus(StrEnum):
    MATCH = "match"
    REVIEW = "review"
    CLEAR = "clear"


class Decision(StrEnum):
    """An analyst's ruling on one candidate (name against list entry)."""

    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class VendorEvidence(BaseModel):
    """One restricted-list entry that a name written in the inventory resolves to.

    `affiliate_path` runs from the matched entry up through its parents to the root entity
    (for example ("hisilicon", "huawei")), so a rule that targets "huawei" reaches HiSilicon.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    status: ScreeningStatus
    entity_id: str
    entity_name: str
    list_id: str
    matched_name: str
    score: float
    explanation: str
    affiliate_path: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    decision: Decision | None = None
    # The day the matched list entry was added, where the list gives it: an affiliate is known to belong
    # to its group from that day, so an assessment of an earlier day does not reach it.
    listed_on: date | None = None

    @property
    def entity_ids(self) -> tuple[str, ...]:
        """The matched entity and every parent above it."""
        return (self.entity_id, *self.affiliate_path)

    @property
    def counts_as_restricted(self) -> bool:
        """A hit the rules act on: an automatic match or a confirmed candidate, never a dismissed one."""
        if self.decision is Decision.DISMISSED:
            return False
        return self.status is ScreeningStatus.MATCH or self.decision is Decision.CONFIRMED
