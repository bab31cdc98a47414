"""Countries as ISO 3166-1 alpha-2 codes, read from a code or from a name people write ("United
Kingdom", "Deutschland"). The table itself is data: netvet/data/countries.yaml."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def fold(text: str) -> str:
    """A name as compared: case, accents, punctuation and a leading "the" do not matter."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", bare).strip()
    return words[4:] if words.startswith("the ") else words


class CountryTableError(ValueError):
    pass


@dataclass(frozen=True)
class CountryTable:
    names: dict[str, str]  # code -> the name shown
    _by_key: dict[str, str]  # folded code, name or alias -> code

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CountryTable:
        names: dict[str, str] = {}
        by_key: dict[str, str] = {}
        for entry in data["countries"]:
            code = entry["code"]
            if code in names:
                raise CountryTableError(f"code {code} is listed twice")
            names[code] = entry["name"]
            by_key[fold(code)] = code
        for entry in data["countries"]:
            for written in (entry["name"], *entry.get("aliases", ())):
                key = fold(written)
                if by_key.setdefault(key, entry["code"]) != entry["code"]:
                    raise CountryTableError(
                        f"{written!r} of {entry['code']} already stands for {by_key[key]}"
                    )
        return cls(names, by_key)

    def code_for(self, written: str) -> str | None:
        """The ISO 3166-1 alpha-2 code a code or name stands for, or None."""
        return self._by_key.get(fold(written))
