"""Column mappings: which field of an operator's own export holds which netvet column.

A mapping is data (a YAML or JSON file validated by data/schemas/mapping.schema.json): the columns it
names (a header, or a dotted path into a JSON record such as `device_type.manufacturer.name`; several in
order, the first non-empty wins), tables that turn values as written into netvet's (NetBox's "Core
Switch" into the role Switch), a default country, a date format, and whether the shipped header
vocabulary (data/inventory_columns.yaml) maps the columns it does not name. netvet ships presets for
NetBox (data/mappings/); `--map "Node Type=role"` adds to any of them, and `--save-mapping` keeps the
result for the next export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from netvet.data import DATA_DIR, DataFileError, country_table, load_yaml_file, parse_yaml_text
from netvet.ingest.columns import CANONICAL_COLUMNS, OPTIONAL_COLUMNS, header_key, vocabulary
from netvet.ingest.dates import DateFormat

MAPPINGS_DIR = DATA_DIR / "mappings"
VALUE_TABLES_DIR = MAPPINGS_DIR / "values"
MAPPING_SCHEMA = "mapping.schema.json"
VALUE_TABLE_SCHEMA = "value_table.schema.json"
_SUBDIVISION = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")  # ISO 3166-2: country, hyphen, up to three
COLUMNS = (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS)


class MappingError(ValueError):
    """A mapping that cannot be used: a column netvet does not have, a file that cannot be read."""


def value_key(value: str) -> str:
    """How values are compared in a value table: case and separators folded ("core-switch" = "Core Switch")."""
    return header_key(value)


@dataclass(frozen=True)
class ColumnMapping:
    name: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # column -> {value key -> {column -> value}}: what a value as written becomes
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    auto: bool = True
    records: str | None = None
    date_format: DateFormat = field(default_factory=DateFormat)
    country: str | None = None
    country_from_region: bool = False
    explicit: frozenset[str] = frozenset()  # columns named with --map
    source: str = ""
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # --- building -----------------------------------------------------------------------------

    @classmethod
    def default(cls) -> ColumnMapping:
        """netvet's own columns, with the header spellings of data/inventory_columns.yaml."""
        return cls(name="netvet columns")

    @classmethod
    def from_document(
        cls, document: Mapping[str, Any], source: str, base: Path | None = None
    ) -> ColumnMapping:
        columns = {
            column: tuple([sources] if isinstance(sources, str) else sources)
            for column, sources in document.get("columns", {}).items()
        }
        values = {
            column: _value_table(table, column, base) for column, table in document.get("values", {}).items()
        }
        return cls(
            name=str(document.get("name", source)),
            columns=columns,
            values=values,
            auto=bool(document.get("auto", True)),
            records=document.get("records"),
            date_format=_date_format(document.get("date_format", "iso")),
            country=document.get("country"),
            country_from_region=bool(document.get("country_from_region", False)),
            source=source,
            document=dict(document),
        )

    def with_options(
        self,
        maps: Sequence[str] = (),
        date_format: str | None = None,
        country: str | None = None,
    ) -> ColumnMapping:
        """This mapping with `--map "HEADER=column"` entries (a named column takes the header alone),
        a date format and a default country given on the command line."""
        columns = dict(self.columns)
        document = dict(self.document) or {"version": 1, "name": self.name}
        named = dict(document.get("columns", {}))
        for entry in maps:
            header, column = parse_map(entry)
            columns[column] = (header,)
            named[column] = header
        if maps:
            document["columns"] = named
        explicit = self.explicit | {parse_map(entry)[1] for entry in maps}
        changed = replace(self, columns=columns, document=document, explicit=explicit)
        if date_format is not None:
            changed = replace(changed, date_format=_date_format(date_format))
            document["date_format"] = date_format
        if country is not None:
            code = country_table().code_for(country)
            if code is None:
                raise MappingError(
                    f"--country {country!r}: not a country (an ISO 3166-1 code such as GB, or its name)"
                )
            changed = replace(changed, country=code)
            document["country"] = code
        return changed

    def save(self, path: Path) -> Path:
        """Write the mapping as a file `--mapping` reads back (YAML)."""
        # A saved mapping is read when named, never recognised by itself: it keeps no `detect`.
        document = {k: v for k, v in self.document.items() if k != "detect"}
        text = "# netvet column mapping (docs/inventory-format.md#column-mappings)\n" + yaml.safe_dump(
            document, allow_unicode=True, sort_keys=False
        )
        parse_yaml_text(text, path, MAPPING_SCHEMA)
        path.write_text(text, encoding="utf-8")
        return path

    # --- applying -------------------------------------------------------------------------------

    def plan(self, keys: Iterable[str]) -> MappingPlan:
        """Which source field feeds each column, for records with these top-level keys (a file's headers)."""
        present = list(keys)
        present_set = set(present)
        chosen: dict[str, tuple[str, ...]] = {}
        missing: list[str] = []
        absent: list[str] = []
        for column, sources in self.columns.items():
            found = tuple(s for s in sources if s.split(".", 1)[0] in present_set)
            if found:
                chosen[column] = found
                continue
            named = f"{column} ({' or '.join(repr(s) for s in sources)})"
            # A header named on the command line must be there; a preset's optional column may not be
            # (NetBox exports only the columns its table shows).
            (missing if column in self.explicit else absent).append(named)
        used = {s.split(".", 1)[0] for sources in chosen.values() for s in sources}
        problems: list[str] = []
        if self.auto:
            variants = vocabulary().variants
            for key in present:
                guessed = variants.get(header_key(key)) if key not in used else None
                if guessed is None or guessed in self.columns:
                    continue
                if guessed in chosen:
                    problems.append(
                        f"columns {chosen[guessed][0]!r} and {key!r} both map to {guessed!r}; keep one"
                    )
                    continue
                chosen[guessed] = (key,)
                used.add(key)
        ignored = tuple(k for k in present if k not in used and k != "components")
        return MappingPlan(chosen, ignored, tuple(missing), tuple(problems), tuple(absent))

    def translate(self, plan: MappingPlan, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record as netvet's columns (values turned by the value tables, the default country)."""
        # The common case first: one header per column, read straight from the row (this runs per row).
        row = {column: record.get(source) for column, source in plan.direct}
        for column, sources in plan.fallbacks:
            row[column] = next((v for v in (_lookup(record, s) for s in sources) if _present(v)), None)
        for column, table in self.values.items():
            written = row.get(column)
            if isinstance(written, str) and (turned := table.get(value_key(written))) is not None:
                row.update(turned)
        if (self.country or self.country_from_region) and not _present(row.get("country")):
            from_region = region_country(row.get("region")) if self.country_from_region else None
            row["country"] = from_region or self.country
        return row


@dataclass(frozen=True)
class MappingPlan:
    columns: dict[str, tuple[str, ...]]  # column -> the sources used, first non-empty wins
    ignored: tuple[str, ...]  # fields of the file no column takes
    missing: tuple[str, ...]  # columns named with --map whose header the file lacks
    problems: tuple[str, ...]  # two headers for one column
    absent: tuple[str, ...] = ()  # optional columns of the mapping the file does not have

    @cached_property
    def direct(self) -> tuple[tuple[str, str], ...]:
        """Columns read from one top-level field."""
        return tuple((c, s[0]) for c, s in self.columns.items() if len(s) == 1 and "." not in s[0])

    @cached_property
    def fallbacks(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Columns read from a path into the record, or from the first non-empty of several fields."""
        direct = {column for column, _ in self.direct}
        return tuple((c, s) for c, s in self.columns.items() if c not in direct)

    def errors(self, required: Sequence[str]) -> list[str]:
        errors = list(self.problems)
        if self.missing:
            errors.append("--map names headers the file lacks: " + ", ".join(self.missing))
        lacking = [c for c in required if c not in self.columns]
        if lacking:
            errors.append(
                "missing required column(s): "
                + ", ".join(lacking)
                + " (name one with --map 'HEADER=column'; see the inventory format in the docs)"
            )
        return errors


def _date_format(spec: str) -> DateFormat:
    try:
        return DateFormat.parse(spec)
    except ValueError as exc:
        raise MappingError(str(exc)) from exc


def parse_map(entry: str) -> tuple[str, str]:
    """`"Node Type=role"` -> ("Node Type", "role"); the column must be one netvet has."""
    header, sep, column = entry.rpartition("=")
    header, column = header.strip(), column.strip()
    if not sep or not header or not column:
        raise MappingError(f"--map {entry!r}: write it as 'HEADER=column', e.g. 'Node Type=role'")
    if column not in COLUMNS:
        raise MappingError(
            f"--map {entry!r}: {column!r} is not a netvet column; use one of {', '.join(COLUMNS)}"
        )
    return header, column


def region_country(region: Any) -> str | None:
    """The ISO 3166-1 code of a region that is a country, by code or name ("gb", "United Kingdom": the
    country table, data/countries.yaml), or of an ISO 3166-2 subdivision code ("us-ny"); None for
    anything else. A subdivision counts only by its code: "Georgia" names a country and a US state."""
    if not isinstance(region, str) or not region.strip():
        return None
    countries = country_table()
    written = region.strip()
    code = countries.code_for(written)
    if code is None and _SUBDIVISION.match(written):
        code = countries.code_for(written[:2])
    return code


def _lookup(record: Mapping[str, Any], source: str) -> Any:
    if source in record:
        return record[source]
    value: Any = record
    for part in source.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _value_table(table: Any, column: str, base: Path | None) -> dict[str, dict[str, str]]:
    """A value table given inline, by the name of a shipped one, or by a path beside the mapping."""
    if isinstance(table, str):
        path = VALUE_TABLES_DIR / f"{table}.yaml"
        if not path.exists() and base is not None:
            path = base / table
        table = load_yaml_file(path, VALUE_TABLE_SCHEMA)["values"]
    turned: dict[str, dict[str, str]] = {}
    for written, target in table.items():
        turned[value_key(str(written))] = {column: target} if isinstance(target, str) else dict(target)
    return turned


@cache
def presets() -> dict[str, ColumnMapping]:
    """The shipped mappings by name (data/mappings/*.yaml)."""
    return {
        path.stem: ColumnMapping.from_document(load_yaml_file(path, MAPPING_SCHEMA), path.stem, MAPPINGS_DIR)
        for path in sorted(MAPPINGS_DIR.glob("*.yaml"))
    }


def load_mapping(spec: str) -> ColumnMapping:
    """A shipped preset by name (netbox-csv, netbox-api) or a mapping file (YAML or JSON). Raises
    MappingError naming the file, line and key at fault."""
    if spec in presets():
        return presets()[spec]
    path = Path(spec)
    if not path.is_file():
        raise MappingError(
            f"--mapping {spec!r}: no such file, and no preset of that name ({', '.join(presets())})"
        )
    try:
        # JSON is YAML: one loader names the line and key of an error in either.
        return ColumnMapping.from_document(load_yaml_file(path, MAPPING_SCHEMA), str(path), path.parent)
    except DataFileError as exc:
        raise MappingError(str(exc)) from exc


@dataclass(frozen=True)
class MappingChoice:
    """What the user asked for: a mapping (a preset or a file; None: the preset the file is recognised
    as, else netvet's columns), with `--map` entries, a date format and a default country on top."""

    base: ColumnMapping | None = None
    maps: tuple[str, ...] = ()
    date_format: str | None = None
    country: str | None = None

    def resolve(self, headers: Sequence[str] | None, record: Mapping[str, Any] | None) -> ColumnMapping:
        base = self.base or detect_preset(headers, record) or ColumnMapping.default()
        return base.with_options(self.maps, self.date_format, self.country)


def detect_preset(headers: Sequence[str] | None, record: Mapping[str, Any] | None) -> ColumnMapping | None:
    """The shipped preset whose `detect` fields a file has all of (its headers, or its first record's keys)."""
    keys = set(headers or ()) | set(record or ())
    for preset in presets().values():
        wanted = preset.document.get("detect", [])
        if wanted and set(wanted) <= keys:
            return preset
    return None
