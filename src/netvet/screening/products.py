"""Products, brands and model codes: "Huawei NE40E-X8", "HUAWEI OptiX OSN 8800", "EZVIZ C6N",
"PD785G Hytera Communications", "Hi3516EV200 (HiSilicon)".

A listed name or brand (the anchor) at the start or end of a longer name whose other words are model
codes (letters with digits, short series codes), product words (data/screening.yaml) or the entity's own
product lines (data/screening/brands.yaml) names a product of that entity. A model code the brand table
knows (NE40E: Huawei) does the same without an anchor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from netvet.screening.brands import BrandTable
from netvet.screening.config import ScreeningConfig
from netvet.screening.normalize import Normalizer

_SERIES_CODE_MAX = 3  # "ds", "pd", "osn", "rtk": short series codes count as model words
_ANCHOR_MIN = 3  # an anchor this short (compact) names nothing on its own, except a known brand


@dataclass(frozen=True, slots=True)
class ProductReading:
    """One way of reading a name as a product of an entity."""

    entity_id: str
    anchor: tuple[str, ...]  # the listed name or brand as found in the name ("huawei"); () for a model code
    anchor_at_start: bool
    leftover: tuple[str, ...]  # the other words of the name
    product_line: bool  # one of the entity's own product lines or model codes is among them


class ProductVocabulary:
    """The words that make a leftover product-like, per entity."""

    def __init__(self, brands: BrandTable, normalizer: Normalizer, config: ScreeningConfig) -> None:
        self.brands = brands
        self.config = config
        self._lines: dict[str, frozenset[str]] = {}
        for entity_id, lines in brands.product_lines.items():
            self._lines[entity_id] = frozenset(t for line in lines for t in normalizer(line).tokens)
        for brand in brands.names:
            if brand.kind in {"brand", "product line"}:
                extra = normalizer(brand.name).tokens
                self._lines[brand.entity_id] = self._lines.get(brand.entity_id, frozenset()) | set(extra)

    def is_line(self, entity_id: str, token: str) -> bool:
        return token in self._lines.get(entity_id, ()) or self.brands.entity_of_model(token) == entity_id

    def is_model_word(self, token: str) -> bool:
        return any(ch.isdigit() for ch in token) or len(token) <= _SERIES_CODE_MAX

    def reading(self, entity_id: str, leftover: Sequence[str], brand_anchor: bool = False) -> bool | None:
        """None when the leftover is not product-like for this entity; else whether a product line of
        the entity is among it. A leftover with neither a digit nor a product line (Huawei *Cloud*) is
        not read as a product after a company name: the name matcher handles it. One word of a product
        name the tables do not know ("OceanStor *Dorado* 5000", "Imou *Ranger* 2") is allowed when a
        product line or a brand vouches for the rest."""
        cfg = self.config
        line = False
        digit = False
        unknown = 0
        for token in leftover:
            if self.is_line(entity_id, token):
                line = True
            elif any(ch.isdigit() for ch in token):
                digit = True
            elif not (
                self.is_model_word(token)
                or token in cfg.product_words
                or token in cfg.generic
                or token in cfg.places
            ):
                unknown += 1
        vouched = line or brand_anchor
        if unknown > (1 if vouched else 0):
            return None
        return line if (line or digit or brand_anchor) else None


def product_readings(
    tokens: tuple[str, ...],
    anchors: Mapping[tuple[str, ...], Iterable[tuple[str, bool]]],
    vocabulary: ProductVocabulary,
) -> list[ProductReading]:
    """Readings of a name as a product: the longest anchor at the start or end first (a listed name,
    a brand or a standalone product line, as `anchors` maps token tuples to (entity id, is a brand)),
    then known model codes on their own."""
    found: list[ProductReading] = []
    n = len(tokens)
    for size in range(n - 1, 0, -1):
        for at_start in (True, False):
            anchor = tokens[:size] if at_start else tokens[n - size :]
            entities = anchors.get(anchor)
            if not entities:
                continue
            leftover = tokens[size:] if at_start else tokens[: n - size]
            for entity_id, is_brand in entities:
                line = vocabulary.reading(entity_id, leftover, is_brand)
                if line is not None:
                    found.append(ProductReading(entity_id, anchor, at_start, leftover, line))
        if found:
            return found
    for token in tokens:
        owner = vocabulary.brands.entity_of_model(token)
        if owner is not None:
            leftover = tuple(t for t in tokens if t != token)
            if vocabulary.reading(owner, leftover) is not None or not leftover:
                found.append(ProductReading(owner, (), True, tokens, True))
    return found


def anchor_allowed(tokens: tuple[str, ...], weights: tuple[float, ...], is_brand: bool) -> bool:
    """A listed name anchors a product reading only if it has a distinctive word and is not tiny: with
    the OFAC list loaded, one-word vessel or person names must not turn "X 2000" into a hit."""
    return is_brand or (max(weights, default=0.0) >= 1.0 and len("".join(tokens)) >= _ANCHOR_MIN)
