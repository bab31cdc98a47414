"""The importer on SQLite and PostgreSQL: valid files, header variants, and every kind of bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from netvet.ingest import InventoryFileError, import_inventory
from netvet.ingest.writers import write_inventory
from netvet.storage import Database
from netvet.storage import inventory as store
from netvet.storage.tables import assets, components, imports, organizations, sites

HEADER = (
    "asset_id,site_id,site_name,region,country,latitude,longitude,vendor,manufacturer,model,part_number,"
    "serial_number,hardware_version,software_version,role,domain,technology,installed_on,purchased_on,funding"
)
ROWS = [
    "A1,S1,Camden,London,GB,51.539,-0.1426,Huawei,Huawei,BBU5900,,,,V100R019C10SPC500,BBU,,5G,2019-04-12,2019-02-01,",
    "A2,S1,,,,,,Huawei,,AAU5613,,,,V100R019C10,AAU,,NR,2019-04-12,,",
    "A3,S2,Piccadilly,North West,GB,53.4774,-2.2309,Ericsson,,Baseband 6630,,,,22.Q3,gNodeB,,LTE,2021-09-30,,",
    "A4,DC1,Core DC,London,UK,51.5,-0.12,Nokia,,CMM,,,,22.10.R3,AMF,,5G,2022-03-01,,",
]


def write_csv(path: Path, header: str = HEADER, rows: list[str] | None = None) -> Path:
    path.write_text("\n".join([header, *(ROWS if rows is None else rows)]) + "\n", encoding="utf-8")
    return path


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every inventory table, to prove a failed import changed nothing."""
    with db.connect() as conn:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for table in (organizations, sites, assets, components, imports)
        }


def test_import_csv_stores_sites_assets_and_derived_domains(db: Database, tmp_path: Path) -> None:
    report = import_inventory(db, write_csv(tmp_path / "inv.csv"))
    assert (report.rows_added, report.rows_updated, report.rows_rejected) == (4, 0, 0)
    with db.connect() as conn:
        stored = {a.id: a for a in store.iter_assets(conn, "default")}
        site_rows = {s.id: s for s in store.iter_sites(conn, "default")}
        recorded = store.list_imports(conn, "default")
    assert stored["A1"].domain == "ran" and stored["A4"].domain == "core"
    assert stored["A3"].role == "gNodeB" and stored["A3"].technology == "4G"  # LTE -> 4G
    assert stored["A2"].technology == "5G"  # NR -> 5G
    assert str(stored["A1"].installed_on) == "2019-04-12"
    # A2 leaves the site fields blank; S1 keeps what A1 said about it.
    assert site_rows["S1"].name == "Camden" and site_rows["S1"].latitude == pytest.approx(51.539)
    assert site_rows["DC1"].country == "GB"  # UK is written as the ISO code GB
    assert recorded[0]["sha256"] == report.sha256 and recorded[0]["rows_added"] == 4


def test_reimport_is_idempotent_and_updates_only_changed_rows(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "inv.csv")
    import_inventory(db, path)
    before = snapshot(db)
    again = import_inventory(db, path)
    assert (again.rows_added, again.rows_updated, again.rows_unchanged) == (0, 0, 4)
    after = snapshot(db)
    assert after["assets"] == before["assets"] and after["sites"] == before["sites"]
    changed = [r.replace("22.Q3", "23.Q1") for r in ROWS]
    third = import_inventory(db, write_csv(tmp_path / "inv2.csv", rows=changed))
    assert (third.rows_added, third.rows_updated, third.rows_unchanged) == (0, 1, 3)
    with db.connect() as conn:
        version = conn.execute(select(assets.c.software_version).where(assets.c.id == "A3")).scalar_one()
        assert version == "23.Q1"
        assert len(store.list_imports(conn, "default")) == 3


def test_header_variants_map_onto_canonical_columns(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "variants.csv"
    path.write_text(
        "Asset Tag,Site ID,Equipment Vendor,Manufacturer,SW Version,Network Function,Install Date\n"
        "X1,S9,ZTE Corporation,ZTE,V5.55.10,eNodeB,2018-05-01\n",
        encoding="utf-8",
    )
    import_inventory(db, path)
    with db.connect() as conn:
        (asset,) = list(store.iter_assets(conn, "default"))
    assert (asset.vendor, asset.software_version, asset.domain, str(asset.installed_on)) == (
        "ZTE Corporation",
        "V5.55.10",
        "ran",
        "2018-05-01",
    )


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("B1,S1,,,GB,abc,0,Huawei,,,,,,,BBU,,,,,", "latitude", "is not a number"),
        ("B1,S1,,,GB,95,0,Huawei,,,,,,,BBU,,,,,", "latitude", "between -90 and 90"),
        ("B1,S1,,,GB,0,200,Huawei,,,,,,,BBU,,,,,", "longitude", "between -180 and 180"),
        ("B1,S1,,,GB,,,Huawei,,,,,,,BBU,,,2019-13-01,,", "installed_on", "YYYY-MM-DD"),
        ("B1,S1,,,GB,,,Huawei,,,,,,,BBU,,,,01/02/2020,", "purchased_on", "YYYY-MM-DD"),
        ("B1,S1,,,GB,,,Huawei,,,,,,,Flux Capacitor,,,,,", "role", "not a role netvet knows"),
        ("B1,S1,,,GB,,,Huawei,,,,,,,BBU,access,,,,", "domain", "must be one of"),
        ("B1,S1,,,Atlantis,,,Huawei,,,,,,,BBU,,,,,", "country", "ISO 3166"),
        ("B1,S1,,,XX,,,Huawei,,,,,,,BBU,,,,,", "country", "ISO 3166"),
        ("B1,S1,,,GB,,,,,,,,,,BBU,,,,,", "vendor", "required"),
        (",S1,,,GB,,,Huawei,,,,,,,BBU,,,,,", "asset_id", "required"),
    ],
)
def test_invalid_row_names_row_and_column_and_imports_nothing(
    db: Database, tmp_path: Path, row: str, column: str, message: str
) -> None:
    import_inventory(db, write_csv(tmp_path / "first.csv"))
    before = snapshot(db)
    bad = write_csv(tmp_path / "bad.csv", rows=[*ROWS[:2], row])
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, bad)
    (error,) = caught.value.errors
    assert error.row == 4 and error.column == column and message in error.message
    assert "bad.csv, row 4, column " + column in error.describe("bad.csv")
    assert snapshot(db) == before


def test_unknown_role_is_accepted_when_the_row_gives_the_domain(db: Database, tmp_path: Path) -> None:
    import_inventory(
        db, write_csv(tmp_path / "inv.csv", rows=["C1,S1,,,GB,,,Vertiv,,,,,,,Rectifier shelf,other,,,,"])
    )
    with db.connect() as conn:
        (asset,) = list(store.iter_assets(conn, "default"))
    assert asset.domain == "other"


def test_missing_required_columns_are_named(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("asset_id,model\nA1,BBU5900\n", encoding="utf-8")
    with pytest.raises(InventoryFileError, match="missing required column\\(s\\): site_id, vendor, role"):
        import_inventory(db, path)
    assert snapshot(db)["assets"] == []


def test_duplicate_asset_ids_within_a_file(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", rows=[ROWS[0], ROWS[2], ROWS[0].replace("V100R019C10SPC500", "x")])
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, path)
    (error,) = caught.value.errors
    assert (error.row, error.column) == (4, "asset_id") and "repeats the asset id of row 2" in error.message
    assert snapshot(db)["assets"] == []


def test_conflicting_site_details_are_rejected(db: Database, tmp_path: Path) -> None:
    rows = [ROWS[0], "A9,S1,Camden,London,DE,,,Huawei,,,,,,,BBU,,,,,"]
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, write_csv(tmp_path / "conflict.csv", rows=rows))
    (error,) = caught.value.errors
    assert error.column == "country" and "given for site S1 in row 2" in error.message


def test_every_error_is_reported_not_only_the_first(db: Database, tmp_path: Path) -> None:
    rows = [ROWS[0], "B1,S1,,,GB,abc,0,Huawei,,,,,,,BBU,,,,,", "B2,S1,,,GB,,,Huawei,,,,,,,Nope,,,bad,,"]
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, write_csv(tmp_path / "many.csv", rows=rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (3, "latitude"),
        (4, "role"),
        (4, "installed_on"),
    ]
    assert "2 invalid row(s)" in str(caught.value)


def test_skip_invalid_imports_valid_rows_and_writes_rejects(db: Database, tmp_path: Path) -> None:
    rows = [*ROWS, "B1,S1,,,GB,abc,0,Huawei,,,,,,,BBU,,,,,"]
    report = import_inventory(db, write_csv(tmp_path / "mixed.csv", rows=rows), skip_invalid=True)
    assert (report.rows_added, report.rows_rejected) == (4, 1)
    assert report.rejects_path is not None
    rejected = report.rejects_path.read_text(encoding="utf-8").splitlines()
    assert rejected[0].startswith("row,asset_id") and rejected[1].startswith("6,B1")
    assert "latitude: is not a number" in rejected[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (
            (HEADER + "\nA1,S1,,,GB,,,Soci\xe9t\xe9 G\xe9n\xe9rale,,,,,,,BBU,,,,,\n").encode("latin-1"),
            "not UTF-8",
        ),
        (HEADER.encode() + b"\n", "no asset rows"),
    ],
)
def test_unreadable_csv_files(db: Database, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    before = snapshot(db)
    with pytest.raises(InventoryFileError, match=message) as caught:
        import_inventory(db, path)
    assert caught.value.file_name == "broken.csv"
    assert snapshot(db) == before


def test_non_utf8_deep_in_a_large_file_names_the_row(db: Database, tmp_path: Path) -> None:
    good = [f"Z{i},S{i % 50},,,GB,,,Nokia,,,,,,,BBU,,,,," for i in range(3000)]
    path = tmp_path / "late.csv"
    path.write_bytes(
        ("\n".join([HEADER, *good]) + "\n").encode() + b"Z9999,S1,,,GB,,,Soci\xe9t\xe9,,,,,,,BBU,,,,,\n"
    )
    with pytest.raises(InventoryFileError, match="not UTF-8 text near row 3002"):
        import_inventory(db, path)
    assert snapshot(db)["assets"] == []


def test_json_and_json_lines_with_components(db: Database, tmp_path: Path) -> None:
    record = {
        "asset_id": "J1",
        "site_id": "S1",
        "vendor": "Ericsson",
        "role": "BBU",
        "components": [{"name": "baseband chipset", "supplier": "HiSilicon", "kind": "chipset"}],
    }
    as_document = tmp_path / "inv.json"
    as_document.write_text(json.dumps({"assets": [record]}), encoding="utf-8")
    import_inventory(db, as_document)
    as_lines = tmp_path / "inv.jsonl"
    as_lines.write_text(
        json.dumps(record | {"asset_id": "J2"}) + "\n" + json.dumps(record | {"asset_id": "J3"}) + "\n"
    )
    report = import_inventory(db, as_lines)
    assert report.rows_added == 2
    with db.connect() as conn:
        found = {a.id: a for a in store.iter_assets(conn, "default")}
        suppliers = store.distinct_supplier_names(conn, "default")
    assert [c.supplier for c in found["J1"].components] == ["HiSilicon"]
    assert suppliers == ["Ericsson", "HiSilicon"]


def test_bad_json(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"asset_id": "A1", "site_id": ', encoding="utf-8")
    with pytest.raises(InventoryFileError, match="not valid JSON at line 1"):
        import_inventory(db, path)
    path.write_text(
        '[{"asset_id": "A1", "site_id": "S1", "vendor": "Nokia", "role": "BBU"}, 7]', encoding="utf-8"
    )
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, path)
    assert caught.value.errors[0].row == 2 and "not an object" in caught.value.errors[0].message


def test_xlsx_round_trip_and_truncated_workbook(db: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Asset ID", "Site ID", "Vendor Name", "Function", "Installed On", "Latitude"])
    sheet.append([1001, "S1", "Samsung", "AAU", __import__("datetime").datetime(2021, 5, 3), 37.5])
    path = tmp_path / "inv.xlsx"
    workbook.save(path)
    import_inventory(db, path)
    with db.connect() as conn:
        (asset,) = list(store.iter_assets(conn, "default"))
    assert (asset.id, str(asset.installed_on)) == ("1001", "2021-05-03")  # 1001.0 read back as an id
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    before = snapshot(db)
    with pytest.raises(InventoryFileError, match="XLSX"):
        import_inventory(db, truncated)
    assert snapshot(db) == before


def test_replace_removes_assets_and_sites_the_snapshot_omits(db: Database, tmp_path: Path) -> None:
    import_inventory(db, write_csv(tmp_path / "full.csv"))
    less = write_csv(tmp_path / "less.csv", rows=ROWS[:2])
    before = snapshot(db)
    # Half the stored assets: more than a snapshot may remove unless forced.
    with pytest.raises(
        InventoryFileError, match=r"remove 2 of the 4 stored assets \(50%\), more than the 10%"
    ):
        import_inventory(db, less, replace=True)
    assert snapshot(db) == before
    report = import_inventory(db, less, replace=True, force=True)
    assert report.rows_removed == 2
    with db.connect() as conn:
        assert store.count_assets(conn, "default") == 2
        assert [s.id for s in store.iter_sites(conn, "default")] == ["S1"]


def test_replace_may_remove_up_to_a_tenth_of_the_stored_assets(db: Database, tmp_path: Path) -> None:
    rows = [f"R{i},S{i % 3},,,GB,,,Nokia,,,,,,,BBU,,,,," for i in range(20)]
    import_inventory(db, write_csv(tmp_path / "full.csv", rows=rows))
    assert (
        import_inventory(db, write_csv(tmp_path / "18.csv", rows=rows[:18]), replace=True).rows_removed == 2
    )
    with pytest.raises(InventoryFileError, match=r"remove 2 of the 18 stored assets \(11%\)"):
        import_inventory(db, write_csv(tmp_path / "16.csv", rows=rows[:16]), replace=True)
    with db.connect() as conn:
        assert store.count_assets(conn, "default") == 18


def test_written_inventory_imports_the_same(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "inv.csv")
    import_inventory(db, path)
    with db.connect() as conn:
        first = sorted(store.iter_assets(conn, "default"), key=lambda a: a.id)
    for suffix in (".csv", ".jsonl", ".xlsx"):
        rows = [
            {
                "asset_id": a.id,
                "site_id": a.site_id,
                "vendor": a.vendor,
                "role": a.role,
                "domain": a.domain.value,
            }
            for a in first
        ]
        out = tmp_path / f"copy{suffix}"
        assert write_inventory(rows, out) == 4
        shutil.copy(out, tmp_path / f"again{suffix}")
        assert import_inventory(db, tmp_path / f"again{suffix}").rows_read == 4


def test_rows_are_numbered_by_the_line_they_start_on(db: Database, tmp_path: Path) -> None:
    rows = ['A1,S1,"Camden\nTown",London,GB,,,Huawei,,,,,,,BBU,,,,,', "A2,S1,,,GB,abc,,Huawei,,,,,,,BBU,,,,,"]
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, write_csv(tmp_path / "multiline.csv", rows=rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "latitude")]


def test_a_file_without_some_site_columns_keeps_the_stored_site_details(db: Database, tmp_path: Path) -> None:
    import_inventory(db, write_csv(tmp_path / "full.csv"))
    slim = tmp_path / "slim.csv"
    slim.write_text("asset_id,site_id,vendor,role\nA1,S1,Huawei,BBU\n", encoding="utf-8")
    import_inventory(db, slim)
    with db.connect() as conn:
        site = {s.id: s for s in store.iter_sites(conn, "default")}["S1"]
    assert (site.name, site.region, site.country) == ("Camden", "London", "GB")
    assert site.latitude == pytest.approx(51.539)


def test_a_rejected_row_leaves_its_site_untouched(db: Database, tmp_path: Path) -> None:
    # Row 3 fills S1's empty region but contradicts its country: it is rejected whole.
    rows = ["A1,S1,Camden,,GB,,,Huawei,,,,,,,BBU,,,,,", "A2,S1,,Elsewhere,DE,,,Huawei,,,,,,,BBU,,,,,"]
    report = import_inventory(db, write_csv(tmp_path / "partial.csv", rows=rows), skip_invalid=True)
    assert (report.rows_added, report.rows_rejected) == (1, 1)
    with db.connect() as conn:
        (site,) = list(store.iter_sites(conn, "default"))
    assert (site.region, site.country) == (None, "GB")


def test_replace_cannot_be_combined_with_skip_invalid(db: Database, tmp_path: Path) -> None:
    import_inventory(db, write_csv(tmp_path / "full.csv"))
    bad = write_csv(tmp_path / "bad.csv", rows=[ROWS[0], "B1,S1,,,GB,abc,0,Huawei,,,,,,,BBU,,,,,"])
    with pytest.raises(InventoryFileError, match="cannot be combined"):
        import_inventory(db, bad, skip_invalid=True, replace=True)
    with db.connect() as conn:
        assert store.count_assets(conn, "default") == 4


def test_before_commit_runs_in_the_import_transaction(db: Database, tmp_path: Path) -> None:
    """Callers audit the import there: an import and its audit entry stand or fall together."""
    seen: list[int] = []

    def refuse(conn: Any, report: Any) -> None:
        seen.append(report.rows_added)
        raise RuntimeError("audit log unavailable")

    with pytest.raises(RuntimeError):
        import_inventory(db, write_csv(tmp_path / "inv.csv"), before_commit=refuse)
    assert seen == [4] and snapshot(db)["assets"] == [] and snapshot(db)["imports"] == []


def test_national_security_and_contract_date_columns(db: Database, tmp_path: Path) -> None:
    header = "asset_id,site_id,country,vendor,role,contract_date,Sensitive site"
    rows = [
        "N1,S1,GB,Huawei,gNB,2019-05-16,yes",
        "N2,S2,GB,Huawei,gNB,,No",
        "N3,S3,GB,Huawei,gNB,,unknown",
        "N4,S4,GB,Huawei,gNB,,",
    ]
    import_inventory(db, write_csv(tmp_path / "inv.csv", header, rows))
    with db.connect() as conn:
        flags = {s.id: s.national_security for s in store.iter_sites(conn, "default")}
        bought = {a.id: a.purchased_on for a in store.iter_assets(conn, "default")}
    # "unknown" and a blank cell both mean not recorded: the rules on such sites then say unknown.
    assert flags == {"S1": True, "S2": False, "S3": None, "S4": None}
    assert str(bought["N1"]) == "2019-05-16" and bought["N2"] is None


def test_a_national_security_value_that_is_not_yes_or_no_names_row_and_column(
    db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "inv.csv", "asset_id,site_id,vendor,role,national_security", ["N1,S1,Huawei,gNB,maybe"]
    )
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(db, path)
    [error] = caught.value.errors
    assert (error.row, error.column, error.value) == (2, "national_security", "maybe")
