"""OFAC's legacy SDN CSV files: sdn.csv (primary records), alt.csv (alternate names), add.csv
(addresses), without header rows, joined on the first column (ent_num); `-0-` means empty."""

from __future__ import annotations

import csv
import io

from netvet.screening.lists import ListEntry, ListInfo, ScreeningList
from netvet.screening.loaders.common import ListFileError, country_code, decode, text

SDN_COLUMNS = 12  # ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
# Vess_flag, Vess_owner, Remarks
ALT_COLUMNS = 5  # ent_num, alt_num, alt_type, alt_name, alt_remarks
ADD_COLUMNS = 6  # ent_num, add_num, address, city_state_zip, country, add_remarks
_KINDS = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}


def _clean(value: str) -> str:
    value = text(value)
    return "" if value == "-0-" else value


def _rows(data: bytes, source: str, width: int) -> list[tuple[int, list[str]]]:
    # OFAC's legacy files predate UTF-8: bytes that are not UTF-8 are read as Windows-1252.
    content = decode(data, source, legacy="cp1252")
    reader = csv.reader(io.StringIO(content, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) != width:
                raise ListFileError(source, f"{len(row)} fields, expected {width}", line)
            if not row[0].strip().isdigit():
                raise ListFileError(source, f"ent_num {row[0]!r} is not a number", line, "ent_num")
            rows.append((line, [_clean(cell) for cell in row]))
    except csv.Error as exc:
        raise ListFileError(source, f"broken CSV: {exc}", reader.line_num) from exc
    return rows


def read_ofac_csv(
    sdn: bytes,
    source: str,
    alt: bytes | None = None,
    add: bytes | None = None,
    alt_source: str = "alt.csv",
    add_source: str = "add.csv",
    list_id: str = "ofac-sdn",
) -> ScreeningList:
    aliases: dict[str, list[str]] = {}
    for line, row in _rows(alt, alt_source, ALT_COLUMNS) if alt is not None else []:
        if not row[3]:
            raise ListFileError(alt_source, "the alternate name is empty", line, "alt_name")
        aliases.setdefault(row[0], []).append(row[3])
    addresses: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    for _, row in _rows(add, add_source, ADD_COLUMNS) if add is not None else []:
        text = ", ".join(part for part in (row[2], row[3], row[4]) if part)
        if text:
            addresses.setdefault(row[0], []).append(text)
        code = country_code(row[4]) if row[4] else None
        if code:
            countries.setdefault(row[0], []).append(code)
    entries: list[ListEntry] = []
    for line, row in _rows(sdn, source, SDN_COLUMNS):
        ent_num, name = row[0], row[1]
        if not name:
            raise ListFileError(source, "the entry has no name", line, "SDN_Name")
        entries.append(
            ListEntry(
                entity_id=f"ofac-{ent_num}",
                list_id=list_id,
                name=name,
                kind=_KINDS.get(row[2].lower(), "organization"),
                aliases=tuple(a for a in dict.fromkeys(aliases.get(ent_num, [])) if a != name),
                countries=tuple(dict.fromkeys(countries.get(ent_num, []))),
                addresses=tuple(addresses.get(ent_num, [])),
                source=f"OFAC SDN list, program {row[3]}" if row[3] else "OFAC SDN list",
                source_url="https://sanctionslist.ofac.treas.gov/Home/SdnList",
                note=row[11],
            )
        )
    if not entries:
        raise ListFileError(source, "the file has no entries")
    info = ListInfo(
        id=list_id,
        title="OFAC Specially Designated Nationals and Blocked Persons List",
        authority="US Department of the Treasury, Office of Foreign Assets Control",
        jurisdiction="US",
        url="https://sanctionslist.ofac.treas.gov/Home/SdnList",
    )
    return ScreeningList(info=info, entries=tuple(entries))
