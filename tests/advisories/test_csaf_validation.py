"""The OASIS CSAF 2.0 examples and validator test cases, read in place from ../shared/data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED_DATA, shared_data
from netvet.advisories.csaf import validate_csaf
from netvet.advisories.csaf_tests import MANDATORY_TESTS

pytestmark = pytest.mark.shared_data

VALIDATOR_DATA = ("csaf", "csaf_2.0", "test", "validator", "data")
EXAMPLES = ("csaf", "csaf_2.0", "examples", "csaf")


def _implemented(test_id: str) -> bool:
    return test_id in MANDATORY_TESTS or test_id.startswith("6.1.27.")


def _testcases() -> list[dict[str, Any]]:
    index = SHARED_DATA.joinpath(*VALIDATOR_DATA, "testcases.json")
    if not index.exists():
        return []
    tests: list[dict[str, Any]] = json.loads(index.read_text())["tests"]
    return tests


def _cases(kind: str) -> list[Any]:
    cases = []
    for test in _testcases():
        if not test["id"].startswith("6.1."):
            continue
        if kind == "failures" and not _implemented(test["id"]):
            continue
        for entry in test.get(kind, []):
            cases.append(
                pytest.param(test["id"], entry["name"], id=f"{test['id']}:{Path(entry['name']).stem}")
            )
    return cases or [pytest.param("", "", marks=pytest.mark.skip(reason="../shared/data/csaf missing"))]


def _load(*parts: str) -> Any:
    return json.loads(shared_data(*parts).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("test_id", "name"), _cases("valid"))
def test_valid_mandatory_case_is_accepted(test_id: str, name: str) -> None:
    assert validate_csaf(_load(*VALIDATOR_DATA, name)) == []


@pytest.mark.parametrize(("test_id", "name"), _cases("failures"))
def test_failing_case_is_rejected_by_its_own_test(test_id: str, name: str) -> None:
    issues = validate_csaf(_load(*VALIDATOR_DATA, name))
    assert test_id in {i.test for i in issues}, issues
    for issue in issues:
        assert issue.path.startswith("/")


def test_every_oasis_example_is_accepted() -> None:
    examples = sorted(shared_data(*EXAMPLES).rglob("*.json"))
    assert len(examples) >= 19
    for path in examples:
        assert validate_csaf(json.loads(path.read_text())) == [], path.name


def test_testcases_index_covers_the_tests_we_claim() -> None:
    ids = {t["id"] for t in _load(*VALIDATOR_DATA, "testcases.json")["tests"]}
    for number in ("6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.1.6", "6.1.31"):
        assert number in ids


@pytest.fixture
def vex_example() -> dict[str, Any]:
    data: dict[str, Any] = _load(*EXAMPLES, "csaf_vex", "2022-evd-uc-01-a-001.json")
    return data


def test_schema_violation_names_the_path(vex_example: dict[str, Any]) -> None:
    broken = copy.deepcopy(vex_example)
    broken["document"]["tracking"]["status"] = "published"
    issues = validate_csaf(broken)
    assert [(i.test, i.path) for i in issues] == [("schema", "/document/tracking/status")]


def test_schema_checks_referenced_cvss_schema(vex_example: dict[str, Any]) -> None:
    broken = copy.deepcopy(vex_example)
    broken["vulnerabilities"][0]["scores"] = [
        {
            "products": ["CSAFPID-0001"],
            "cvss_v3": {
                "version": "3.1",
                "vectorString": "CVSS:3.1/AV:N",
                "baseScore": 99,
                "baseSeverity": "HIGH",
            },
        }
    ]
    issues = validate_csaf(broken)
    assert issues and all(i.test == "schema" for i in issues)
    assert issues[0].path.startswith("/vulnerabilities/0/scores/0/cvss_v3")


def test_mistyped_profile_is_rejected_by_6_1_26(vex_example: dict[str, Any]) -> None:
    broken = copy.deepcopy(vex_example)
    broken["document"]["category"] = "csaf_vexx"
    assert [(i.test, i.path) for i in validate_csaf(broken)] == [("6.1.26", "/document/category")]


def test_vex_without_action_statement_fails_6_1_27_10(vex_example: dict[str, Any]) -> None:
    broken = copy.deepcopy(vex_example)
    del broken["vulnerabilities"][0]["remediations"]
    assert "6.1.27.10" in {i.test for i in validate_csaf(broken)}
