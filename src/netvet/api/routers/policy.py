"""Rule packs, assessments (run as jobs, stored whole), findings pages served from them, and the timeline."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from netvet.api.paging import Paging, RenderedPages
from netvet.api.policy_runs import assess_and_store, evidence_for
from netvet.api.problems import PROBLEM_RESPONSES, Problem, not_found
from netvet.api.routers.jobs import accepted
from netvet.api.schemas import JobAccepted, UtcDateTime
from netvet.api.security import DB, Analyst, Caller, ReadConnection, Viewer
from netvet.api.worker import JobContext
from netvet.policy import UnknownJurisdictionError, jurisdiction_codes, select_packs
from netvet.policy.rules import RulePack
from netvet.storage import findings as stored
from netvet.storage.policy import rule_packs, run_timeline

router = APIRouter(tags=["policy"], responses=PROBLEM_RESPONSES)
ORG = "/organizations/{organization_id}"
StatusName = Literal["violation", "due", "unknown", "licence_required", "report", "licensed", "advisory"]


@cache
def shipped_packs() -> tuple[RulePack, ...]:
    """Loaded once per process: the shipped files change only with an upgrade."""
    return rule_packs()


# The shipped packs by their codes and national packs by their ISO country codes (gb for uk); an enum,
# so the OpenAPI document lists them.
Jurisdiction = StrEnum(  # type: ignore[misc]
    "Jurisdiction", {code: code for code in jurisdiction_codes(shipped_packs())}
)


def pack_code(code: str) -> str:
    """The pack a jurisdiction code names (gb -> uk), as stored findings carry it; a code that names no
    shipped pack (a what-if pack's) is kept as given."""
    try:
        return select_packs(shipped_packs(), [code])[0].jurisdiction
    except UnknownJurisdictionError:
        return code


class RuleOut(BaseModel):
    id: str
    title: str
    legal_status: str
    confidence: str
    adopted: date
    effective: date | None = None
    deadline: date | None = None
    effect: str
    sources: list[str]
    wording: str | None = None
    note: str | None = None


class RulePackOut(BaseModel):
    jurisdiction: str
    name: str
    countries: list[str]
    version: str
    description: str | None = None
    rules: int


class RulePackDetail(RulePackOut):
    rule_list: list[RuleOut]


class AssessmentRequest(BaseModel):
    at: date | None = Field(default=None, description="Assess as on this date; default today.")
    jurisdictions: list[Jurisdiction] | None = Field(
        default=None, max_length=50, description="Pack codes (uk, eu, us, ...); default every pack."
    )


class AssessmentOut(BaseModel):
    id: int
    at: date
    jurisdictions: list[str]
    created_at: UtcDateTime
    created_by: str
    summary: dict[str, Any]
    what_if: bool = Field(
        description="Run with extra rule packs or proposals: never the network's status, always labelled."
    )
    scenario: str | None = Field(default=None, description="What makes it a what-if.")
    label: str = Field(description="How the dashboard and the report name it.")


class FindingOut(BaseModel):
    rule_id: str
    jurisdiction: str
    status: str
    asset_id: str | None = None
    site_id: str | None = None
    country: str | None = None
    deadline: date | None = None
    vendor: str | None = Field(default=None, description="As written in the inventory.")
    vendor_canonical: str | None = Field(
        default=None, description="The one name the vendor is shown under everywhere (docs/screening.md)."
    )
    vendor_entity_id: str | None = Field(
        default=None, description="The restricted-list entity screening matched the vendor to."
    )
    domain: str | None = None
    source: str
    explanation: str
    measured_share: float | None = None
    cap: float | None = None
    cap_metric: str | None = None
    excess: int | None = None
    effect: str | None = None
    legal_status: str | None = None
    confidence: str | None = None
    missing: str | None = Field(
        default=None, description="What the inventory lacks to decide the rule (status unknown)."
    )


class FindingsPage(BaseModel):
    assessment: AssessmentOut
    items: list[FindingOut]
    total: int
    page: int
    page_size: int


class TimelineEventOut(BaseModel):
    day: date
    jurisdiction: str
    rule_id: str
    event: str
    description: str
    legal_status: str
    confidence: str
    assets: int
    sites: int


def _pack_out(pack: Any) -> dict[str, Any]:
    return {
        "jurisdiction": pack.jurisdiction,
        "name": pack.name,
        "countries": list(pack.countries),
        "version": pack.version,
        "description": pack.description,
        "rules": len(pack.rules),
    }


@router.get("/rule-packs", response_model=list[RulePackOut])
def list_rule_packs(who: Caller) -> list[RulePackOut]:
    return [RulePackOut(**_pack_out(pack)) for pack in shipped_packs()]


@router.get("/rule-packs/{jurisdiction}", response_model=RulePackDetail)
def get_rule_pack(jurisdiction: str, who: Caller) -> RulePackDetail:
    pack = next((p for p in shipped_packs() if p.jurisdiction == jurisdiction), None)
    if pack is None:
        raise not_found(f"rule pack {jurisdiction!r}")
    rules = [
        RuleOut(
            id=rule.id,
            title=rule.title,
            legal_status=str(rule.legal_status),
            confidence=str(rule.confidence),
            adopted=rule.adopted,
            effective=rule.effective,
            deadline=rule.deadline,
            effect=str(rule.effect.type),
            sources=[source.render() for source in rule.sources],
            wording=rule.wording,
            note=rule.note,
        )
        for rule in pack.rules
    ]
    return RulePackDetail(**_pack_out(pack), rule_list=rules)


@router.post(
    ORG + "/assessments", status_code=202, response_model=JobAccepted, responses={202: {"model": JobAccepted}}
)
def start_assessment(
    organization_id: str, body: AssessmentRequest, request: Request, who: Analyst, db: DB
) -> Any:
    """Assess the inventory on a date as a job; its findings are then served by GET /findings."""
    at = body.at or date.today()
    codes = [str(code) for code in body.jurisdictions] if body.jurisdictions else None

    def work(context: JobContext) -> dict[str, Any]:
        return assess_and_store(db, organization_id, at, codes, who.user.username, who.via)

    job_id = request.app.state.jobs.submit(organization_id, "assessment", who.user.username, work)
    return accepted(request, db, organization_id, job_id)


def assessment_out(result: stored.StoredResult) -> AssessmentOut:
    fields = {k: v for k, v in result.__dict__.items() if k != "organization_id"}
    return AssessmentOut(**fields, label=result.label)


AssessmentChoice = Annotated[
    int | None,
    Query(
        alias="assessment",
        ge=1,
        description="A stored assessment by id (a what-if too); default the latest for the date.",
    ),
]


def chosen_result(
    conn: Any, organization_id: str, assessment: int | None, at: date | None, jurisdiction: str | None
) -> stored.StoredResult:
    """The assessment asked for by id, else the latest (never a what-if) for the date and jurisdiction."""
    if assessment is not None:
        result = stored.get_result(conn, organization_id, assessment)
        if result is None:
            raise not_found(f"assessment {assessment}")
        return result
    result = stored.latest_result(conn, organization_id, at, jurisdiction)
    if result is None:
        when = f"on {at}" if at else "yet"
        scope = f" covering {jurisdiction!r}" if jurisdiction else ""
        raise Problem(
            404,
            f"no assessment stored {when}{scope}; start one with POST {ORG}/assessments".replace(
                "{organization_id}", organization_id
            ),
            kind="no-assessment",
        )
    return result


@router.get(ORG + "/assessments", response_model=list[AssessmentOut])
def list_assessments(organization_id: str, who: Viewer, conn: ReadConnection) -> list[AssessmentOut]:
    return [assessment_out(result) for result in stored.list_results(conn, organization_id)]


@router.get(ORG + "/findings", response_model=FindingsPage)
def list_findings(
    organization_id: str,
    request: Request,
    who: Viewer,
    conn: ReadConnection,
    paging: Paging,
    jurisdiction: Annotated[
        str | None, Query(max_length=16, description="Pack code: uk, eu, us, ...")
    ] = None,
    at: Annotated[
        date | None, Query(alias="date", description="Assessment date; default the latest assessment.")
    ] = None,
    status: StatusName | None = None,
    rule_id: Annotated[str | None, Query(max_length=128)] = None,
    vendor: Annotated[
        str | None,
        Query(max_length=200, description="A canonical vendor (every spelling) or a name as written."),
    ] = None,
    domain: Annotated[str | None, Query(max_length=16)] = None,
    site_id: Annotated[str | None, Query(max_length=128)] = None,
    asset_id: Annotated[str | None, Query(max_length=128)] = None,
    assessment: AssessmentChoice = None,
) -> Response:
    """One page of the stored findings of an assessment: the one named, else the latest for the date
    (run one with POST /assessments; what-ifs only by id)."""
    code = pack_code(str(jurisdiction)) if jurisdiction else None
    result = chosen_result(conn, organization_id, assessment, at, code)
    wanted = stored.FindingFilter(code, status, rule_id, vendor, domain, site_id, asset_id)
    # A stored result never changes (a re-run stores a new one), so a page can be kept once rendered.
    pages: RenderedPages = request.app.state.findings_pages
    key = (result.id, result.created_at, wanted, paging.offset, paging.page_size)
    body = pages.get(key)
    if body is None:
        total, rows = stored.findings_page(conn, result.id, wanted, paging.offset, paging.page_size)
        page = FindingsPage(
            assessment=assessment_out(result),
            items=[FindingOut(**row) for row in rows],
            total=total,
            page=paging.page,
            page_size=paging.page_size,
        )
        body = page.model_dump_json().encode()
        pages.put(key, body)
    return Response(body, media_type="application/json")


@router.get(ORG + "/timeline", response_model=list[TimelineEventOut])
def get_timeline(
    organization_id: str,
    who: Viewer,
    db: DB,
    jurisdiction: Annotated[
        list[Jurisdiction] | None, Query(description="Pack codes (repeat the parameter); default every pack.")
    ] = None,
    today: Annotated[date | None, Query(description="Reference date for report dues; default today.")] = None,
) -> list[TimelineEventOut]:
    codes = [str(code) for code in jurisdiction] if jurisdiction else None
    events = run_timeline(db, organization_id, codes, evidence=evidence_for(db, organization_id), today=today)
    return [TimelineEventOut(**event.__dict__) for event in events]
