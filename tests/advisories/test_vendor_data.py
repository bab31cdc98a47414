from __future__ import annotations

from pathlib import Path

import pytest

from netvet.advisories.vendors import default_vendor_versions, simple_vendor_key
from netvet.data import DataFileError, load_yaml_file


def test_shipped_vendor_table() -> None:
    table = default_vendor_versions()
    assert table.schemes["huawei"][0] == "huawei_vrp"
    assert table.schemes["cisco"] == ("cisco_ios", "semver")


def test_unknown_scheme_in_vendor_table_is_named(tmp_path: Path) -> None:
    path = tmp_path / "vendor_versions.yaml"
    path.write_text("vendors:\n  acme:\n    schemes: [roman_numerals]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_yaml_file(path, "advisories/vendor_versions.schema.json")
    assert caught.value.line == 3
    assert caught.value.key == "vendors.acme.schemes[0]"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Huawei Technologies Co., Ltd.", "huawei"),
        ("Cisco Systems, Inc.", "cisco"),
        ("Nokia Solutions and Networks Oy", "nokia"),
        ("ZTE Corporation", "zte"),
    ],
)
def test_simple_vendor_key(name: str, key: str) -> None:
    assert simple_vendor_key(name) == key
