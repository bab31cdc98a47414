"""Date questions a compliance lawyer would ask, answered from the sources, not from netvet's output.

Each row of tests/data/policy/date_questions.csv is one asset of one organisation, one rule of the
shipped packs and one assessment day, with the status and deadline the rule's source gives (`none`: the
rule gives no finding) and the source that says so. The rows cover every pack, the day before and after
each deadline, guidance, missing dates and superseded rules.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from netvet.data import role_table
from netvet.model.screening import ScreeningStatus, VendorEvidence
from netvet.policy import RulePack, assess, shipped_licences, shipped_packs
from netvet.policy.licences import Extension
from netvet.policy.rules import Source

from .conftest import HUAWEI, asset, frame

QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "policy" / "date_questions.csv"
ORGANIZATION = "op"


def _evidence(name: str, entity: str, entity_name: str, lists: tuple[str, ...]) -> VendorEvidence:
    return VendorEvidence(
        name=name,
        status=ScreeningStatus.MATCH,
        entity_id=entity,
        entity_name=entity_name,
        list_id=lists[0],
        matched_name=entity_name,
        score=0.99,
        explanation="exact name",
        lists=lists,
    )


VENDORS = {
    "huawei": HUAWEI.name,
    "zte": "ZTE Corporation",
    "kaspersky": "AO Kaspersky Lab",
    "ericsson": "Ericsson AB",  # on no list
}
EVIDENCE = {
    HUAWEI.name: [HUAWEI],
    "ZTE Corporation": [_evidence("ZTE Corporation", "zte", "ZTE Corporation", ("fcc-covered",))],
    "AO Kaspersky Lab": [_evidence("AO Kaspersky Lab", "kaspersky", "AO Kaspersky Lab", ("fcc-covered",))],
}


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _questions() -> list[dict[str, str]]:
    with QUESTIONS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def _packs() -> tuple[RulePack, ...]:
    return shipped_packs()


def _jurisdiction(rule_id: str) -> str:
    return next(pack.jurisdiction for pack in _packs() for rule in pack.rules if rule.id == rule_id)


def test_the_questions_cover_every_pack_and_cite_a_source() -> None:
    questions = _questions()
    assert len(questions) >= 60
    assert len({q["id"] for q in questions}) == len(questions)
    assert {_jurisdiction(q["rule"]) for q in questions} == {pack.jurisdiction for pack in _packs()}
    assert all(q["source"].strip() for q in questions)
    statuses = {q["status"] for q in questions}
    assert {
        "violation",
        "due",
        "unknown",
        "advisory",
        "licensed",
        "licence_required",
        "report",
        "none",
    } <= statuses


@pytest.mark.parametrize("question", _questions(), ids=lambda q: q["id"])
def test_date_question(question: dict[str, str]) -> None:
    national_security = {"yes": True, "no": False, "": None}[question["national_security"]]
    network = frame(
        asset(
            "item",
            VENDORS[question["vendor"]],
            country=question["country"],
            role=question["role"],
            domain=question["domain"],
            technology=question["technology"] or None,
            purchased_on=_day(question["purchased_on"]),
            installed_on=_day(question["installed_on"]),
            funding=question["funding"] or None,
            national_security=national_security,
            organization_id=ORGANIZATION,
        )
    )
    extensions = []
    if question["operator_deadline"]:
        extensions.append(
            Extension(
                id="own-deadline",
                organization_id=ORGANIZATION,
                rule=question["rule"],
                deadline=date.fromisoformat(question["operator_deadline"]),
                issued=date(2022, 9, 1),
                sources=(Source(citation="operator record"),),
            )
        )
    licences, _ = shipped_licences()
    result = assess(
        network,
        EVIDENCE,
        _packs(),
        date.fromisoformat(question["at"]),
        jurisdictions=[_jurisdiction(question["rule"])],
        licences=licences,
        extensions=extensions,
        roles=role_table(),
        organization_names={ORGANIZATION: (question["organization"] or "Example Telecom",)},
    )
    findings = [f for f in result.findings() if f.rule_id == question["rule"]]
    found = [(f.status.value, f.deadline) for f in findings]
    expected = [] if question["status"] == "none" else [(question["status"], _day(question["deadline"]))]
    assert found == expected, question["source"]
    # An undecided rule always says what the inventory lacks.
    assert all(f.missing for f in findings if f.status.value == "unknown")
