"""Fuzzing every inventory reader (CSV, JSON, JSON lines, XLSX) through the importer: each hostile file
gives a clear error (InventoryFileError naming the file) or a valid import, never a crash, and a
refused file changes nothing."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fuzzing import fuzz_settings, hostile_json, mutated
from netvet.ingest import InventoryFileError, import_inventory
from netvet.storage import Database
from netvet.storage import inventory as store

from .test_importer import snapshot

CSV_SEED = (
    b"asset_id,site_id,site_name,region,country,latitude,longitude,vendor,model,software_version,role,"
    b"technology,installed_on\n"
    b"A1,S1,Camden,London,GB,51.539,-0.1426,Huawei,BBU5900,V100R019C10SPC500,BBU,5G,2019-04-12\n"
    b'A2,S1,,,,,,"Huawei Technologies Co., Ltd.",AAU5613,V100R019C10,AAU,NR,2019-04-12\n'
    b"A3,S2,Piccadilly,North West,United Kingdom,53.4774,-2.2309,Ericsson,Baseband 6630,22.Q3,gNodeB,LTE,\n"
)
RECORDS = [
    {"asset_id": "J1", "site_id": "S1", "country": "DE", "vendor": "Nokia", "role": "AMF", "latitude": 50.1},
    {
        "asset_id": "J2",
        "site_id": "S2",
        "vendor": "Ericsson",
        "role": "BBU",
        "installed_on": "2021-09-30",
        "components": [{"name": "baseband chipset", "supplier": "HiSilicon", "kind": "chipset"}],
    },
]
JSON_SEED = json.dumps({"assets": RECORDS}).encode()
JSONL_SEED = b"".join(json.dumps(r).encode() + b"\n" for r in RECORDS)


def check_import(db: Database, name: str, content: bytes) -> None:
    """The property every reader must hold."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        before = snapshot(db)
        try:
            report = import_inventory(db, path, organization_id="fuzz")
        except InventoryFileError as exc:
            assert exc.file_name == name and exc.message
            assert snapshot(db) == before  # nothing half-written
            return
    assert report.rows_read > 0 and report.rows_rejected == 0
    with db.connect() as conn:
        assert store.count_assets(conn, "fuzz") >= report.rows_added


@fuzz_settings(120)
@given(content=mutated(CSV_SEED))
def test_csv(sqlite_db: Database, content: bytes) -> None:
    check_import(sqlite_db, "inventory.csv", content)


@fuzz_settings(120)
@given(content=hostile_json(JSON_SEED))
def test_json(sqlite_db: Database, content: bytes) -> None:
    check_import(sqlite_db, "inventory.json", content)


@fuzz_settings(120)
@given(content=mutated(JSONL_SEED))
def test_json_lines(sqlite_db: Database, content: bytes) -> None:
    check_import(sqlite_db, "inventory.jsonl", content)


CELLS = (
    st.none()
    | st.text(max_size=30).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.dates(min_value=date(1900, 1, 1))
    | st.sampled_from(["GB", "XX", "=1+1", "Huawei", "BBU", "gNodeB", "core", "2019-04-12", " "])
)
HEADER = ["asset_id", "site_id", "country", "vendor", "role", "installed_on"]


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """A workbook of drawn cells, its <dimension> sometimes declaring other bounds, sometimes damaged."""
    workbook = Workbook()
    sheet = workbook.active
    header = draw(st.sampled_from([HEADER, HEADER[:4], [*HEADER, "extra"], ["", *HEADER]]))
    sheet.append(header)
    for _ in range(draw(st.integers(0, 6))):
        sheet.append([draw(CELLS) for _ in range(draw(st.integers(0, len(header) + 2)))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    declared = draw(st.sampled_from([None, "A1", "A1:B2", "A1:Z9999", "B3:A1", "nonsense", ""]))
    # Rewritten with fixed times (openpyxl stamps the saving moment), so each draw gives the same bytes.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb">\d{4}-\d\d-\d\dT[^<]*<", b">2020-01-01T00:00:00Z<", data)
            if info.filename == "xl/worksheets/sheet1.xml" and declared is not None:
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0)), data)
    content = rewritten.getvalue()
    if draw(st.integers(0, 3)) == 0:
        content = draw(mutated(content, max_mutations=2))
    return content


@fuzz_settings(80)
@given(content=workbooks())
def test_xlsx(sqlite_db: Database, content: bytes) -> None:
    check_import(sqlite_db, "inventory.xlsx", content)


@pytest.mark.parametrize(
    ("name", "seed"), [("i.csv", CSV_SEED), ("i.json", JSON_SEED), ("i.jsonl", JSONL_SEED)]
)
def test_the_seeds_themselves_import(sqlite_db: Database, tmp_path: Path, name: str, seed: bytes) -> None:
    """The fuzz starts from valid files (else it would only ever test refusals)."""
    path = tmp_path / name
    path.write_bytes(seed)
    assert import_inventory(sqlite_db, path, organization_id="fuzz").rows_rejected == 0
