"""The country table: ISO 3166-1's codes, and names people write mapped onto them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from netvet.data import country_table
from netvet.model.countries import CountryTable, CountryTableError

ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")  # Debian's iso-codes package


def test_the_codes_are_exactly_iso_3166_1s() -> None:
    if not ISO_CODES.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{ISO_CODES} is missing in CI (apt package iso-codes)")
        pytest.skip(f"{ISO_CODES} not found (Debian's iso-codes package)")
    published = json.loads(ISO_CODES.read_text(encoding="utf-8"))["3166-1"]
    table = country_table()
    assert set(table.names) == {entry["alpha_2"] for entry in published}
    for entry in published:  # ISO's own names read as their code
        for key in ("name", "official_name", "common_name"):
            if key in entry:
                assert table.code_for(entry[key]) == entry["alpha_2"], entry[key]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("GB", "GB"),
        ("gb", "GB"),
        ("UK", "GB"),  # ISO 3166-1: exceptionally reserved for the United Kingdom
        ("United Kingdom", "GB"),
        ("  united kingdom ", "GB"),
        ("England", "GB"),
        ("EL", "GR"),  # the EU's code for Greece
        ("Deutschland", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("The Netherlands", "NL"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("NO", "NO"),  # Norway, never YAML's false
        ("Congo", "CG"),  # ISO's short name for CG; CD is "Congo, The Democratic Republic of the"
    ],
)
def test_codes_and_names_read_as_iso_codes(written: str, code: str) -> None:
    assert country_table().code_for(written) == code


@pytest.mark.parametrize("written", ["XX", "ZZ", "XK", "EU", "Atlantis", "Korea", ""])
def test_codes_iso_does_not_assign_and_ambiguous_names_are_not_countries(written: str) -> None:
    # XX and ZZ are user-assigned, XK (Kosovo) and EU are not ISO 3166-1 countries; "Korea" names two.
    assert country_table().code_for(written) is None


def test_a_name_standing_for_two_codes_is_a_data_error() -> None:
    with pytest.raises(CountryTableError, match="'Congo' of CD already stands for CG"):
        CountryTable.from_mapping(
            {
                "countries": [
                    {"code": "CG", "name": "Congo"},
                    {"code": "CD", "name": "DR Congo", "aliases": ["Congo"]},
                ]
            }
        )
