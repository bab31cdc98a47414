"""What the plan checker reports: one violated constraint, saying where."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class PlanViolation(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    message: str
    site_id: str | None = None
    region: str | None = None
    week_start: date | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"
