"""Validate one inventory row into the values stored for its site and its asset."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from netvet.data import country_table, role_table
from netvet.ingest.columns import REQUIRED_COLUMNS, vocabulary
from netvet.ingest.dates import DateFormat
from netvet.ingest.errors import RowError
from netvet.ingest.mapping import ColumnMapping, MappingPlan
from netvet.model.inventory import Domain

SITE_FIELDS = ("site_name", "region", "country", "latitude", "longitude", "site_kind", "national_security")
ASSET_TEXT_FIELDS = (
    "vendor",
    "manufacturer",
    "model",
    "part_number",
    "serial_number",
    "hardware_version",
    "software_version",
    "platform",
    "funding",
)
_DOMAINS = {d.value: d for d in Domain}
_ID_MAX = 128
COMPONENTS_MAX = 1000  # of one asset
TEXT_MAX = 1000  # characters of any other text cell: longer is not a name, model or version
# Control characters (NUL and the rest of C0 and C1, but not tab or line ends, which _text strips from
# the ends) have no place in a name; PostgreSQL cannot even store NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class ValidRow:
    row: int
    asset: dict[str, Any]
    site: dict[str, Any]
    components: list[dict[str, Any]]

    def content_hash(self) -> str:
        """A digest of everything stored for the asset, so a re-import can skip unchanged rows cheaply."""
        # The validator builds every asset dict with the same keys in the same order, so the repr of
        # its items is a stable description of the content.
        content = repr((tuple(self.asset.items()), [tuple(c.items()) for c in self.components]))
        return hashlib.blake2b(content.encode(), digest_size=16).hexdigest()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn ids like 1001 into 1001.0
    text = str(value).strip()
    return text or None


def _float(
    value: Any, column: str, low: float, high: float, row: int, errors: list[RowError]
) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text.replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        errors.append(RowError(row, column, "is not a number", _shown(text)))
        return None
    if not low <= number <= high:
        errors.append(RowError(row, column, f"must lie between {low:g} and {high:g}", _shown(text)))
        return None
    return number


def _unfit(value: Any) -> str | None:
    """Why no column may hold `value` (an object, a control character, a very long text), or None."""
    if isinstance(value, dict | list):
        return "must be text or a number, not a JSON object or array"
    if isinstance(value, str) and _CONTROL.search(value):
        return "contains a control character (such as NUL), which no name or code may hold"
    if isinstance(value, str) and len(value) > TEXT_MAX:
        return f"is longer than {TEXT_MAX:,} characters"
    return None


def _shown(text: str) -> str:
    """A value as quoted back in an error: long ones cut, so an error never carries megabytes."""
    return text if len(text) <= 40 else text[:40] + "..."


def _date(value: Any, column: str, row: int, errors: list[RowError], written: DateFormat) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    found = written.read(text)
    if found is None:
        form = "YYYY-MM-DD" if written.spec == "iso" else f"YYYY-MM-DD or {written.spec} ({written.example})"
        errors.append(RowError(row, column, f"is not a date in the form {form}", _shown(text)))
    return found


_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}
_UNKNOWN = {"unknown", "not known", "n/a", "na", "?"}


def _flag(value: Any, column: str, row: int, errors: list[RowError]) -> bool | None:
    """yes/no (true/false, 1/0, y/n); blank or 'unknown' is not recorded."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None or text.lower() in _UNKNOWN:
        return None
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    errors.append(RowError(row, column, "must be yes or no (blank or 'unknown' when not recorded)", text))
    return None


class RowValidator:
    """Turns raw rows (any header spelling) into stored values, collecting every error of a row."""

    def __init__(self, mapping: ColumnMapping, headers: Sequence[str] | None = None) -> None:
        """`headers`: a file with a header row is planned once; JSON records are planned by their keys."""
        self._mapping = mapping
        self._fixed: tuple[MappingPlan, list[str]] | None = (
            (mapping.plan(headers), []) if headers is not None else None
        )
        self._plans: dict[tuple[str, ...], tuple[MappingPlan, list[str]]] = {}
        self._dates = mapping.date_format
        self._roles = role_table()
        self._domain_by_role: dict[str, Domain | None] = {}
        self._technologies = vocabulary().technologies
        self._countries = country_table()

    def _plan_for(self, values: dict[str, Any]) -> tuple[MappingPlan, list[str]]:
        if self._fixed is not None:
            return self._fixed
        keys = tuple(k for k in values if k != "components")
        if keys not in self._plans:
            plan = self._mapping.plan(keys)
            self._plans[keys] = (plan, plan.errors(REQUIRED_COLUMNS))
        return self._plans[keys]

    def validate(self, row: int, values: dict[str, Any]) -> ValidRow | list[RowError]:
        if "__not_object__" in values:
            return [RowError(row, None, "is not an object with asset fields")]
        if "__extra__" in values:
            return [RowError(row, None, "has more cells than the header has columns")]
        plan, problems = self._plan_for(values)
        errors = [RowError(row, None, p) for p in problems]
        canonical = self._mapping.translate(plan, values)
        faulty = self._unfit_cells(row, canonical, errors)

        asset_id = _text(canonical.get("asset_id"))
        site_id = _text(canonical.get("site_id"))
        vendor = _text(canonical.get("vendor"))
        role = _text(canonical.get("role"))
        for column, value in (
            ("asset_id", asset_id),
            ("site_id", site_id),
            ("vendor", vendor),
            ("role", role),
        ):
            if value is None and not problems and column not in faulty:
                errors.append(RowError(row, column, "is required but empty"))
        for column, value in (("asset_id", asset_id), ("site_id", site_id)):
            if value is not None and len(value) > _ID_MAX:
                errors.append(
                    RowError(row, column, f"is longer than {_ID_MAX} characters", value[:40] + "...")
                )

        written_country = _text(canonical.get("country"))
        country = None
        if written_country is not None:
            country = self._countries.code_for(written_country)
            if country is None:
                errors.append(
                    RowError(
                        row,
                        "country",
                        "is not an ISO 3166-1 country: give its two-letter code (GB) or its name",
                        _shown(written_country),
                    )
                )

        domain_text = _text(canonical.get("domain"))
        domain: Domain | None = None
        if domain_text is not None:
            domain = _DOMAINS.get(domain_text.lower())
            if domain is None:
                errors.append(RowError(row, "domain", f"must be one of {', '.join(_DOMAINS)}", domain_text))
        if role is not None and domain is None and domain_text is None:
            if role not in self._domain_by_role:
                self._domain_by_role[role] = self._roles.domain_for(role)
            domain = self._domain_by_role[role]
            if domain is None:
                errors.append(
                    RowError(
                        row,
                        "role",
                        "is not a role netvet knows; use a role of the role table (Help: Inventory format) or give the domain",
                        role,
                    )
                )

        technology = _text(canonical.get("technology"))
        if technology is not None:
            technology = self._technologies.get(technology.lower(), technology)

        site = {
            "name": _text(canonical.get("site_name")),
            "region": _text(canonical.get("region")),
            "country": country,
            "latitude": _float(canonical.get("latitude"), "latitude", -90, 90, row, errors),
            "longitude": _float(canonical.get("longitude"), "longitude", -180, 180, row, errors),
            "kind": _text(canonical.get("site_kind")),
            "national_security": _flag(canonical.get("national_security"), "national_security", row, errors),
        }
        asset: dict[str, Any] = {column: _text(canonical.get(column)) for column in ASSET_TEXT_FIELDS}
        asset.update(
            id=asset_id,
            site_id=site_id,
            role=role,
            domain=domain.value if domain else None,
            technology=technology,
            installed_on=_date(canonical.get("installed_on"), "installed_on", row, errors, self._dates),
            purchased_on=_date(canonical.get("purchased_on"), "purchased_on", row, errors, self._dates),
        )
        components = self._components(row, values.get("components"), errors)
        if errors:
            return errors
        return ValidRow(row, asset, site, components)

    @staticmethod
    def _unfit_cells(row: int, canonical: dict[str, Any], errors: list[RowError]) -> set[str]:
        """Cells no column may hold: each is an error, then treated as empty so it is reported once."""
        faulty = set()
        for column, value in canonical.items():
            problem = _unfit(value)
            if problem is not None:
                errors.append(
                    RowError(row, column, problem, _shown(value if isinstance(value, str) else repr(value)))
                )
                canonical[column] = None
                faulty.add(column)
        return faulty

    @staticmethod
    def _components(row: int, raw: Any, errors: list[RowError]) -> list[dict[str, Any]]:
        if raw in (None, ""):
            return []
        if not isinstance(raw, list):
            errors.append(RowError(row, "components", "must be a list of objects with name and supplier"))
            return []
        if len(raw) > COMPONENTS_MAX:
            errors.append(RowError(row, "components", f"lists more than {COMPONENTS_MAX:,} components"))
            return []
        components = []
        for position, item in enumerate(raw):
            unfit = [
                (key, problem)
                for key in ("name", "supplier", "kind", "version")
                if isinstance(item, dict) and (problem := _unfit(item.get(key))) is not None
            ]
            if unfit:
                errors.extend(
                    RowError(row, f"components[{position}].{key}", problem) for key, problem in unfit
                )
                continue
            name = _text(item.get("name")) if isinstance(item, dict) else None
            supplier = _text(item.get("supplier")) if isinstance(item, dict) else None
            if name is None or supplier is None or not isinstance(item, dict):
                errors.append(RowError(row, f"components[{position}]", "needs a name and a supplier"))
                continue
            components.append(
                {
                    "position": position,
                    "name": name,
                    "supplier": supplier,
                    "kind": _text(item.get("kind")),
                    "version": _text(item.get("version")),
                }
            )
        return components
