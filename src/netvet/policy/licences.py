"""Licences, exemptions and deadline extensions: data a user adds, each with its validity window.

A licence's windows record its history: the US Temporary General License was issued for 90 days and
extended five times; assessed on a date, only the windows issued by then count, so time travel shows
the validity that was known that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from netvet.policy.rules import Confidence, Scope, Source, VendorTarget


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Frozen):
    issued: date
    valid_from: date
    valid_until: date  # the licence covers this day too
    note: str | None = None


class Licence(_Frozen):
    id: str
    title: str
    kind: str  # general-licence, authorisation, exemption
    organization_id: str | None = None  # None: every organisation (a general licence)
    rules: tuple[str, ...]
    vendors: VendorTarget | None = None  # None: whatever the rule targets
    scope: Scope = Field(default_factory=Scope)
    windows: tuple[Window, ...]
    confidence: Confidence = Confidence.CONFIRMED
    sources: tuple[Source, ...]
    note: str | None = None
    path: str = ""

    def window_at(self, at: date) -> Window | None:
        """The window in force on `at`, as known on `at` (the latest issued one that covers the day)."""
        known = [w for w in self.windows if w.issued <= at and w.valid_from <= at <= w.valid_until]
        return max(known, key=lambda w: (w.issued, w.valid_until)) if known else None

    def applies_to(self, rule_id: str, organization_id: str) -> bool:
        holder_ok = self.organization_id is None or self.organization_id == organization_id
        return holder_ok and rule_id in self.rules


class Extension(_Frozen):
    """An operator's own deadline for a rule (an extension granted, or a deadline set per recipient)."""

    id: str
    organization_id: str | None = None
    rule: str
    deadline: date
    issued: date
    sources: tuple[Source, ...]
    note: str | None = None
    path: str = ""


def deadline_overrides(
    extensions: Sequence[Extension], organization_id: str, at: date
) -> dict[str, Extension]:
    """Per rule, the latest extension issued on or before `at` for this organisation."""
    chosen: dict[str, Extension] = {}
    for extension in extensions:
        if extension.issued > at:
            continue
        if extension.organization_id not in (None, organization_id):
            continue
        current = chosen.get(extension.rule)
        if current is None or (extension.issued, extension.deadline) > (current.issued, current.deadline):
            chosen[extension.rule] = extension
    return chosen
