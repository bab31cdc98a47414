"""The US Consolidated Screening List as trade.gov publishes it: CSV (29 columns) and JSON
(`{"results": [{...}, ...]}` with lists for alt_names, addresses, programs)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from netvet.screening.lists import ListEntry, ListInfo, ScreeningList
from netvet.screening.loaders.common import (
    ListFileError,
    country_code,
    decode,
    parse_date,
    split_multi,
    stable_id,
    text,
)

CSL_URL = "https://www.trade.gov/consolidated-screening-list"
REQUIRED_COLUMNS = ("source", "name", "alt_names", "addresses", "start_date")
_KINDS = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}


def _info(list_id: str, as_of: date | None) -> ListInfo:
    return ListInfo(
        id=list_id,
        title="US Consolidated Screening List",
        authority="US International Trade Administration (Commerce, State, Treasury lists)",
        jurisdiction="US",
        url=CSL_URL,
        as_of=as_of,
    )


def _entry(
    list_id: str,
    record: Mapping[str, Any],
    aliases: list[str],
    addresses: list[str],
    countries: list[str],
    source: str,
    line: int,
) -> ListEntry:
    name = text(record.get("name"))
    if not name:
        raise ListFileError(source, "the entry has no name", line, "name")
    origin = text(record.get("source"))
    if not origin:
        raise ListFileError(source, "the entry names no source list", line, "source")
    number = text(record.get("entity_number") or record.get("id"))
    entity_id = f"csl-{number}" if number else stable_id("csl", origin, name)
    notice = text(record.get("federal_register_notice"))
    kind = _KINDS.get(str(record.get("type") or "").strip().lower(), "organization")
    return ListEntry(
        entity_id=entity_id,
        list_id=list_id,
        name=name,
        kind=kind,
        aliases=tuple(a for a in dict.fromkeys(aliases) if a and a != name),
        countries=tuple(dict.fromkeys(countries)),
        addresses=tuple(addresses),
        added_on=parse_date(str(record.get("start_date") or ""), source, line, "start_date"),
        # A denial order's end date: the entry stops applying then.
        delisted_on=parse_date(str(record.get("end_date") or ""), source, line, "end_date"),
        source="; ".join(p for p in (origin, notice) if p),
        source_url=str(record.get("source_information_url") or record.get("source_list_url") or ""),
        note=text(record.get("remarks")),
    )


def _address_country(address: str) -> str | None:
    last = address.rsplit(",", 1)[-1].strip()
    return last.upper() if len(last) == 2 and last.isalpha() else None


def read_csl_csv(data: bytes, source: str, list_id: str = "csl") -> ScreeningList:
    text = decode(data, source)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ListFileError(source, f"not a CSL CSV file: missing column(s) {', '.join(missing)}", 1)
    entries: list[ListEntry] = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise ListFileError(
                    source, f"{len(header) + len(row[None])} fields, expected {len(header)}", line
                )
            if any(value is None for value in row.values()):
                raise ListFileError(source, f"fewer fields than the {len(header)} in the header", line)
            addresses = split_multi(row.get("addresses"))
            countries = [c for c in (_address_country(a) for a in addresses) if c]
            entries.append(
                _entry(list_id, row, split_multi(row.get("alt_names")), addresses, countries, source, line)
            )
    except csv.Error as exc:
        raise ListFileError(source, f"broken CSV: {exc}", reader.line_num) from exc
    if not entries:
        raise ListFileError(source, "the file has no entries")
    return ScreeningList(info=_info(list_id, max_date(entries)), entries=tuple(entries))


def read_csl_json(data: bytes, source: str, list_id: str = "csl") -> ScreeningList:
    text = decode(data, source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFileError(source, f"not valid JSON: {exc.msg}", exc.lineno) from exc
    # trade.gov's download wraps the entries in {"results": [...]}; a bare array is accepted too.
    results = document.get("results") if isinstance(document, dict) else document
    if not isinstance(results, list):
        raise ListFileError(source, 'not a CSL JSON file: no "results" list', field="results")
    entries: list[ListEntry] = []
    for number, record in enumerate(results, start=1):
        where = f"record {number}"
        if not isinstance(record, dict):
            raise ListFileError(source, f"{where} is not an object", field=f"results[{number - 1}]")
        try:
            entries.append(_json_entry(list_id, record, source, number))
        except ListFileError as exc:
            raise ListFileError(
                source, f"{where}: {exc.message}", field=f"results[{number - 1}].{exc.field}".rstrip(".")
            ) from exc
    if not entries:
        raise ListFileError(source, "the file has no entries", field="results")
    return ScreeningList(info=_info(list_id, max_date(entries)), entries=tuple(entries))


def _json_entry(list_id: str, record: dict[str, Any], source: str, number: int) -> ListEntry:
    aliases = record.get("alt_names") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ListFileError(source, "alt_names must be a list of strings", field="alt_names")
    addresses: list[str] = []
    countries: list[str] = []
    raw_addresses = record.get("addresses") or []
    if not isinstance(raw_addresses, list):
        raise ListFileError(source, "addresses must be a list", field="addresses")
    for address in raw_addresses:
        if not isinstance(address, dict):
            raise ListFileError(source, "each address must be an object", field="addresses")
        parts = [text(address.get(k)) for k in ("address", "city", "state", "postal_code")]
        code = text(address.get("country"))
        addresses.append(", ".join(p for p in (*parts, code) if p))
        found = country_code(code)
        if found:
            countries.append(found)
    try:
        return _entry(list_id, record, [text(a) for a in aliases], addresses, countries, source, number)
    except ListFileError as exc:
        raise ListFileError(source, exc.message, field=exc.field) from exc


def max_date(entries: list[ListEntry]) -> date | None:
    return max((e.added_on for e in entries if e.added_on), default=None)
