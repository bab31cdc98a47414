"""Running an assessment for the API and dashboard: the policy engine's run, stored whole for serving."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection

from netvet.model.screening import Decision, VendorEvidence
from netvet.storage import Database, access, browse
from netvet.storage import findings as stored
from netvet.storage.policy import run_assessment, screening_evidence
from netvet.storage.screening import record_decision, screen_inventory

ProgressCallback = Callable[[int, int], None]


def evidence_for(db: Database, organization_id: str) -> Mapping[str, Sequence[VendorEvidence]]:
    """Screening's stored results with the analysts' decisions applied."""
    with db.connect() as conn:
        return screening_evidence(conn, organization_id)


def rescreen_inventory(
    db: Database, organization_id: str, actor: str, via: str, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Screen every name of the stored inventory with the newest lists, store it, and audit the run."""
    summary = screen_inventory(db, organization_id, progress)
    outcome = {
        "run_id": summary.run_id,
        "names_screened": summary.names_screened,
        "names_flagged": summary.names_flagged,
        "by_status": summary.by_status,
        "list_versions": summary.list_versions,
        "changes": len(summary.changes),
    }
    with db.begin() as conn:
        access.record_audit(
            conn, organization_id, actor, via, "screening.run", f"run {summary.run_id}", outcome
        )
    return outcome


def assess_and_store(
    db: Database,
    organization_id: str,
    at: date,
    jurisdictions: Sequence[str] | None,
    actor: str,
    via: str,
) -> dict[str, Any]:
    """Screen the inventory again (new names since the last import are screened too), assess it on `at`,
    keep every finding, and record both runs in the audit log."""
    rescreen_inventory(db, organization_id, actor, via)
    recorder = stored.Recorder(actor, via)
    result = run_assessment(
        db, organization_id, jurisdictions, at, evidence=evidence_for(db, organization_id), record=recorder
    )
    return {"result_id": recorder.assessment_id, "summary": result.summary()}


class DecisionRefused(ValueError):
    """The candidate is not the organisation's, or the decision cannot be recorded."""


def decide_candidate(
    conn: Connection,
    organization_id: str,
    candidate_id: int,
    decision: Decision,
    reason: str,
    actor: str,
    via: str,
) -> dict[str, Any] | None:
    """Record an analyst's decision on one candidate of the organisation's latest screening run and
    audit it; None when the candidate is not the organisation's."""
    found = browse.candidate(conn, organization_id, candidate_id)
    if found is None:
        return None
    try:
        record_decision(conn, found["name"], found["entity_id"], decision, reason, actor, organization_id)
    except (ValueError, LookupError) as exc:
        raise DecisionRefused(str(exc)) from exc
    access.record_audit(
        conn,
        organization_id,
        actor,
        via,
        f"screening.{decision.value}",
        f"{found['name']} ~ {found['entity_id']}",
        {"reason": reason, "candidate": candidate_id},
    )
    return browse.candidate(conn, organization_id, candidate_id)
