"""Screening thresholds and word lists, read from data/screening.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rigour.territories import get_territory, lookup_territory

from netvet.data import DATA_DIR, load_yaml_file
from netvet.model.screening import ScreeningStatus

CONFIG_FILE = DATA_DIR / "screening.yaml"
_MIN_COUNTRY_NAME = 4  # shorter tokens are codes (de, la, sl) and mean other things in names


COUNTRY_NAMES_FILE = DATA_DIR / "screening" / "country_names.txt"


def rigour_country_names() -> list[str]:
    """The one-word country and territory names rigour's territory database knows (espana, sweden),
    as `data/screening/country_names.txt` holds them. That file is a snapshot: building rigour's name
    index takes about a second, too long for every start of `netvet screen-name`. Regenerate it with
    `python -c "from netvet.screening.config import write_country_names; write_country_names()"`; a test
    checks the snapshot still equals rigour's data."""
    from rigour.territories.lookup import _get_territory_names

    return sorted(
        name
        for name in _get_territory_names()
        if len(name) >= _MIN_COUNTRY_NAME
        and name.isascii()
        and name.isalnum()
        and lookup_territory(name) is not None
    )


def write_country_names() -> None:
    COUNTRY_NAMES_FILE.write_text("\n".join(rigour_country_names()) + "\n", encoding="utf-8")


@cache
def _country_names() -> frozenset[str]:
    return frozenset(COUNTRY_NAMES_FILE.read_text(encoding="utf-8").split())


def is_country_name(token: str) -> bool:
    """rigour's territory database knows the token as a country or territory name (espana, sweden)."""
    return len(token) >= _MIN_COUNTRY_NAME and token in _country_names()


def is_country_code(code: str) -> bool:
    """An ISO 3166 two-letter code rigour's territory database knows (GB, CN, SG; not XX or ZZ)."""
    territory = get_territory(code.lower()) if len(code) == 2 and code.isalpha() else None
    return territory is not None and territory.is_ftm and territory.code not in {"zz", "eu"}


@dataclass(frozen=True)
class ScreeningConfig:
    match_threshold: float
    review_threshold: float
    max_candidate_names: int
    max_postings: int
    typo_min_length: int
    generic_weight: float
    place_weight: float
    entry_place_weight: float
    default_weight: float
    same_country_bonus: float
    canonical: dict[str, str]  # word form -> canonical token
    generic: frozenset[str]
    places: frozenset[str]
    cjk_legal_forms: tuple[str, ...]
    cjk_words: dict[str, str]  # Chinese word -> canonical token
    cjk_places: tuple[str, ...]
    extra_legal_forms: frozenset[str]
    location_tail_words: frozenset[str] = frozenset()
    product_review_score: float = 0.8
    product_match_score: float = 0.9
    product_words: frozenset[str] = frozenset()
    top_level_domains: frozenset[str] = frozenset()
    second_level_domains: frozenset[str] = frozenset()

    def status_for(self, score: float) -> ScreeningStatus:
        if score >= self.match_threshold:
            return ScreeningStatus.MATCH
        if score >= self.review_threshold:
            return ScreeningStatus.REVIEW
        return ScreeningStatus.CLEAR

    def weight_of(self, token: str, in_entry: bool = False) -> float:
        """How much a token counts. A place in a list entry's name is part of who the entry is (Huawei
        Technologies *Canada* is its own company); a place in a screened name may just say where a
        subsidiary of a listed company sits, so it weighs less there."""
        if token in self.generic:
            return self.generic_weight
        if token in self.places or is_country_name(token):
            return self.entry_place_weight if in_entry else self.place_weight
        return self.default_weight

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> ScreeningConfig:
        canonical: dict[str, str] = {}
        for target, forms in data["canonical"].items():
            canonical[target] = target
            for form in forms:
                canonical[form] = target
        return cls(
            match_threshold=float(data["thresholds"]["match"]),
            review_threshold=float(data["thresholds"]["review"]),
            max_candidate_names=int(data["candidates"]["max_names"]),
            max_postings=int(data["candidates"]["max_postings"]),
            typo_min_length=int(data["candidates"]["typo_min_length"]),
            generic_weight=float(data["weights"]["generic"]),
            place_weight=float(data["weights"]["place"]),
            entry_place_weight=float(data["weights"]["place_in_entry"]),
            default_weight=float(data["weights"]["default"]),
            same_country_bonus=float(data["country"]["same"]),
            canonical=canonical,
            generic=frozenset(data["generic"]),
            places=frozenset(data["places"]),
            # Longest first, so 股份有限公司 is cut before 有限公司.
            cjk_legal_forms=tuple(sorted(data["cjk"]["legal_forms"], key=len, reverse=True)),
            cjk_words=dict(data["cjk"]["words"]),
            cjk_places=tuple(sorted(data["cjk"]["places"], key=len, reverse=True)),
            extra_legal_forms=frozenset(data["extra_legal_forms"]),
            location_tail_words=frozenset(data["location_tail_words"]),
            product_review_score=float(data["products"]["review_score"]),
            product_match_score=float(data["products"]["match_score"]),
            product_words=frozenset(data["products"]["words"]),
            top_level_domains=frozenset(data["domains"]["top_level"]),
            second_level_domains=frozenset(data["domains"]["second_level"]),
        )


def load_config(path: Path | str = CONFIG_FILE) -> ScreeningConfig:
    return ScreeningConfig.from_mapping(load_yaml_file(path, "screening.schema.json"))


@cache
def default_config() -> ScreeningConfig:
    return load_config()
