"""Screen a name or a batch of names against the restricted-party lists (the same screener as the CLI)."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, WithJsonSchema, field_validator
from rigour.territories import get_territories

from netvet.api.paging import RowId
from netvet.api.policy_runs import DecisionRefused, decide_candidate, rescreen_inventory
from netvet.api.problems import PROBLEM_RESPONSES, Problem, not_found
from netvet.api.routers.jobs import accepted
from netvet.api.schemas import JobAccepted
from netvet.api.security import DB, Analyst, Caller, ReadConnection, Viewer
from netvet.api.worker import JobContext
from netvet.model.screening import Decision
from netvet.screening import NameScreening
from netvet.screening.api import shipped_screener
from netvet.screening.config import is_country_code
from netvet.storage import browse

router = APIRouter(prefix="/screening", tags=["screening"], responses=PROBLEM_RESPONSES)
MAX_BATCH = 1000
MAX_BATCH_CHARACTERS = 100_000


# The ISO codes screening accepts, declared in the OpenAPI document so clients know them in advance.
COUNTRY_CODES = sorted(c for c in (t.code.upper() for t in get_territories()) if is_country_code(c))
CountryCode = Annotated[str, WithJsonSchema({"type": "string", "enum": COUNTRY_CODES})]


class NameQuery(BaseModel):
    name: str = Field(min_length=1, max_length=500)
    country: CountryCode | None = None

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        if value is not None and not is_country_code(value.upper()):
            raise ValueError(f"{value!r} is not an ISO 3166 two-letter country code")
        return value.upper() if value else None


class BatchQuery(BaseModel):
    names: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"Up to {MAX_BATCH:,} names of {MAX_BATCH_CHARACTERS:,} characters in all.",
    )

    @field_validator("names")
    @classmethod
    def within_a_requests_cost(cls, names: list[str]) -> list[str]:
        # A long name in Chinese script takes some milliseconds to screen: the characters of a batch,
        # not its length alone, bound what one request costs (about 1.5 s at most).
        if sum(len(name) for name in names) > MAX_BATCH_CHARACTERS:
            raise ValueError(f"the names hold more than {MAX_BATCH_CHARACTERS:,} characters in all")
        return names


@router.post("/name", response_model=NameScreening)
def screen_one(body: NameQuery, who: Caller) -> NameScreening:
    return shipped_screener().screen(body.name, country=body.country)


@router.post(
    "/batch",
    response_model=list[NameScreening],
    responses={503: {**PROBLEM_RESPONSES[422], "description": "The batch took too long: retry later"}},
)
def screen_batch(body: BatchQuery, request: Request, who: Caller) -> list[NameScreening]:
    screener = shipped_screener()
    seconds: float = request.app.state.config.screening_batch_seconds
    deadline = time.monotonic() + seconds
    names = list(dict.fromkeys(body.names))
    screened: list[NameScreening] = []
    for name in names:
        if time.monotonic() > deadline:
            raise Problem(
                503,
                f"screening stopped after {len(screened):,} of {len(names):,} names: a request may compute "
                f"for {seconds:g} s; retry later or send fewer names",
                kind="request-too-long",
                headers={"Retry-After": "10"},
            )
        screened.append(screener.screen(name))
    return screened


class CandidateOut(BaseModel):
    id: int
    name: str
    list_id: str
    entity_id: str
    entity_name: str
    matched_name: str
    score: float
    affiliate_path: list[str]
    lists: list[str]
    explanation: dict[str, Any]
    assets: int
    decision: Decision | None = None
    reason: str | None = None
    decided_by: str | None = None


class DecisionIn(BaseModel):
    decision: Decision
    reason: str = Field(min_length=1, max_length=2000, description="Why: recorded with the decision.")


org_router = APIRouter(
    prefix="/organizations/{organization_id}/screening", tags=["screening"], responses=PROBLEM_RESPONSES
)


@org_router.post(
    "/runs", status_code=202, response_model=JobAccepted, responses={202: {"model": JobAccepted}}
)
def rescreen(organization_id: str, request: Request, who: Analyst, db: DB) -> Any:
    """Screen the whole stored inventory again with the newest lists (a job)."""

    def work(context: JobContext) -> dict[str, Any]:
        return rescreen_inventory(db, organization_id, who.user.username, who.via, context.progress)

    job_id = request.app.state.jobs.submit(organization_id, "screening", who.user.username, work)
    return accepted(request, db, organization_id, job_id)


@org_router.get("/candidates", response_model=list[CandidateOut])
def list_candidates(
    organization_id: str,
    who: Viewer,
    conn: ReadConnection,
    state: Literal["open", "decided", "all"] = "open",
) -> list[CandidateOut]:
    """The review queue of the latest screening run: names that resemble a list entry but not enough."""
    queue = browse.review_queue(conn, organization_id)
    if state != "all":
        queue = [c for c in queue if (c["decision"] is None) == (state == "open")]
    return [CandidateOut(**c) for c in queue]


@org_router.post("/candidates/{candidate_id}/decision", response_model=CandidateOut)
def decide(organization_id: str, candidate_id: RowId, body: DecisionIn, who: Analyst, db: DB) -> CandidateOut:
    """Confirm or dismiss a candidate; the next assessment applies it (re-run one to update findings)."""
    with db.begin() as conn:
        try:
            decided = decide_candidate(
                conn, organization_id, candidate_id, body.decision, body.reason, who.user.username, who.via
            )
        except DecisionRefused as exc:
            raise Problem(409, str(exc), kind="conflict") from None
    if decided is None:
        raise not_found(f"candidate {candidate_id}")
    assert decided is not None
    return CandidateOut(**decided)
