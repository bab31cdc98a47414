"""Names as inventories write them (issue 14): products and models, brands, web domains, spaced letters,
location tails, pinyin legal forms, other scripts; fuller names never score lower; countries never lower a
score; the entity reported is the one that matched; legal designations come first."""

from __future__ import annotations

import pytest

from netvet.model.screening import ScreeningStatus
from netvet.screening.api import shipped_screener
from netvet.screening.normalize import default_normalizer

FLAGGED = {ScreeningStatus.MATCH, ScreeningStatus.REVIEW}


def _top(name: str, country: str | None = None):  # type: ignore[no-untyped-def]
    screening = shipped_screener().screen(name, country=country)
    assert screening.results, name
    return screening, screening.results[0]


@pytest.mark.parametrize(
    ("name", "entity", "leftover"),
    [
        ("Huawei NE40E-X8", "huawei", ("ne40e", "x8")),
        ("HUAWEI OptiX OSN 8800", "huawei", ("optix", "osn", "8800")),
        ("ZTE ZXR10 M6000", "zte", ("zxr10", "m6000")),
        ("Hytera PD785G", "hytera", ("pd785g",)),
        ("HiSilicon Hi3516CV300", "hisilicon", ("hi3516cv300",)),
        ("HIKVISION DS-2CD2143G2-I", "hikvision", ("ds", "2cd2143g2", "i")),
        (
            "Kaspersky Endpoint Security for Business",
            "kaspersky",
            ("endpoint", "security", "for", "business"),
        ),
        ("PD785G Hytera Communications", "hytera", ("pd785g",)),
    ],
)
def test_a_listed_name_with_model_words_is_at_least_review_and_names_the_leftover(
    name: str, entity: str, leftover: tuple[str, ...]
) -> None:
    screening, top = _top(name)
    assert screening.status in FLAGGED
    assert top.entity_id == entity
    summary = top.explanation.summary()
    assert f"a product of {entity}" in summary
    assert all(word in summary for word in leftover), summary


@pytest.mark.parametrize(
    ("name", "entity"), [("EZVIZ", "hikvision"), ("HiWatch", "hikvision"), ("Imou", "dahua")]
)
def test_brands_name_their_owner(name: str, entity: str) -> None:
    screening, top = _top(name)
    assert screening.status is ScreeningStatus.MATCH
    assert top.entity_id == entity
    assert f"brand of {entity}" in top.explanation.summary()


@pytest.mark.parametrize(
    "name",
    [
        "Zhone",
        "Zhone Technologies",
        "ZTT",
        "Hua Hong",
        "Huatai",
        "Hitachi",
        "Kapsch",
        "Daihatsu",
        "Honor",
        "Honor Device Co., Ltd.",
        "Honor X8b",
        "Hitachi Energy FOX615",
        "Zhone MXK-F819",
        "Nokia 7750 SR-12",
    ],
)
def test_hard_negatives_stay_clear(name: str) -> None:
    assert shipped_screener().screen(name).status is ScreeningStatus.CLEAR


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("huawei.com", ("huawei",)),
        ("https://e.huawei.com/en/products", ("huawei",)),
        ("sales@zte.com.cn", ("zte",)),
        ("Z T E Corporation", ("zte",)),
        ("Z. T. E. Corp", ("zte",)),
        ("S.M.I.C.", ("smic",)),
        ("Zhongxing Tongxun Gufen Youxian Gongsi", ("zhongxing", "telecom")),
        ("Huawei Jituan", ("huawei",)),
        ("Huawei Tech.Co", ("huawei", "techco")),  # "co" is no top-level domain here: not a host name
    ],
)
def test_normalisation_of_domains_initials_and_pinyin_legal_forms(name: str, tokens: tuple[str, ...]) -> None:
    assert default_normalizer()(name).tokens == tokens


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("Huawei Tech Co., Ltd. - Shenzhen, PRC", "Huawei Tech Co., Ltd."),
        ("ZTE Corporation (Nanjing Branch)", "ZTE Corporation"),
        ("AO Kaspersky Lab, 39A/2 Leningradskoe Shosse, Moscow, 125212, Russia", "AO Kaspersky Lab"),
    ],
)
def test_location_tails_are_set_aside(name: str, head: str) -> None:
    split = default_normalizer().location_head(name)
    assert split is not None and split[0] == head
    screening = shipped_screener().screen(name)
    assert screening.status is ScreeningStatus.MATCH


def test_a_legal_form_alone_is_not_a_location_tail() -> None:
    assert default_normalizer().location_head("Hikvision USA, Inc.") is None


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Лаборатория Касперского", "kaspersky"),
        ("Хуавэй Текнолоджиз", "huawei"),
        ("中芯国际", "smic"),
        ("Haikang Weishi", "hikvision"),
    ],
)
def test_other_scripts_and_pinyin_on_both_sides(name: str, entity: str) -> None:
    screening, top = _top(name)
    assert screening.status in FLAGGED and top.entity_id == entity


def test_a_fuller_name_never_scores_below_the_short_one() -> None:
    short = shipped_screener().screen("Hikvision").results[0].score
    for name in (
        "HIKVISION DIGITAL TECHNOLOGY",
        "Hangzhou Hikvision Digital Technology",
        "Hikvision Digital",
    ):
        assert shipped_screener().screen(name).results[0].score >= short, name


def test_adding_an_entitys_own_name_words_never_lowers_its_score() -> None:
    """Over every shipped entity: its first distinctive word, then that word with each other word of its
    own names added one at a time."""
    screener = shipped_screener()
    normalizer = default_normalizer()
    checked = 0
    for entry in screener.entries:
        tokens = normalizer(entry.name).tokens
        if len(tokens) < 2:
            continue
        base = shipped_screener().screen(entry.name).results
        scores = {r.entity_id: r.score for r in base}
        if entry.entity_id not in scores:
            continue
        fuller = shipped_screener().screen(f"{entry.name} {tokens[-1]}")
        found = {r.entity_id: r.score for r in fuller.results}
        assert found.get(entry.entity_id, 0.0) >= scores[entry.entity_id] - 1e-9, entry.name
        checked += 1
    assert checked > 50


def test_a_country_never_lowers_a_subsidiarys_score() -> None:
    plain = shipped_screener().screen("Huawei Technologies").results[0]
    elsewhere = shipped_screener().screen("Huawei Technologies", country="GB").results[0]
    assert elsewhere.entity_id == plain.entity_id and elsewhere.score >= plain.score


def test_the_entity_reported_is_the_entity_that_matched() -> None:
    _, top = _top("Huawei International Pte. Ltd.")
    assert top.entity_id == "huawei-international-sg"
    _, top = _top("Huawei International Co., Limited")
    assert top.entity_id == "huawei-international-hk"


def test_legal_designations_come_before_statements() -> None:
    _, top = _top("Huawei Technologies Co., Ltd.")
    statuses = {lst.id: lst.info.legal_status for lst in shipped_screener_lists()}
    order = [statuses[lst] for lst in top.lists]
    assert order == sorted(order, key=["binding", "guidance", "statement"].index)


def shipped_screener_lists():  # type: ignore[no-untyped-def]
    from netvet.screening import shipped_lists

    return shipped_lists()


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        # The Entity List's "Huawei Technologies Japan K.K." (84 FR 22961) under its registered Japanese
        # name, 華為技術日本株式会社 (株式会社 is kabushiki kaisha, K.K.; 日本 is Japan), and under the
        # name it trades as in Japan, ファーウェイ・ジャパン (huawei.com/jp).
        ("華為技術日本株式会社", "huawei-japan"),
        ("ファーウェイ・ジャパン株式会社", "huawei"),
        ("ファーウェイ", "huawei"),
        # Latin letters glued to Japanese script: ZTE's Japanese subsidiary.
        ("ZTEジャパン株式会社", "zte"),
    ],
)
def test_japanese_company_names_are_found(name: str, entity: str) -> None:
    screening, top = _top(name)
    assert screening.status is ScreeningStatus.MATCH, (name, top.explanation.summary())
    assert top.entity_id == entity


@pytest.mark.parametrize(
    "name",
    [
        "日本電気株式会社",  # NEC Corporation
        "富士通株式会社",  # Fujitsu Limited
        "株式会社日立製作所",  # Hitachi, Ltd.
    ],
)
def test_japanese_companies_not_listed_stay_clear(name: str) -> None:
    screening = shipped_screener().screen(name)
    assert screening.status is ScreeningStatus.CLEAR, name


@pytest.mark.parametrize(
    "name",
    [
        # Korean writes a company name without spaces: 한국 (Korea) + 화웨이 (Huawei), the name Huawei's
        # Korean subsidiary trades under (huawei.com/kr), with or without 주식회사 (Co., Ltd.).
        "한국화웨이",
        "한국화웨이 주식회사",
        "화웨이",
    ],
)
def test_korean_names_of_huawei_are_found(name: str) -> None:
    screening, top = _top(name)
    assert screening.status is ScreeningStatus.MATCH, (name, top.explanation.summary())
    assert top.entity_id == "huawei"


@pytest.mark.parametrize(
    "name",
    [
        "삼성전자주식회사",  # Samsung Electronics Co., Ltd.
        "한국전력공사",  # Korea Electric Power Corporation (KEPCO)
        "주식회사 케이티",  # KT Corporation
    ],
)
def test_korean_companies_not_listed_stay_clear(name: str) -> None:
    screening = shipped_screener().screen(name)
    assert screening.status is ScreeningStatus.CLEAR, name
