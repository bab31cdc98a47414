"""Files built to break the readers: each gives a clear error naming the file (or is read whole) and
changes nothing."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from netvet.ingest import InventoryFileError, import_inventory, readers
from netvet.storage import Database
from netvet.storage import inventory as store

from .test_importer import snapshot

HEADER = "asset_id,site_id,country,vendor,role"


def refused(db: Database, path: Path, message: str) -> InventoryFileError:
    before = snapshot(db)
    with pytest.raises(InventoryFileError, match=message) as caught:
        import_inventory(db, path)
    assert caught.value.file_name == path.name
    assert snapshot(db) == before
    return caught.value


def test_a_csv_with_old_mac_line_ends_is_read_row_by_row(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(b"\r".join([HEADER.encode(), b"A1,S1,GB,Huawei,BBU", b"A2,S1,GB,Nokia,BBU", b""]))
    report = import_inventory(sqlite_db, path)
    assert report.rows_added == 2
    with sqlite_db.connect() as conn:
        assert {a.id: a.vendor for a in store.iter_assets(conn, "default")} == {"A1": "Huawei", "A2": "Nokia"}


def test_a_bad_byte_after_old_mac_line_ends_names_its_line(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(
        b"\r".join([HEADER.encode(), b"A1,S1,GB,Huawei,BBU", b"A2,S1,GB,Soci\xe9t\xe9,BBU", b""])
    )
    refused(sqlite_db, path, "not UTF-8 text near row 3")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("brackets.json", b"[" * 100_000, "nested too deeply"),
        (
            "nested.json",
            b'[{"asset_id": "A1", "site_id": "S1", "vendor": "X", "role": "BBU", "x": '
            + b'{"a": ' * 50_000
            + b"1"
            + b"}" * 50_000
            + b"}]",
            "nested too deeply",
        ),
        (
            "digits.json",
            b'[{"asset_id": "A1", "site_id": "S1", "vendor": "X", "role": "BBU", "latitude": '
            + b"9" * 5000
            + b"}]",
            "not valid JSON: Exceeds the limit",
        ),
        (
            "digits.jsonl",
            b'{"asset_id": "A1", "site_id": "S1", "vendor": "X", "role": "BBU", "latitude": '
            + b"9" * 5000
            + b"}\n",
            "not valid JSON: Exceeds the limit",
        ),
        (
            "deep.jsonl",
            b'{"asset_id": "A1", "site_id": "S1", "vendor": "X", "role": "BBU"}\n' + b"[" * 100_000 + b"\n",
            "line 2: JSON nested too deeply",
        ),
    ],
)
def test_json_python_cannot_parse_is_a_clear_error(
    sqlite_db: Database, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    refused(sqlite_db, path, message)


@pytest.mark.slow
def test_a_50_mb_cell_is_refused_in_csv_and_json(sqlite_db: Database, tmp_path: Path) -> None:
    huge = "H" * 50_000_000
    csv_path = tmp_path / "big.csv"
    csv_path.write_text(f"{HEADER}\nA1,S1,GB,{huge},BBU\n")
    refused(sqlite_db, csv_path, r"row 2: a cell is longer than 1,048,576 characters")
    json_path = tmp_path / "big.json"
    json_path.write_text(json.dumps([{"asset_id": "A1", "site_id": "S1", "vendor": huge, "role": "BBU"}]))
    error = refused(sqlite_db, json_path, "1 invalid row")
    assert [(e.column, e.message) for e in error.errors] == [("vendor", "is longer than 1,000 characters")]
    assert error.errors[0].value is not None and len(error.errors[0].value) < 50


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("Hua\x00wei", "vendor", "contains a control character"),
        ("Huawei\x1b[31m", "vendor", "contains a control character"),
        ({"name": "Huawei"}, "vendor", "must be text or a number"),
        (10**4000, "latitude", "is not a number"),
        (1e308 * 10, "latitude", "must lie between"),
    ],
)
def test_values_no_column_may_hold_are_row_errors(
    sqlite_db: Database, tmp_path: Path, value: object, column: str, message: str
) -> None:
    record: dict[str, object] = {"asset_id": "A1", "site_id": "S1", "vendor": "Huawei", "role": "BBU"}
    record[column] = value
    path = tmp_path / "inv.jsonl"
    path.write_text(json.dumps(record) + "\n")
    error = refused(sqlite_db, path, "1 invalid row")
    assert [(e.column, e.message.startswith(message)) for e in error.errors] == [(column, True)]


def test_a_nul_byte_in_a_component_is_a_row_error(sqlite_db: Database, tmp_path: Path) -> None:
    record = {
        "asset_id": "A1",
        "site_id": "S1",
        "vendor": "Nokia",
        "role": "BBU",
        "components": [{"name": "board", "supplier": "Hi\x00silicon"}],
    }
    path = tmp_path / "inv.jsonl"
    path.write_text(json.dumps(record) + "\n")
    error = refused(sqlite_db, path, "1 invalid row")
    assert [e.column for e in error.errors] == ["components[0].supplier"]


def xlsx_with_dimension(path: Path, rows: int, declared: str) -> Path:
    """A workbook whose sheet declares `<dimension ref=declared>` whatever it holds (as some writers do)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for i in range(rows):
        sheet.append([f"A{i}", "S1", "GB", "Huawei", "BBU"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), data
                )
                assert count == 1
            target.writestr(info, data)
    return path


def test_rows_past_the_declared_dimension_are_read(sqlite_db: Database, tmp_path: Path) -> None:
    path = xlsx_with_dimension(tmp_path / "inv.xlsx", rows=5, declared="A1:E2")
    report = import_inventory(sqlite_db, path)
    assert report.rows_added == 5
    # The replace that removed the assets of the "missing" rows now has nothing to remove.
    assert import_inventory(sqlite_db, path, replace=True).rows_removed == 0


def test_cells_past_the_declared_dimension_are_read(sqlite_db: Database, tmp_path: Path) -> None:
    path = xlsx_with_dimension(tmp_path / "inv.xlsx", rows=2, declared="A1:C3")
    assert import_inventory(sqlite_db, path).rows_added == 2
    with sqlite_db.connect() as conn:
        assert {a.vendor for a in store.iter_assets(conn, "default")} == {"Huawei"}


def zip_bomb(path: Path, inflated_mb: int) -> Path:
    """A valid workbook whose sheet holds one cell of `inflated_mb` MB of one letter."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["A1", "S1", "GB", "Huawei", "BBU"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            head, tail = source.read(info).split(b"</sheetData>")
            part = zipfile.ZipInfo(info.filename)
            part.compress_type = zipfile.ZIP_DEFLATED
            with target.open(part, "w", force_zip64=True) as fh:
                fh.write(head + b'<row r="3"><c r="A3" t="inlineStr"><is><t>')
                for _ in range(inflated_mb):
                    fh.write(b"a" * 1_000_000)
                fh.write(b"</t></is></c></row></sheetData>" + tail)
    return path


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(sqlite_db: Database, tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", inflated_mb=40)
    assert path.stat().st_size < 100_000
    refused(sqlite_db, path, r"part xl/worksheets/sheet1.xml inflates [\d,]+ times .* refused as a zip bomb")


def test_an_xlsx_inflating_past_the_total_limit_is_refused(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "XLSX_MAX_UNCOMPRESSED", 20_000)
    path = xlsx_with_dimension(tmp_path / "inv.xlsx", rows=300, declared="A1:E301")
    refused(sqlite_db, path, "inflate to [\\d,]+ bytes, more than the 20,000 an XLSX may")


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00" * 100, b"not a zip at all"])
def test_a_file_that_is_no_zip_is_not_a_workbook(sqlite_db: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "inv.xlsx"
    path.write_bytes(content)
    refused(sqlite_db, path, "is not a readable XLSX workbook")


def test_countries_are_iso_codes_or_names_written_for_them(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    rows = ["A1,S1,United Kingdom,Huawei,BBU", "A2,S2,Deutschland,Nokia,BBU", "A3,S3,uk,Nokia,BBU"]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    import_inventory(sqlite_db, path)
    with sqlite_db.connect() as conn:
        assert {s.id: s.country for s in store.iter_sites(conn, "default")} == {
            "S1": "GB",
            "S2": "DE",
            "S3": "GB",
        }
    wrong = tmp_path / "xx.csv"
    wrong.write_text(f"{HEADER}\nA9,S9,XX,Huawei,BBU\n")
    error = refused(sqlite_db, wrong, "1 invalid row")
    assert [(e.column, e.value) for e in error.errors] == [("country", "XX")]


def test_an_xlsx_whose_shared_strings_would_not_fit_in_memory_is_refused(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "XLSX_MAX_SHARED_STRINGS", 1_000)
    plain = xlsx_with_dimension(tmp_path / "plain.xlsx", rows=2, declared="A1:E3")
    strings = "".join(f"<si><t>Vendor number {i}</t></si>" for i in range(100))
    path = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        # Excel keeps every distinct text here (openpyxl writes inline strings instead).
        target.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + "</sst>",
        )
    refused(sqlite_db, path, "its shared strings inflate to [\\d,]+ bytes, more than the 1,000")
