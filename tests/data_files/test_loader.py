"""The shared loader of data files: every error names the file, the line and the key."""

from __future__ import annotations

import pytest

from netvet.data import DataFileError, parse_yaml_text

VALID = "version: x\nroles:\n  - {role: AMF, domain: core, description: d}\n"


def test_valid_file_parses() -> None:
    assert parse_yaml_text(VALID, "roles.yaml", "roles.schema.json")["roles"][0]["role"] == "AMF"


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        (VALID + "  - {role: SMF, domain: kernel, description: d}\n", 4, "roles[1].domain", "is not one of"),
        (VALID + "  - {role: SMF, description: d}\n", 4, "roles[1]", "'domain' is a required property"),
        ("version: x\nroles: [\n", None, "", "not valid YAML"),
        (VALID.replace("version: x", "version: 2020-13-01"), 1, "version", "not a valid date"),
    ],
)
def test_errors_name_line_and_key(text: str, line: int | None, key: str, message: str) -> None:
    with pytest.raises(DataFileError) as caught:
        parse_yaml_text(text, "roles.yaml", "roles.schema.json")
    error = caught.value
    assert message in error.message and error.key == key and error.path == "roles.yaml"
    if line is not None:
        assert error.line == line
