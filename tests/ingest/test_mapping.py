"""Column mappings: --map entries, saved mapping files, value tables, date formats, JSON paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netvet.data import DataFileError, parse_yaml_text
from netvet.ingest import InventoryFileError, import_inventory
from netvet.ingest.dates import DateFormat
from netvet.ingest.mapping import (
    MAPPING_SCHEMA,
    ColumnMapping,
    MappingChoice,
    MappingError,
    load_mapping,
    parse_map,
    presets,
    region_country,
)
from netvet.storage import Database
from netvet.storage import inventory as store

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"
EXPORT = DATA / "operator-export.csv"
MAPS = ("Element=asset_id", "Node Type=role", "SW Version=software_version", "Equipment Vendor=vendor")


def _assets(db: Database) -> dict[str, object]:
    with db.connect() as conn:
        return {a.id: a for a in store.iter_assets(conn, "default")}


def test_an_operators_own_headers_import_with_map_entries(sqlite_db: Database) -> None:
    """Site Code, Equipment Vendor and Install Date are in netvet's header vocabulary; Element and Node
    Type are not."""
    with pytest.raises(InventoryFileError, match="missing required column\\(s\\): asset_id, role"):
        import_inventory(sqlite_db, EXPORT)
    choice = MappingChoice(maps=MAPS, date_format="day-first")
    report = import_inventory(sqlite_db, EXPORT, mapping=choice)
    assert report.rows_added == 3
    stored = _assets(sqlite_db)
    enb = stored["LDN-ENB-001"]
    assert (enb.role, enb.domain.value, enb.software_version) == ("eNodeB", "ran", "V100R015C10")
    assert str(enb.installed_on) == "2019-03-31"  # 31/03/2019, day first
    with sqlite_db.connect() as conn:
        assert {s.country for s in store.iter_sites(conn, "default")} == {"GB"}  # "United Kingdom" is GB
    assert str(stored["MAN-RTR-001"].installed_on) == "2021-11-15"
    assert report.plan is not None and report.plan.columns["role"] == ("Node Type",)


def test_a_date_in_the_other_order_is_an_error_naming_the_format(sqlite_db: Database) -> None:
    choice = MappingChoice(maps=MAPS, date_format="month-first")  # 31/03/2019 has no month 31
    with pytest.raises(InventoryFileError) as caught:
        import_inventory(sqlite_db, EXPORT, mapping=choice)
    [error] = [e for e in caught.value.errors if e.column == "installed_on"][:1]
    assert error.row == 2 and "month-first (03/31/2024)" in error.message and error.value == "31/03/2019"


@pytest.mark.parametrize(
    ("spec", "text", "day"),
    [
        ("day-first", "05.04.2021", "2021-04-05"),
        ("month-first", "04/05/21", "2021-04-05"),
        ("%d %b %Y", "05 Apr 2021", "2021-04-05"),
        ("day-first", "2021-04-05", "2021-04-05"),  # ISO is always understood
    ],
)
def test_date_formats(spec: str, text: str, day: str) -> None:
    assert str(DateFormat.parse(spec).read(text)) == day


def test_a_mapping_saved_from_map_entries_reads_the_next_export_alike(
    sqlite_db: Database, tmp_path: Path
) -> None:
    mapping = ColumnMapping.default().with_options(MAPS, "day-first", "GB")
    saved = mapping.save(tmp_path / "our-export.yaml")
    loaded = load_mapping(str(saved))
    assert loaded.columns == mapping.columns and loaded.date_format.spec == "day-first"
    assert loaded.country == "GB"
    report = import_inventory(sqlite_db, EXPORT, mapping=MappingChoice(loaded))
    assert report.rows_added == 3


def test_a_header_named_with_map_must_be_in_the_file(sqlite_db: Database) -> None:
    choice = MappingChoice(maps=(*MAPS, "Serial No=serial_number"))
    with pytest.raises(
        InventoryFileError, match="--map names headers the file lacks: serial_number \\('Serial No'\\)"
    ):
        import_inventory(sqlite_db, EXPORT, mapping=choice)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("Node Type", "write it as 'HEADER=column'"),
        ("Node Type=node_role", "'node_role' is not a netvet column"),
    ],
)
def test_map_entries_are_checked(entry: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_map(entry)


def test_a_mapping_file_is_data_with_a_schema() -> None:
    with pytest.raises(
        DataFileError, match=re.escape("bad.yaml, line 4, key columns: 'vendr' is not one of")
    ):
        parse_yaml_text("version: 1\nname: x\ncolumns:\n  vendr: Vendor\n", "bad.yaml", MAPPING_SCHEMA)
    with pytest.raises(
        MappingError, match="no such file, and no preset of that name \\(netbox-api, netbox-csv\\)"
    ):
        load_mapping("netbox-xlsx")


def test_value_tables_turn_values_and_paths_reach_into_json_records() -> None:
    mapping = ColumnMapping.from_document(
        {
            "version": 1,
            "name": "test",
            "auto": False,
            "columns": {
                "asset_id": ["name", "id"],
                "vendor": "device_type.manufacturer.name",
                "role": "role.slug",
            },
            "values": {"role": {"oob-switch": {"role": "Switch", "domain": "management"}}},
        },
        "test",
    )
    record = {
        "name": None,
        "id": 7,
        "device_type": {"manufacturer": {"name": "Opengear"}},
        "role": {"slug": "oob-switch"},
    }
    plan = mapping.plan(record)
    assert mapping.translate(plan, record) == {
        "asset_id": 7,  # the name is empty: the id stands in
        "vendor": "Opengear",
        "role": "Switch",
        "domain": "management",
    }


@pytest.mark.parametrize(
    ("region", "country"),
    [
        ("United Kingdom", "GB"),
        ("gb", "GB"),
        ("US-NY", "US"),
        ("New York", None),  # a subdivision only by its code
        ("Georgia", "GE"),  # the country of that name
        ("United Kingdon", None),  # a typo is no country (NetBox's demo data has one; its slug gb names it)
        ("North America", None),
        ("", None),
    ],
)
def test_a_region_names_a_country_by_name_or_code(region: str, country: str | None) -> None:
    assert region_country(region) == country


def test_the_netbox_presets_are_shipped() -> None:
    assert set(presets()) == {"netbox-csv", "netbox-api"}
    assert presets()["netbox-api"].records == "results"


def test_the_default_country_may_be_written_as_a_name() -> None:
    """The country table (data/countries.yaml) reads names people write; --country takes them too."""
    assert ColumnMapping.default().with_options(country="United Kingdom").country == "GB"
    with pytest.raises(MappingError, match="--country 'Atlantis': not a country"):
        ColumnMapping.default().with_options(country="Atlantis")
