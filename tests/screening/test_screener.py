"""Screening names with the shipped lists: statuses, explanations, affiliates, decisions, evidence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from netvet.data import DATA_DIR
from netvet.model.screening import Decision, ScreeningStatus
from netvet.screening import (
    DecisionBook,
    DecisionRecord,
    Screener,
    screen_names,
    shipped_lists,
    vendor_evidence_for_names,
)
from netvet.screening.api import shipped_screener
from netvet.screening.lists import ListEntry, all_entries


def demo_spellings() -> list[tuple[str, bool]]:
    """Every spelling the demo generator writes, with whether its vendor is listed."""
    data = yaml.safe_load((DATA_DIR / "demo" / "vendors.yaml").read_text(encoding="utf-8"))
    return [
        (name, bool(spec["listed"]))
        for spec in data["vendors"].values()
        for name in [*spec["spellings"], *spec.get("subsidiaries", [])]
    ]


def test_every_demo_spelling_of_a_listed_vendor_is_flagged_and_no_other_is() -> None:
    spellings = demo_spellings()
    assert len(spellings) > 50
    screenings = screen_names([name for name, _ in spellings])
    wrong = [
        (name, screenings[name].status.value)
        for name, listed in spellings
        if (screenings[name].status is not ScreeningStatus.CLEAR) != listed
    ]
    assert wrong == []


def test_results_are_keyed_by_the_name_exactly_as_given() -> None:
    screenings = screen_names(["HUAWEI", "Huawei", "Nokia"])
    assert list(screenings) == ["HUAWEI", "Huawei", "Nokia"]
    assert screenings["Nokia"].status is ScreeningStatus.CLEAR and screenings["Nokia"].flagged == ()


def test_a_hit_explains_itself() -> None:
    screening = screen_names(["Hauwei Technologies Co., Ltd."])["Hauwei Technologies Co., Ltd."]
    best = screening.results[0]
    assert best.entity_id == "huawei" and best.status is ScreeningStatus.MATCH
    assert best.explanation.query_normalised == "hauwei tech"
    assert best.explanation.matched_normalised == "huawei tech"
    assert "hauwei~huawei 0.83" in best.explanation.pairs
    assert best.explanation.features["typo_or_sound_pairs"] == 1.0
    assert 0.0 < best.score < 1.0
    assert best.explanation.entry_source


def test_an_affiliate_hit_carries_its_parent_chain_and_the_parents_lists() -> None:
    screening = screen_names(["Huawei Device (Dongguan) Co., Ltd."])["Huawei Device (Dongguan) Co., Ltd."]
    best = screening.results[0]
    assert best.entity_id == "huawei-device-dongguan"
    assert best.affiliate_path == ("huawei-device", "huawei")
    assert {"fcc-covered", "bis-entity", "ndaa-889"} <= set(best.lists)
    assert "affiliate of huawei-device > huawei" in best.explanation.summary()


def test_a_parent_hit_hides_its_subsidiaries_partial_hits() -> None:
    screening = screen_names(["Huawei Technologies"])["Huawei Technologies"]
    assert {r.entity_id for r in screening.flagged} == {"huawei"}


def test_one_result_per_entity_names_every_list_it_is_on_legal_designations_first() -> None:
    """ "Huawie" is one candidate (Huawei), not one per list entry; it is reported on a binding list."""
    (result,) = screen_names(["Huawie"])["Huawie"].flagged
    assert result.entity_id == "huawei"
    assert {"fcc-covered", "bis-entity", "ndaa-889", "uk-designated-vendor"} <= set(result.lists)
    assert result.list_id in {"bis-entity", "fcc-covered", "ndaa-889", "uk-designated-vendor"}
    assert result.lists.index("eu-5g-high-risk") > result.lists.index("bis-entity")


def test_chinese_script_matches_latin_entries_and_back() -> None:
    assert screen_names(["华为"])["华为"].results[0].entity_id == "huawei"
    hisilicon = screen_names(["海思"])["海思"].results[0]
    assert hisilicon.entity_id == "hisilicon" and hisilicon.matched_name == "海思"


def test_delisted_entries_are_not_screened() -> None:
    bis = [lst for lst in shipped_lists() if lst.id == "bis-entity"]
    screening = screen_names(["ZTE Corporation"], lists=bis)["ZTE Corporation"]
    assert all(r.entity_id != "zte" for r in screening.results)
    assert screening.status is ScreeningStatus.CLEAR


def test_country_nudges_the_score_and_is_explained() -> None:
    screener = shipped_screener()
    same = screener.screen("Huawie", country="CN").results[0]
    other = screener.screen("Huawie", country="SE").results[0]
    assert same.score > other.score
    assert same.explanation.features["same_country"] == 1.0
    assert other.explanation.features["same_country"] == 0.0


def _decision(name_key: str, decision: Decision, entry_hash: str) -> DecisionRecord:
    return DecisionRecord(
        name_key=name_key,
        entity_id="huawei",
        decision=decision,
        reason="checked the invoice",
        decided_by="analyst",
        decided_at=datetime(2026, 1, 2, tzinfo=UTC),
        entry_hashes={"fcc-covered": entry_hash},
    )


def _fcc_huawei() -> ListEntry:
    return next(
        e for e in all_entries(shipped_lists()) if e.list_id == "fcc-covered" and e.entity_id == "huawei"
    )


def test_a_dismissal_clears_the_candidate_for_every_spelling_that_normalises_the_same() -> None:
    entry = _fcc_huawei()
    book = DecisionBook([_decision("huawie", Decision.DISMISSED, entry.content_hash)])
    screener = Screener([entry])
    for spelling in ("Huawie", "HUAWIE", "huawie"):
        result = screener.screen(spelling, decisions=book).results[0]
        assert result.raw_status is ScreeningStatus.REVIEW
        assert result.status is ScreeningStatus.CLEAR and result.decision is Decision.DISMISSED
        assert "dismissed by analyst on 2026-01-02: checked the invoice" in result.explanation.decision_note


def test_a_confirmation_makes_a_review_a_match() -> None:
    entry = _fcc_huawei()
    book = DecisionBook([_decision("huawie", Decision.CONFIRMED, entry.content_hash)])
    result = Screener([entry]).screen("Huawie", decisions=book).results[0]
    assert result.status is ScreeningStatus.MATCH and result.decision is Decision.CONFIRMED


def test_a_decision_lapses_when_the_entry_changed() -> None:
    entry = _fcc_huawei()
    book = DecisionBook([_decision("huawie", Decision.DISMISSED, entry.content_hash)])
    changed = entry.model_copy(update={"aliases": (*entry.aliases, "Huawei Investment & Holding")})
    result = Screener([changed]).screen("Huawie", decisions=book).results[0]
    assert result.status is ScreeningStatus.REVIEW and result.decision is None
    assert "lapsed" in result.explanation.decision_note


def test_one_decision_covers_the_entity_on_every_list() -> None:
    huawei = [e for e in all_entries(shipped_lists()) if e.entity_id == "huawei"]
    record = _decision("huawie", Decision.DISMISSED, "")
    book = DecisionBook(
        [record.model_copy(update={"entry_hashes": {e.list_id: e.content_hash for e in huawei}})]
    )
    screening = Screener(huawei).screen("Huawie", decisions=book)
    assert screening.status is ScreeningStatus.CLEAR
    assert [r.decision for r in screening.results] == [Decision.DISMISSED]


def test_a_decision_taken_for_one_list_lapses_when_the_entity_is_on_others_too() -> None:
    huawei = [e for e in all_entries(shipped_lists()) if e.entity_id == "huawei"]
    book = DecisionBook([_decision("huawie", Decision.DISMISSED, _fcc_huawei().content_hash)])
    result = Screener(huawei).screen("Huawie", decisions=book).results[0]
    assert result.status is ScreeningStatus.REVIEW and "lapsed" in result.explanation.decision_note


def test_vendor_evidence_for_names_has_the_policy_engines_shape() -> None:
    evidence = vendor_evidence_for_names(["HiSilicon", "Ericsson AB"])
    assert evidence["Ericsson AB"] == []
    hits = evidence["HiSilicon"]
    assert hits and all(e.name == "HiSilicon" for e in hits)
    hit = hits[0]
    assert hit.entity_id == "hisilicon" and hit.entity_ids == ("hisilicon", "huawei")
    assert hit.counts_as_restricted and "fcc-covered" in hit.lists
    assert hit.explanation.startswith("'hisilicon' vs 'hisilicon'")


@pytest.mark.parametrize("name", ["", "   ", "Co., Ltd.", "!!!"])
def test_degenerate_names_screen_clear_without_error(name: str) -> None:
    assert screen_names([name])[name].status is ScreeningStatus.CLEAR


def test_on_the_demo_network_listed_vendors_assets_are_flagged_and_ericsson_nokia_samsung_are_not() -> None:
    from netvet.demo import generate_inventory

    data = yaml.safe_load((DATA_DIR / "demo" / "vendors.yaml").read_text(encoding="utf-8"))
    vendor_of = {name: key for key, spec in data["vendors"].items() for name in spec["spellings"]}
    listed = {key for key, spec in data["vendors"].items() if spec["listed"]}
    rows = list(generate_inventory(seed=3, sites=300))
    names = {
        n
        for r in rows
        for n in (r["vendor"], r.get("manufacturer"), *(c["supplier"] for c in r.get("components") or ()))
        if n
    }
    screenings = screen_names(sorted(names))
    flagged = {name for name, s in screenings.items() if s.status is not ScreeningStatus.CLEAR}
    checked = {"listed": 0, "clean": 0}
    for row in rows:
        vendor = vendor_of[row["vendor"]]
        asset_names = {
            row["vendor"],
            row["manufacturer"],
            *(c["supplier"] for c in row.get("components") or ()),
        } - {None}
        if vendor in listed:
            assert row["vendor"] in flagged, row["vendor"]
            checked["listed"] += 1
        elif vendor in {"ericsson", "nokia", "samsung"}:
            assert not asset_names & flagged, (row["asset_id"], asset_names & flagged)
            checked["clean"] += 1
    assert checked["listed"] > 100 and checked["clean"] > 100


def test_an_absurdly_long_name_is_cut_to_rigours_name_limit_and_screened_quickly() -> None:
    name = "Huawei Technologies " * 5000
    screening = screen_names([name])[name]
    assert len(screening.normalised) <= 400


class _CountingMatcher:
    """Wraps the real matcher and counts comparisons."""

    def __init__(self) -> None:
        from netvet.screening.matcher import TokenAlignmentMatcher

        self.inner = TokenAlignmentMatcher()
        self.name = self.inner.name
        self.calls = 0

    def compare(self, query, candidate):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.compare(query, candidate)


def test_candidates_come_from_the_index_never_a_scan_of_the_list() -> None:
    words = ["alpha", "borealis", "cygnus", "delta", "epsilon", "fornax", "gemini", "hydra", "indus", "lyra"]
    filler = [
        ListEntry(
            entity_id=f"f{i}", list_id="filler", name=f"{words[i % 10]} {words[i // 10 % 10]} Trading {i}"
        )
        for i in range(5000)
    ]
    matcher = _CountingMatcher()
    screener = Screener([*filler, *all_entries(shipped_lists())], matcher=matcher)
    assert screener.name_count > 5000
    for name in ("Huawei Technologies", "Hauwei", "Borealis Lyra Trading 77", "Ericsson AB", "中兴通讯"):
        before = matcher.calls
        screener.screen(name)
        assert matcher.calls - before <= screener.config.max_candidate_names
    # The one name among 50 "Borealis Lyra Trading <n>" that carries the number is found first.
    assert screener.screen("Borealis Lyra Trading 91").results[0].entity_id == "f91"
