"""Name normalisation: legal forms, Chinese script, canonical words, weights."""

from __future__ import annotations

import pytest

from netvet.screening.normalize import default_normalizer


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Huawei Technologies Co., Ltd.", ("huawei", "tech")),
        ("HUAWEI TECHNOLOGIES CO., LTD", ("huawei", "tech")),
        ("huawei tech", ("huawei", "tech")),
        ("华为技术有限公司", ("huawei", "tech")),
        ("华为", ("huawei",)),
        ("中兴通讯股份有限公司", ("zhongxing", "telecom")),
        ("華為技術有限公司", ("huawei", "tech")),  # traditional characters, as in Taiwan and Hong Kong
        ("中興通訊股份有限公司", ("zhongxing", "telecom")),
        ("ZTE Corporation", ("zte",)),
        ("ZTE Corportion", ("zte",)),  # a misspelt legal form is still a legal form
        ("Huawei Technolgies", ("huawei", "tech")),  # a misspelt canonical word still maps
        ("深圳市海思半导体有限公司", ("shenzhen", "haisi", "semiconductor")),
        ("华为终端（东莞）有限公司", ("huawei", "device", "dongguan")),
        ("Xi'an Huawei Technologies Co., Ltd.", ("xian", "huawei", "tech")),
        ("АО Лаборатория Касперского", ("laboratoriya", "kasperskogo")),
        ("Zhong Xing Tong Xun You Xian Gong Si", ("zhong", "xing", "telecom")),
        (
            "Huawei Technologies Research & Development (UK) Limited",
            ("huawei", "tech", "research", "development", "uk"),
        ),
    ],
)
def test_tokens(name: str, tokens: tuple[str, ...]) -> None:
    assert default_normalizer()(name).tokens == tokens


def test_a_name_made_only_of_legal_forms_keeps_its_words() -> None:
    assert default_normalizer()("Limited Company").tokens


def test_generic_words_and_places_weigh_less_than_distinctive_words() -> None:
    form = default_normalizer()("Huawei Technologies Sweden AB")
    weights = dict(zip(form.tokens, form.weights, strict=True))
    assert weights["huawei"] > weights["sweden"] > weights["tech"]


def test_country_names_count_as_places_without_being_listed() -> None:
    # "espana" is not in data/screening.yaml; rigour's territory database knows it.
    form = default_normalizer()("Huawei Technologies España S.L.")
    assert form.tokens == ("huawei", "tech", "espana")
    assert form.weights[2] < form.weights[0]


def test_the_country_name_snapshot_equals_rigours_territory_names() -> None:
    """data/screening/country_names.txt is rigour's one-word territory names, kept as a file so the
    command line need not build rigour's index at every start; regenerate it when rigour changes."""
    from netvet.screening.config import COUNTRY_NAMES_FILE, rigour_country_names

    assert COUNTRY_NAMES_FILE.read_text(encoding="utf-8").split() == rigour_country_names()
