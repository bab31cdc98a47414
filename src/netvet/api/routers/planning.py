"""Replacement plans from the stored findings (a job each), and the plans made so far."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, JsonValue, field_validator

from netvet.api.problems import PROBLEM_RESPONSES, Problem, not_found
from netvet.api.routers.jobs import accepted, job_out
from netvet.api.schemas import JobAccepted, JobOut
from netvet.api.security import DB, Analyst, ReadConnection, Viewer
from netvet.api.worker import JobContext
from netvet.data import cost_catalogue, role_table
from netvet.model.findings import Finding
from netvet.planning import (
    CapMethod,
    CrewTable,
    Plan,
    PlanMethod,
    PlanningParameters,
    build_instance,
    default_horizon,
    solve,
)
from netvet.storage import Database, access
from netvet.storage import findings as stored
from netvet.storage.planning import planning_inputs

router = APIRouter(prefix="/organizations/{organization_id}", tags=["planning"], responses=PROBLEM_RESPONSES)
PLAN_JOB = "plan"


class PlanRequest(BaseModel):
    start: date | None = Field(
        default=None, description="First week (moved back to its Monday); default today."
    )
    horizon_weeks: Annotated[int, Field(ge=1, le=520)] | None = None
    crews: Annotated[int, Field(ge=1, le=1000)] = 2
    specialist_teams: dict[str, Annotated[int, Field(ge=0, le=1000)]] = Field(
        default_factory=dict,
        description="Teams of each specialised crew type (core_integration, vendor_services); default the catalogue's.",
        json_schema_extra={"propertyNames": {"enum": list[JsonValue](sorted(cost_catalogue().specialists))}},
    )
    budget_per_quarter: Annotated[float, Field(ge=0)] | None = None
    greedy: bool = Field(default=False, description="Earliest deadline first only, no optimiser.")
    binding_only: bool = Field(default=False, description="Leave out assets only guidance reaches.")
    time_limit: Annotated[float, Field(ge=1, le=600)] = 30.0

    @field_validator("specialist_teams")
    @classmethod
    def _known_crew_types(cls, teams: dict[str, int]) -> dict[str, int]:
        known = cost_catalogue().specialists
        unknown = sorted(set(teams) - set(known))
        if unknown:
            raise ValueError(
                f"unknown crew type(s) {', '.join(unknown)}; the catalogue has {', '.join(sorted(known))}"
            )
        return teams


def make_plan(db: Database, organization_id: str, body: PlanRequest, actor: str, via: str) -> dict[str, Any]:
    """Plan the replacement of every asset the latest stored assessment's binding (and advisory) findings reach."""
    with db.connect() as conn:
        result = stored.latest_result(conn, organization_id)
        if result is None:
            raise Problem(404, "no stored assessment to plan from; run one first", kind="no-assessment")
        frame = stored.result_frame(conn, result)
    findings = [Finding.model_validate(row) for row in frame.iter_rows(named=True)]
    day = body.start or date.today()
    parameters = PlanningParameters(
        start=day - timedelta(days=day.weekday()),
        horizon_weeks=body.horizon_weeks or default_horizon(findings, day),
        crews=CrewTable(body.crews, specialists=body.specialist_teams),
        budget_per_quarter=body.budget_per_quarter,
        jurisdictions=tuple(result.jurisdictions),
        advisory_work=not body.binding_only,
    )
    inputs = planning_inputs(db, organization_id, findings, parameters.start)
    instance = build_instance(
        findings,
        inputs.assets,
        inputs.sites,
        cost_catalogue(),
        parameters,
        role_table(),
        inputs.cap_members,
        CapMethod.GREEDY if body.greedy else CapMethod.OPTIMAL,
    )
    plan = solve(instance, PlanMethod.GREEDY if body.greedy else PlanMethod.OPTIMISE, body.time_limit)
    with db.begin() as conn:
        access.record_audit(
            conn,
            organization_id,
            actor,
            via,
            "plan.create",
            f"assessment {result.id}",
            {"total_cost": plan.total_cost, "tasks": len(plan.tasks), "unmet": len(plan.unmet)},
        )
    return plan.to_json_dict()


@router.post("/plans", status_code=202, response_model=JobAccepted, responses={202: {"model": JobAccepted}})
def start_plan(organization_id: str, body: PlanRequest, request: Request, who: Analyst, db: DB) -> Any:
    """Plan from the latest stored assessment (a job; its result is the plan)."""

    def work(context: JobContext) -> dict[str, Any]:
        return make_plan(db, organization_id, body, who.user.username, who.via)

    job_id = request.app.state.jobs.submit(organization_id, PLAN_JOB, who.user.username, work)
    return accepted(request, db, organization_id, job_id)


@router.get("/plans", response_model=list[JobOut])
def list_plans(organization_id: str, who: Viewer, conn: ReadConnection) -> list[JobOut]:
    """Plan jobs, newest first, without the plans themselves (GET /plans/{id} gives one)."""
    rows = [r for r in access.list_jobs(conn, organization_id, limit=200) if r["kind"] == PLAN_JOB]
    return [job_out({**row, "result": None}) for row in rows]


@router.get("/plans/{plan_id}", response_model=Plan)
def get_plan(organization_id: str, plan_id: str, who: Viewer, conn: ReadConnection) -> Plan:
    return stored_plan(conn, organization_id, plan_id)


def stored_plan(conn: Any, organization_id: str, plan_id: str) -> Plan:
    """A plan the organisation made (its job id); 404 for none of its plans, 409 while it runs."""
    row = access.get_job(conn, plan_id, organization_id)
    if row is None or row["kind"] != PLAN_JOB:
        raise not_found(f"plan {plan_id!r}")
    if row["status"] != access.JobStatus.SUCCEEDED.value or row["result"] is None:
        raise Problem(409, f"plan {plan_id!r} is {row['status']}; see its job", kind="plan-not-ready")
    return Plan.model_validate(row["result"])
