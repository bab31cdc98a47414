"""Readers for the published formats, on the real files in ../shared/data and small fixtures in the
real layouts; malformed files name the line or record and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_data
from netvet.screening.loaders import (
    ListFileError,
    apply_ftm_delta,
    is_ftm_delta,
    read_csl_csv,
    read_csl_json,
    read_ftm,
    read_ofac_csv,
)
from netvet.screening.normalize import default_normalizer

DATA = Path(__file__).resolve().parent.parent / "data" / "screening"


@pytest.mark.shared_data
def test_csl_csv_reads_the_real_sample() -> None:
    path = shared_data("csl", "csl-sample.csv")
    lst = read_csl_csv(path.read_bytes(), str(path))
    assert len(lst.entries) == 115
    guian = next(e for e in lst.entries if "New District Huawei" in e.name)
    # The real file carries a Windows-1252 apostrophe as a control character; the normaliser repairs it.
    assert default_normalizer()(guian.name).tokens[0] == "guian"
    assert guian.added_on is not None and guian.added_on.isoformat() == "2019-05-21"
    assert "84 FR 22961" in guian.source and guian.countries == ("CN",)
    canada = next(e for e in lst.entries if e.name == "2904977 CANADA, INC.")
    assert canada.entity_id == "csl-8124"
    assert canada.aliases == ("CARIBE SOL", "HAVANTUR CANADA INC.")


@pytest.mark.shared_data
def test_ofac_csv_joins_alt_and_add_on_the_real_snapshot() -> None:
    folder = shared_data("ofac")
    lst = read_ofac_csv(
        (folder / "sdn.csv").read_bytes(),
        "sdn.csv",
        alt=(folder / "alt.csv").read_bytes(),
        add=(folder / "add.csv").read_bytes(),
    )
    assert len(lst.entries) > 7000
    assert sum(len(e.names) for e in lst.entries) > 16000
    bnc = next(e for e in lst.entries if e.entity_id == "ofac-306")
    assert bnc.name == "BANCO NACIONAL DE CUBA"
    assert "NATIONAL BANK OF CUBA" in bnc.aliases
    assert "CH" in bnc.countries and bnc.source.endswith("CUBA")
    assert all(e.note != "-0-" and "-0-" not in e.addresses for e in lst.entries)  # -0- means empty


def test_csl_json_reads_trade_gov_layout() -> None:
    lst = read_csl_json((DATA / "csl-sample.json").read_bytes(), "csl-sample.json")
    names = [e.name for e in lst.entries]
    assert names[0] == "Huawei Cloud Computing Technology Co., Ltd."
    cloud = lst.entries[0]
    assert cloud.aliases == ("Huawei Cloud",) and cloud.countries == ("CN",)
    assert "85 FR 51596" in cloud.source
    denied = lst.entries[2]
    assert denied.delisted_on is not None and not denied.is_active  # the denial order ended in 2020


def test_ftm_entities_and_ownership_parent() -> None:
    lst = read_ftm((DATA / "opensanctions-sample.ftm.json").read_bytes(), "sample")
    by_id = {e.entity_id: e for e in lst.entries}
    assert set(by_id) == {
        "NK-huawei-tech",
        "NK-hisilicon",
        "NK-ivanov",
        "NK-vessel",
    }  # no Sanction, no Ownership
    assert "华为技术有限公司" in by_id["NK-huawei-tech"].aliases
    assert by_id["NK-hisilicon"].parent == "NK-huawei-tech"
    assert by_id["NK-ivanov"].kind == "person"


def test_ftm_delta_adds_modifies_and_deletes() -> None:
    full = (DATA / "opensanctions-sample.ftm.json").read_bytes()
    delta = (DATA / "opensanctions-delta.ftm.json").read_bytes()
    assert is_ftm_delta(delta) and not is_ftm_delta(full)
    after = apply_ftm_delta(read_ftm(full, "full"), delta, "delta")
    by_id = {e.entity_id: e for e in after.entries}
    assert "NK-zte" in by_id and "NK-vessel" not in by_id
    assert "Shanghai Haisi Technology Co., Ltd." in by_id["NK-hisilicon"].aliases


@pytest.mark.parametrize(
    ("reader", "content", "line", "field", "message"),
    [
        (read_csl_csv, b"source,name\nx,y\n", 1, "", "missing column"),
        (
            read_csl_csv,
            b"source,name,alt_names,addresses,start_date\nEL,Acme,,,2020-01-01\nEL,,,,2020-01-01\n",
            3,
            "name",
            "no name",
        ),
        (
            read_csl_csv,
            b"source,name,alt_names,addresses,start_date\nEL,Acme,,,01/02/2020\n",
            2,
            "start_date",
            "not a date",
        ),
        (read_csl_csv, b"source,name,alt_names,addresses,start_date\nEL,Acme,,\n", 2, "", "fewer fields"),
        (read_csl_csv, b"source,name,alt_names,addresses,start_date\nEL,\xff,,,\n", 2, "", "not UTF-8"),
        (read_ofac_csv, b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n', 1, "", "4 fields, expected 12"),
        (
            read_ofac_csv,
            b'36,"A",-0-,"CUBA",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\nX9,"B",-0-,"CUBA",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n',
            2,
            "ent_num",
            "not a number",
        ),
        (
            read_ftm,
            b'{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{"id": "b"\n',
            2,
            "",
            "not valid JSON",
        ),
        (
            read_ftm,
            b'{"id": "a", "schema": "NoSuchSchema", "properties": {}}\n',
            1,
            "schema",
            "not a FollowTheMoney",
        ),
        (
            read_ftm,
            b'{"id": "a", "schema": "Company", "properties": {"country": ["cn"]}}\n',
            1,
            "properties.name",
            "no name",
        ),
    ],
)
def test_malformed_files_name_the_line_and_field(
    reader: object, content: bytes, line: int, field: str, message: str
) -> None:
    with pytest.raises(ListFileError) as caught:
        reader(content, "bad-file")  # type: ignore[operator]
    assert caught.value.line == line
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith("bad-file, line")


def test_csl_json_names_the_record_at_fault() -> None:
    content = b'{"results": [{"name": "Acme", "source": "EL"}, {"name": "", "source": "EL"}]}'
    with pytest.raises(ListFileError) as caught:
        read_csl_json(content, "bad.json")
    assert "record 2" in caught.value.message and caught.value.field == "results[1].name"


def test_delta_lines_need_a_known_op() -> None:
    base = read_ftm((DATA / "opensanctions-sample.ftm.json").read_bytes(), "full")
    with pytest.raises(ListFileError) as caught:
        apply_ftm_delta(
            base,
            b'{"op": "ADD", "entity": {"id": "x", "schema": "Company", "properties": {"name": ["X"]}}}\n{"op": "UPSERT", "entity": {}}\n',
            "d",
        )
    assert caught.value.line == 2 and caught.value.field == "op"


def test_ofac_bytes_that_are_not_utf8_are_read_as_windows_1252() -> None:
    sdn = '36,"CAF\xc9 AEROCARIBE",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'.encode("cp1252")
    (entry,) = read_ofac_csv(sdn, "sdn.csv").entries
    assert entry.name == "CAFÉ AEROCARIBE"


def test_csl_json_accepts_a_bare_array_of_entries() -> None:
    (entry,) = read_csl_json(b'[{"name": "Acme Radio", "source": "Entity List (EL)"}]', "bare.json").entries
    assert entry.name == "Acme Radio"
