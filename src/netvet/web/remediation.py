"""Dashboard pages for what follows the findings: plans, advisories, and reports sent to a regulator."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from netvet.api.routers.planning import PLAN_JOB, PlanRequest, make_plan
from netvet.api.security import DB
from netvet.planning import Plan
from netvet.storage import access
from netvet.storage import findings as stored
from netvet.web.auth import Web, WebForm
from netvet.web.rendering import back, render

router = APIRouter(include_in_schema=False)


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request, who: Web, db: DB) -> HTMLResponse:
    with db.connect() as conn:
        jobs = [j for j in access.list_jobs(conn, who.organization_id, limit=200) if j["kind"] == PLAN_JOB]
        has_assessment = stored.latest_result(conn, who.organization_id) is not None
    latest = next((j for j in jobs if j["status"] == access.JobStatus.SUCCEEDED.value and j["result"]), None)
    plan = Plan.model_validate(latest["result"]) if latest else None
    return render(
        request,
        "plans.html",
        who,
        jobs=jobs,
        plan=plan,
        plan_job=latest,
        has_assessment=has_assessment,
        today=date.today().isoformat(),
    )


@router.post("/plans")
def start_plan(
    request: Request,
    who: WebForm,
    db: DB,
    start: Annotated[str, Form()] = "",
    crews: Annotated[int, Form()] = 2,
    greedy: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    if not who.can(access.Role.ANALYST):
        return back("/plans", "Only an analyst may plan.")
    try:
        body = PlanRequest(
            start=date.fromisoformat(start) if start else None, crews=crews, greedy=greedy, time_limit=30
        )
    except ValueError as exc:
        return back("/plans", f"Not started: {exc}")
    org, actor = who.organization_id, who.user.username

    def work(_context: Any) -> dict[str, Any]:
        return make_plan(db, org, body, actor, "session")

    job_id = request.app.state.jobs.submit(org, PLAN_JOB, actor, work)
    return back("/plans", f"Planning started (job {job_id[:8]}); reload this page to see it.")


@router.get("/advisories", response_class=HTMLResponse)
def advisories_page(request: Request, who: Web, db: DB) -> HTMLResponse:
    from netvet.api.routers.advisories import ranked_priorities
    from netvet.storage import advisories as advisory_store

    with db.connect() as conn:
        ranked = ranked_priorities(conn, who.organization_id, 50)
        matches = advisory_store.list_matches(conn, who.organization_id)
    by_status: dict[str, int] = {}
    for match in matches:
        by_status[match["status"]] = by_status.get(match["status"], 0) + 1
    return render(request, "advisories.html", who, ranked=ranked, by_status=by_status)


# --- submitting the report to a regulator -------------------------------------------------------------


@router.get("/plans/report")
def plan_report(
    who: Web,
    db: DB,
    plan: str,
    paper: str = "a4",
    format: str = "pdf",
    currency: str = "",
    exchange_rate: str = "",
    rate_date: str = "",
) -> RedirectResponse:
    """The report of the latest assessment with this plan drawn in it, its costs in the currency asked
    for: the form's blank fields are left out and a bad rate is said on the plans page."""
    from urllib.parse import urlencode

    from netvet.api.problems import Problem
    from netvet.api.routers.planning import stored_plan
    from netvet.report.writer import ReportLayout

    fields = {"currency": currency, "exchange_rate": exchange_rate, "rate_date": rate_date}
    given = {name: value.strip() for name, value in fields.items() if value.strip()}
    try:
        with db.connect() as conn:
            drawn = stored_plan(conn, who.organization_id, plan)
        rate = float(given["exchange_rate"]) if "exchange_rate" in given else None
        day = date.fromisoformat(given["rate_date"]) if "rate_date" in given else None
        ReportLayout.parse(paper, given.get("currency"), rate, day, drawn.currency)
    except Problem as exc:
        return back("/plans", f"No report: {exc.detail}")
    except ValueError as exc:
        return back("/plans", f"No report: {exc}")
    query = urlencode({"plan": plan, "paper": paper, "format": format, **given})
    return RedirectResponse(f"/api/v1/organizations/{who.organization_id}/report?{query}", status_code=303)


@router.post("/submissions")
def submit_report(
    who: WebForm,
    db: DB,
    regulator_id: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Send the report of the latest stored assessment to a regulator, which then sees it (and only it)."""
    from netvet.api.problems import Problem
    from netvet.api.routers.reports import report_html

    if not who.can(access.Role.ANALYST):
        return back("/", "Only an analyst may submit reports.")
    with db.connect() as conn:
        if regulator_id not in dict(access.regulators(conn)):
            return back("/", "No such regulator.")
    try:
        html, stem = report_html(db, who.organization_id, None, None)
    except Problem as exc:
        return back("/", f"Not submitted: {exc.detail}")
    with db.begin() as conn:
        submission_id = access.create_submission(
            conn,
            organization_id=who.organization_id,
            regulator_id=regulator_id,
            title=title.strip() or stem,
            file_name=f"{stem}.html",
            media_type="text/html; charset=utf-8",
            content=html.encode(),
            submitted_by=who.user.username,
        )
        access.record_audit(
            conn,
            who.organization_id,
            who.user.username,
            "session",
            "submission.create",
            f"submission {submission_id}",
            {"regulator": regulator_id},
        )
    return back("/", f"Report submitted to {regulator_id} (submission {submission_id}).")
