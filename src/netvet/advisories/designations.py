"""Hardware as advisories write it, and product names that are lists or free text.

Juniper limits records to "SRX Series", "SRX 5000 Series", "SRX5k", "MX Series with SPC3",
"MX240 using MPC10E", "ACX710"; ZTE names "ZXR10 1800-2S series ,ZXR10 2800-4"; Nokia writes
"SR OS (7250 IXR, 7450 ESS, 7750 SR, ...)"; Ericsson "RAN Compute Basebands (all BB variants)".
A designation is compared with a model word by word ("7750 SR" covers "7750 SR-1", "ACX710" does not
cover "ACX7100"); a series number with three or more trailing zeros, or written with k, stands for
the models of that series ("SRX 5000 Series" and "SRX5k" cover SRX5400 and SRX5800).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Z]+|\d+")
_SERIES_WORDS = {"SERIES", "FAMILY", "PLATFORMS", "PLATFORM", "ROUTERS", "ROUTER", "SWITCHES", "DEVICES"}
_QUALIFIER = re.compile(r"\s+(?:with|using|equipped with|running|when used with|on)\s+", re.IGNORECASE)
_ALTERNATIVES = re.compile(r"\s*(?:/|,|;|\bor\b|\band\b|\s)\s*", re.IGNORECASE)
_ALL_VARIANTS = re.compile(r"^all\b.*\b(variants?|models?|platforms?|types?|versions?)$|^all$", re.IGNORECASE)
_EXAMPLES = re.compile(r"\.\.\.|…|\betc\b|\bsuch as\b|\be\.g\.", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+|\s+&\s+")

Token = str | re.Pattern[str]


def tokens(text: str) -> tuple[str, ...]:
    """Upper-case words and numbers: "PTX10001-36MR" is PTX 10001 36 MR, "7750 SR-1" is 7750 SR 1."""
    return tuple(_TOKEN.findall(text.upper()))


def _token_matches(expected: Token, found: str) -> bool:
    return expected.fullmatch(found) is not None if isinstance(expected, re.Pattern) else expected == found


@dataclass(frozen=True)
class Designation:
    """A piece of hardware an advisory names, with the parts it must carry (line cards)."""

    text: str
    base: tuple[Token, ...]
    qualifiers: tuple[tuple[str, ...], ...] = ()

    def covers(self, model: str | None) -> bool:
        if not model or not self.base:
            return False
        found = tokens(model)
        return len(found) >= len(self.base) and all(
            _token_matches(e, f) for e, f in zip(self.base, found, strict=False)
        )

    def qualifier_in(self, names: Iterable[str]) -> str | None:
        """The first part (component, part number) that carries one of the qualifiers."""
        for name in names:
            found = tokens(name)
            for qualifier in self.qualifiers:
                n = len(qualifier)
                if any(found[i : i + n] == qualifier for i in range(len(found) - n + 1)):
                    return name
        return None


def _base(text: str) -> tuple[Token, ...]:
    words = list(tokens(text))
    series = False
    while words and words[-1] in _SERIES_WORDS:
        words.pop()
        series = True
    if len(words) >= 2 and words[-1] == "K" and words[-2].isdigit():
        # SRX5k, QFX5k: the thousand series.
        words[-2:] = [words[-2] + "000"]
        series = True
    base: list[Token] = list(words)
    if series and base and isinstance(base[-1], str) and base[-1].isdigit():
        number = base[-1]
        zeros = len(number) - len(number.rstrip("0"))
        if zeros >= 3:
            base[-1] = re.compile(re.escape(number[:-zeros]) + rf"\d{{{zeros}}}")
    return tuple(base)


def parse_designation(text: str) -> Designation:
    """ "MX Series with MPC10 MPC11 or LC9600" -> MX, any of MPC10, MPC11, LC9600."""
    base_text, *rest = _QUALIFIER.split(text.strip(), maxsplit=1)
    qualifiers: list[tuple[str, ...]] = []
    letters = ""
    for part in _ALTERNATIVES.split(rest[0]) if rest else ():
        found = tokens(part)
        if not found:
            continue
        if found[0].isdigit() and letters:
            found = (letters, *found)  # MPC10/11 is MPC10 or MPC11
        elif not found[0].isdigit():
            letters = found[0]
        qualifiers.append(found)
    return Designation(text.strip(), _base(base_text), tuple(qualifiers))


@dataclass(frozen=True)
class ProductName:
    """A product as a record names it, split into what it is and what it says about hardware.

    `names` are the products (a list "IOS and IOS XE Software" gives two); `hardware` the models a
    parenthesis restricts it to; `examples` a parenthesis that only gives examples ("7250 IXR, 7450
    ESS, 7750 SR, ...") or says every variant ("all BB variants"), restricting nothing.
    """

    names: tuple[str, ...]
    hardware: tuple[str, ...] = ()
    examples: str | None = None

    @property
    def is_list(self) -> bool:
        return len(self.names) > 1


def split_product_name(text: str, is_known: Callable[[str], bool] | None = None) -> ProductName:
    """Split a product name; `is_known` are the names that resolve to an OS family or product, used
    to decide whether "A and B" is a list (both parts known) or one name ("IM and Presence")."""
    text = " ".join(text.split())
    main, examples = text, None
    hardware: tuple[str, ...] = ()
    m = re.fullmatch(r"(?P<main>[^()]+?)\s*\((?P<inner>[^()]*)\)\s*", text)
    if m is not None:
        main, inner = m["main"], m["inner"].strip()
        if _EXAMPLES.search(inner) or _ALL_VARIANTS.match(inner):
            examples = inner
        else:
            hardware = tuple(p for p in _LIST_SEPARATORS.split(inner) if p.strip())
    parts = [p.strip() for p in _LIST_SEPARATORS.split(main) if p.strip()]
    if len(parts) > 1 and (
        "," in main or ";" in main or (is_known is not None and all(is_known(p) for p in parts))
    ):
        return ProductName(tuple(parts), hardware, examples)
    return ProductName((main.strip(),), hardware, examples)
