"""Screening in the database (SQLite and PostgreSQL): list versions, diffs, bad files, decisions across
reloads, inventory screening with change reports, and the evidence the policy engine reads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from netvet.model.screening import Decision, ScreeningStatus
from netvet.screening.loaders import ListFileError
from netvet.storage import Database
from netvet.storage.screening import (
    current_lists,
    decision_history,
    diff_versions,
    latest_versions,
    list_entries,
    list_version_history,
    load_list_file,
    record_decision,
    screen_inventory,
    vendor_evidence,
    version_entries,
)

from .conftest import import_rows

DATA = Path(__file__).resolve().parent.parent / "data" / "screening"


def ftm_line(entity_id: str, name: str, *aliases: str) -> str:
    entity = {"id": entity_id, "schema": "Company", "properties": {"name": [name], "alias": list(aliases)}}
    return json.dumps(entity, ensure_ascii=False)


def write_ftm(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shipped_lists_are_recorded_once_as_versions(db: Database) -> None:
    with db.begin() as conn:
        lists, versions = current_lists(conn)
        current_lists(conn)
        history = list_version_history(conn)
    assert {"fcc-covered", "bis-entity"} <= set(versions)
    assert all(v.version == 1 and v.origin == "shipped" for v in history)
    assert len(history) == len(lists)


def test_each_load_is_a_new_version_and_the_diff_names_what_changed(db: Database, tmp_path: Path) -> None:
    first = load_list_file(
        db,
        write_ftm(tmp_path / "a.json", ftm_line("x1", "Acme Radio"), ftm_line("x2", "Borealis Telecom")),
        "ftm",
        "mylist",
    )
    assert first.version.version == 1 and first.version.entry_count == 2 and len(first.version.sha256) == 64
    second = load_list_file(
        db,
        write_ftm(
            tmp_path / "b.json",
            ftm_line("x2", "Borealis Telecom", "Borealis"),
            ftm_line("x3", "Cygnus Networks"),
        ),
        "ftm",
        "mylist",
    )
    assert second.version.version == 2
    assert second.diff is not None
    assert [e.entity_id for e in second.diff.added] == ["x3"]
    assert [e.entity_id for e in second.diff.removed] == ["x1"]
    assert [new.entity_id for _, new in second.diff.changed] == ["x2"]
    with db.connect() as conn:
        again = diff_versions(conn, "mylist", 1, 2)
    assert [e.name for e in again.added] == ["Cygnus Networks"]


def test_loading_the_same_file_again_makes_no_version(db: Database, tmp_path: Path) -> None:
    path = write_ftm(tmp_path / "a.json", ftm_line("x1", "Acme Radio"))
    load_list_file(db, path, "ftm", "mylist")
    outcome = load_list_file(db, path, "ftm", "mylist")
    assert outcome.unchanged and outcome.version.version == 1


def test_a_malformed_file_is_rejected_and_the_previous_version_stays(db: Database, tmp_path: Path) -> None:
    load_list_file(db, write_ftm(tmp_path / "a.json", ftm_line("x1", "Acme Radio")), "ftm", "mylist")
    bad = write_ftm(tmp_path / "bad.json", ftm_line("x1", "Acme Radio"), '{"id": "x2", "schema": "Company"')
    with pytest.raises(ListFileError) as caught:
        load_list_file(db, bad, "ftm", "mylist")
    assert caught.value.line == 2
    with db.connect() as conn:
        versions = {v.list_id: v for v in latest_versions(conn)}
        stored = conn.execute(select(func.count()).select_from(list_entries)).scalar()
    assert versions["mylist"].version == 1 and stored == 1


def test_a_delta_file_applies_to_the_previous_version(db: Database) -> None:
    load_list_file(db, DATA / "opensanctions-sample.ftm.json", "ftm")
    outcome = load_list_file(db, DATA / "opensanctions-delta.ftm.json", "ftm")
    assert outcome.version.version == 2 and outcome.diff is not None
    assert [e.entity_id for e in outcome.diff.added] == ["NK-zte"]
    assert [e.entity_id for e in outcome.diff.removed] == ["NK-vessel"]


def test_shipped_list_ids_cannot_be_overwritten_by_a_load(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="shipped list"):
        load_list_file(db, write_ftm(tmp_path / "a.json", ftm_line("x1", "Acme")), "ftm", "fcc-covered")


def test_screening_the_inventory_stores_results_and_evidence(db: Database, tmp_path: Path) -> None:
    import_rows(
        db,
        tmp_path,
        [("A1", "HUAWEI", "HiSilicon"), ("A2", "Ericsson AB", "Ericsson AB"), ("A3", "Huawie", "")],
    )
    summary = screen_inventory(db)
    assert summary.names_screened == 4 and summary.names_flagged == 3
    with db.connect() as conn:
        evidence = vendor_evidence(conn, "default")
    assert evidence["Ericsson AB"] == []
    (huawei,) = evidence["HUAWEI"]  # one piece of evidence per entity, naming every list it is on
    assert huawei.entity_id == "huawei" and {"fcc-covered", "bis-entity", "ndaa-889"} <= set(huawei.lists)
    assert huawei.listed_on == date(2019, 5, 16)  # the earliest of its listings (Entity List)
    hisilicon = evidence["HiSilicon"][0]
    assert hisilicon.entity_ids == ("hisilicon", "huawei") and hisilicon.status is ScreeningStatus.MATCH
    assert all(e.status is ScreeningStatus.REVIEW for e in evidence["Huawie"])


def test_rescreening_reports_only_what_changed(db: Database, tmp_path: Path) -> None:
    import_rows(db, tmp_path, [("A1", "Huawei", ""), ("A2", "Borealis Telecom", "")])
    screen_inventory(db)
    unchanged = screen_inventory(db)
    assert unchanged.changes == [] and unchanged.previous_run_id is not None
    load_list_file(db, write_ftm(tmp_path / "a.json", ftm_line("x2", "Borealis Telecom")), "ftm", "mylist")
    after_load = screen_inventory(db)
    assert [(c.name, c.list_id, c.entity_id, c.before, c.after) for c in after_load.changes] == [
        ("Borealis Telecom", "mylist", "x2", None, "match")
    ]


def test_a_dismissal_applies_at_once_survives_reloads_and_lapses_when_the_entry_changes(
    db: Database, tmp_path: Path
) -> None:
    import_rows(db, tmp_path, [("A1", "Borealis Telecoms", "")])
    load_list_file(
        db,
        write_ftm(tmp_path / "v1.json", ftm_line("x2", "Borealis Telecom"), ftm_line("x9", "Other")),
        "ftm",
        "mylist",
    )
    screen_inventory(db)
    with db.begin() as conn:
        record = record_decision(
            conn, "BOREALIS TELECOMS", "x2", Decision.DISMISSED, "a Norwegian ISP", "ana"
        )
    assert list(record.entry_hashes) == ["mylist"]
    with db.connect() as conn:
        (dismissed,) = vendor_evidence(conn, "default")["Borealis Telecoms"]
    assert dismissed.decision is Decision.DISMISSED and not dismissed.counts_as_restricted
    after_decision = screen_inventory(db)
    assert [(c.entity_id, c.before, c.after) for c in after_decision.changes] == [("x2", "match", "clear")]

    # A reload that changes another entry only: the dismissal holds on the next screening.
    load_list_file(
        db,
        write_ftm(tmp_path / "v2.json", ftm_line("x2", "Borealis Telecom"), ftm_line("x9", "Other Co")),
        "ftm",
        "mylist",
    )
    summary = screen_inventory(db)
    assert summary.changes == []
    with db.connect() as conn:
        (still,) = vendor_evidence(conn, "default")["Borealis Telecoms"]
    assert still.decision is Decision.DISMISSED and still.status is ScreeningStatus.CLEAR

    # The entry itself changes: the candidate comes back for review.
    load_list_file(
        db,
        write_ftm(
            tmp_path / "v3.json",
            ftm_line("x2", "Borealis Telecom", "Borealis AS"),
            ftm_line("x9", "Other Co"),
        ),
        "ftm",
        "mylist",
    )
    summary = screen_inventory(db)
    assert [(c.entity_id, c.before, c.after) for c in summary.changes] == [("x2", "clear", "match")]
    with db.connect() as conn:
        (back,) = vendor_evidence(conn, "default")["Borealis Telecoms"]
    assert back.decision is None and back.counts_as_restricted


def test_a_decision_needs_a_reason_and_a_known_entry(db: Database) -> None:
    with db.begin() as conn, pytest.raises(ValueError):
        record_decision(conn, "Huawie", "huawei", Decision.DISMISSED, "  ", "ana")
    with db.begin() as conn, pytest.raises(LookupError):
        record_decision(conn, "Huawie", "no-such-entity", Decision.DISMISSED, "why", "ana")


def test_one_decision_covers_every_list_the_entity_is_on(db: Database) -> None:
    with db.begin() as conn:
        record = record_decision(conn, "Huawie", "huawei", Decision.CONFIRMED, "invoice says Huawei", "ana")
    assert set(record.entry_hashes) >= {"fcc-covered", "bis-entity", "ndaa-889"}
    assert record.name_key == "huawie"
    with db.connect() as conn:
        assert len(decision_history(conn)) == 1


def test_an_ofac_folder_loads_its_three_files(db: Database, tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_text(
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    )
    (tmp_path / "alt.csv").write_text('36,12,"aka","AERO-CARIBBEAN",-0- \n')
    (tmp_path / "add.csv").write_text('36,25,-0- ,"Havana","Cuba",-0- \n')
    outcome = load_list_file(db, tmp_path, "ofac-csv")
    assert outcome.version.list_id == "ofac-sdn" and outcome.version.entry_count == 1
    with db.connect() as conn:
        (entry,) = version_entries(conn, outcome.version.id)
    assert entry.aliases == ("AERO-CARIBBEAN",) and entry.countries == ("CU",)
