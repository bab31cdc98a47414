"""The report's paper size and the currency its costs are shown in, at an exchange rate of a stated day.

netvet reaches no service at run time, so the rate is the user's (an ECB or central-bank reference rate,
say) and the report prints it with its day. Costs are planned in the cost catalogue's currency; a report
in another currency multiplies every amount of the plan by the rate. Amounts are the plan's fields named
for money (`cost`, `budget`, `..._cost`, `..._budget_...`): the planner keeps that naming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from netvet.planning.plan import Plan

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # CSS @page sizes: ISO 216 A4, US Letter
_CURRENCY = re.compile(r"^[A-Z]{3}$")  # an ISO 4217 alphabetic code
_MONEY_FIELD = re.compile(r"(^|_)(cost|budget)(_|$)")
Model = TypeVar("Model", bound=BaseModel)


def paper_size(name: str) -> str:
    """The CSS page size for `a4` or `letter` (any case); ValueError for anything else."""
    size = PAPER_SIZES.get(name.strip().lower())
    if size is None:
        raise ValueError(f"paper {name!r}: choose a4 or letter")
    return size


@dataclass(frozen=True)
class ExchangeRate:
    """`rate` units of `currency` buy one unit of `base`, on `on` (from `source`, when given)."""

    currency: str
    rate: float
    on: date
    base: str
    source: str | None = None

    @classmethod
    def parse(
        cls, currency: str, rate: float | None, on: date | None, base: str, source: str | None = None
    ) -> ExchangeRate | None:
        """The rate the options give; None when the report stays in the plan's currency. ValueError
        for an incomplete or impossible rate."""
        code = currency.strip().upper()
        if not _CURRENCY.match(code):
            raise ValueError(f"currency {currency!r}: give an ISO 4217 code such as EUR, GBP or USD")
        if code == base:
            return None
        if rate is None or on is None:
            raise ValueError(
                f"costs are planned in {base}: showing them in {code} needs the rate and its day "
                f"(--exchange-rate: {code} per {base}; --rate-date YYYY-MM-DD)"
            )
        if not rate > 0:
            raise ValueError(f"exchange rate {rate}: must be above zero")
        return cls(code, rate, on, base, source)

    @property
    def statement(self) -> str:
        source = f", {self.source}" if self.source else ""
        return (
            f"Costs in {self.currency}, converted from {self.base} at {self.rate:g} {self.currency} per "
            f"{self.base}, the rate of {self.on.isoformat()}{source}."
        )

    def convert(self, model: Model) -> Model:
        """A copy of a model (the plan) with every money field multiplied by the rate, nested ones too."""
        update: dict[str, Any] = {}
        for name, value in model:
            converted = self._value(name, value)
            if converted is not value:
                update[name] = converted
        if "currency" in type(model).model_fields:
            update["currency"] = self.currency
        return model.model_copy(update=update)

    def _value(self, name: str, value: Any) -> Any:
        if isinstance(value, BaseModel):
            return self.convert(value)
        if isinstance(value, list):
            items = [self._value(name, item) for item in value]
            return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
        if isinstance(value, dict):
            entries = {key: self._value(str(key), item) for key, item in value.items()}
            return entries if any(entries[k] is not value[k] for k in value) else value
        if isinstance(value, float | int) and not isinstance(value, bool) and _MONEY_FIELD.search(name):
            return round(value * self.rate, 2)
        return value


def plan_in(plan: Plan, rate: ExchangeRate | None) -> Plan:
    return rate.convert(plan) if rate is not None else plan
