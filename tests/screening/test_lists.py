"""The shipped lists: schema-valid, ids consistent, parents resolvable, the ids rule packs use."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from netvet.data import DataFileError
from netvet.screening.lists import (
    AffiliateGraph,
    all_entries,
    load_list_file,
    shipped_entity_ids,
    shipped_lists,
)

# The entity ids the policy rule packs target (docs/screening.md).
RULE_TARGETS = {
    "huawei",
    "zte",
    "hisilicon",
    "huawei-device",
    "zte-kangxun",
    "hikvision",
    "dahua",
    "hytera",
    "kaspersky",
    "china-mobile-international-usa",
    "china-telecom-americas",
    "china-unicom-americas",
    "pacific-networks",
    "comnet",
    "dji",
    "autel",
    "huawei-uk",
    "huawei-cloud",
    "huawei-dubai",
}


def test_every_shipped_list_loads_with_entries_and_sources() -> None:
    lists = shipped_lists()
    assert {
        "fcc-covered",
        "bis-entity",
        "ndaa-889",
        "uk-designated-vendor",
        "eu-5g-high-risk",
        "affiliates",
    } <= {lst.id for lst in lists}
    for lst in lists:
        for entry in lst.entries:
            assert entry.list_id == lst.id
            assert entry.source and entry.added_on is not None and entry.countries


def test_the_ids_rule_packs_target_exist() -> None:
    assert shipped_entity_ids() >= RULE_TARGETS


def test_every_parent_is_an_entity_of_some_list_and_paths_reach_the_root() -> None:
    entries = all_entries(shipped_lists())
    ids = {e.entity_id for e in entries}
    for entry in entries:
        assert entry.parent is None or entry.parent in ids, entry.entity_id
    graph = AffiliateGraph(entries)
    assert graph.path("huawei-device-dongguan") == ("huawei-device", "huawei")
    assert graph.path("shanghai-haisi") == ("hisilicon", "huawei")
    assert "fcc-covered" in graph.lists_of("zte-kangxun")  # through ZTE


def test_original_script_names_are_shipped_for_the_chinese_vendors() -> None:
    names = {n for e in all_entries(shipped_lists()) for n in e.original_script}
    assert {"华为技术有限公司", "中兴通讯股份有限公司", "海思半导体有限公司"} <= names


def test_delisted_entries_are_kept_but_not_active() -> None:
    zte_bis = next(
        e for lst in shipped_lists() if lst.id == "bis-entity" for e in lst.entries if e.entity_id == "zte"
    )
    assert zte_bis.delisted_on is not None and not zte_bis.is_active


def test_a_list_file_with_a_bad_field_names_the_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "list: {id: mine, title: Mine, authority: Me, jurisdiction: US, url: x, as_of: '2024-01-01'}\n"
        "entries:\n"
        "  - entity_id: acme\n"
        "    name: Acme\n"
        "    countries: [USA]\n"
        "    added_on: '2024-01-01'\n"
        "    source: test\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as caught:
        load_list_file(path)
    assert caught.value.line == 5
    assert caught.value.key == "entries[0].countries[0]"


def test_the_entity_list_excerpt_covers_telecom_surveillance_and_semiconductor_suppliers() -> None:
    """Issue 14's examples, with the listing dates of their Federal Register rules."""
    bis = {e.entity_id: e for lst in shipped_lists() if lst.id == "bis-entity" for e in lst.entries}
    expected = {
        "smic": (date(2020, 12, 18), "85 FR 83416"),
        "dji": (date(2020, 12, 18), "85 FR 83416"),
        "sugon": (date(2019, 6, 24), "84 FR 29371"),
        "new-h3c-semiconductor": (date(2024, 12, 2), "2024-28267"),
        "uniview": (date(2024, 12, 10), "December 2024"),
        "ymtc": (date(2022, 12, 16), "87 FR 77505"),
        "phytium": (date(2021, 4, 8), "86 FR 18437"),
        "megvii": (date(2019, 10, 9), "84 FR 54002"),
    }
    for entity_id, (added_on, citation) in expected.items():
        entry = bis[entity_id]
        assert entry.added_on == added_on and citation in entry.source, entity_id
    smic_affiliates = [e for e in bis.values() if e.parent == "smic"]
    assert len(smic_affiliates) == 10  # "SMIC and ten related companies"


def test_every_entity_list_entry_cites_its_rule_or_says_it_is_unconfirmed() -> None:
    for lst in shipped_lists():
        if lst.id != "bis-entity":
            continue
        for entry in lst.entries:
            assert entry.added_on is not None, entry.entity_id
            cited = " FR " in entry.source or "FR Doc" in entry.source
            assert cited or (entry.confidence == "unverified" and "unconfirmed" in entry.source), (
                entry.entity_id
            )
            if entry.confidence == "unverified":
                assert entry.note, entry.entity_id  # says what was not checked
