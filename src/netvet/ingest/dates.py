"""Dates as operators' files write them: ISO always; day first or month first when the file says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

DATE_FORMATS = {"iso": "%Y-%m-%d", "day-first": "%d/%m/%Y", "month-first": "%m/%d/%Y"}
_SEPARATORS = re.compile(r"[./\-\s]+")


@dataclass(frozen=True)
class DateFormat:
    """How the file writes dates: ISO (YYYY-MM-DD, always understood), day first or month first
    (any of / . - as separator, two- or four-digit years), or an explicit strptime pattern."""

    spec: str = "iso"

    @classmethod
    def parse(cls, spec: str) -> DateFormat:
        if spec not in DATE_FORMATS and "%" not in spec:
            raise ValueError(
                f"date format {spec!r}: use iso, day-first, month-first or a pattern such as %d.%m.%Y"
            )
        return cls(spec)

    @property
    def example(self) -> str:
        return date(2024, 3, 31).strftime(DATE_FORMATS.get(self.spec, self.spec))

    def read(self, text: str) -> date | None:
        """The date, or None when the text is not one in this format (nor ISO)."""
        try:
            return date.fromisoformat(text[:10] if "T" in text else text)
        except ValueError:
            pass
        if self.spec == "iso":
            return None
        if "%" in self.spec:
            try:
                return datetime.strptime(text, self.spec).date()
            except ValueError:
                return None
        parts = _SEPARATORS.split(text.strip())
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None
        first, second, year = (int(p) for p in parts)
        day, month = (first, second) if self.spec == "day-first" else (second, first)
        if len(parts[2]) == 2:
            year += 2000 if year < 70 else 1900
        try:
            return date(year, month, day)
        except ValueError:
            return None
