"""Dashboard pages: each reads through storage and the core (the same calls as the API) and renders HTML."""

from __future__ import annotations

import secrets
import shutil
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from netvet.api.policy_runs import DecisionRefused, assess_and_store, decide_candidate
from netvet.api.routers.imports import run_upload_import, save_upload
from netvet.api.routers.planning import PLAN_JOB, PlanRequest, make_plan
from netvet.api.security import DB, SESSION_COOKIE, Principal
from netvet.ingest import InventoryFileError
from netvet.model.screening import Decision
from netvet.planning import Plan
from netvet.report.charts import CapGauge, cap_gauge_chart, vendor_share_chart
from netvet.report.context import SitePoint, VendorCount
from netvet.report.geo import site_map
from netvet.report.svg import STATUS_COLOURS
from netvet.storage import access, browse
from netvet.storage import findings as stored
from netvet.storage import inventory as store
from netvet.web.auth import LOGIN_CSRF_COOKIE, Web, WebForm, WebUser

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["status_colours"] = STATUS_COLOURS
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def render(
    request: Request, name: str, who: WebUser | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {"who": who, "message": request.query_params.get("message"), **context},
        status_code=status_code,
    )


def back(path: str, message: str) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse(f"{path}?{urlencode({'message': message})}", status_code=303)


# --- login -----------------------------------------------------------------------------------------


def local_path(target: str) -> str:
    """Where to go after login: a path on this site only ("//host" and "/\\host" lead elsewhere)."""
    if target.startswith("/") and target[1:2] not in ("/", "\\"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    # Login CSRF: a random value in a cookie that the form must echo (double submit).
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, next=local_path(next), csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: DB,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        return render(
            request, "login.html", None, 403, next=next, csrf=expected, error="The form expired; try again."
        )
    with db.begin() as conn:
        user = access.check_password(conn, username, password)
        if user is None:
            return render(
                request,
                "login.html",
                None,
                401,
                next=next,
                csrf=expected,
                error="Wrong user name or password.",
            )
        config = request.app.state.config
        cookie, _ = access.create_session(conn, user.id, config.session_lifetime)
        access.record_audit(conn, user.organization_id, user.username, "session", "session.login")
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=config.secure_cookies,
        max_age=int(config.session_lifetime.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, who: WebForm, db: DB) -> RedirectResponse:
    with db.begin() as conn:
        access.end_session(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- overview and map ------------------------------------------------------------------------------


def _gauges(conn: Any, result: stored.StoredResult | None) -> list[CapGauge]:
    if result is None:
        return []
    _, rows = stored.findings_page(conn, result.id, stored.FindingFilter(), 0, 100_000)
    seen: set[str] = set()
    gauges = []
    for row in rows:
        if row["cap"] is None or row["measured_share"] is None or row["rule_id"] in seen:
            continue
        seen.add(row["rule_id"])
        gauges.append(
            CapGauge(
                label=row["rule_id"],
                measured_share=row["measured_share"],
                cap=row["cap"],
                status=row["status"],
                excess=row["excess"],
                metric=row["cap_metric"],
                deadline=row["deadline"],
            )
        )
    return gauges


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, who: Web, db: DB) -> HTMLResponse:
    org = who.organization_id
    if who.user.is_regulator:
        with db.connect() as conn:
            received = access.list_submissions(conn, org, regulator=True)
        return render(request, "regulator.html", who, submissions=received)
    with db.connect() as conn:
        organization = store.get_organization(conn, org)
        counts = {"assets": store.count_assets(conn, org), "sites": store.count_sites(conn, org)}
        by_vendor = store.assets_by_vendor_and_domain(conn, org)
        result = stored.latest_result(conn, org)
        gauges = _gauges(conn, result) if result else []
        jobs = access.list_jobs(conn, org, limit=5)
        regulators = access.regulators(conn)
        sent = access.list_submissions(conn, org, regulator=False)[:5]
        open_candidates = sum(1 for c in browse.review_queue(conn, org) if c["decision"] is None)
    counts["vendors"] = len({vendor for vendor, _, _ in by_vendor})
    share = vendor_share_chart([VendorCount(v, d, n) for v, d, n in by_vendor]) if by_vendor else None
    return render(
        request,
        "overview.html",
        who,
        organization=organization,
        counts=counts,
        result=result,
        share_chart=share,
        cap_chart=cap_gauge_chart(gauges) if gauges else None,
        jobs=jobs,
        open_candidates=open_candidates,
        today=date.today().isoformat(),
        regulators=regulators,
        sent=sent,
    )


@router.post("/assess")
def start_assessment(
    request: Request, who: WebForm, db: DB, at: Annotated[str, Form()] = ""
) -> RedirectResponse:
    if not who.can(access.Role.ANALYST) or who.user.is_regulator:
        return back("/", "Only an analyst may run an assessment.")
    day = date.fromisoformat(at) if at else date.today()
    org, actor = who.organization_id, who.user.username

    def work(_context: Any) -> dict[str, Any]:
        return assess_and_store(db, org, day, None, actor, "session")

    job_id = request.app.state.jobs.submit(org, "assessment", actor, work)
    return back("/", f"Assessment for {day} started (job {job_id[:8]}).")


@router.get("/sites", response_class=HTMLResponse)
def sites_page(request: Request, who: Web, db: DB, status: str | None = None, page: int = 1) -> HTMLResponse:
    org = who.organization_id
    with db.connect() as conn:
        result = stored.latest_result(conn, org)
        site_status = stored.status_by(conn, result.id, "site_id") if result else {}
        _, rows = browse.site_page(conn, org, 0, 1_000_000)
    points = [
        SitePoint(
            id=row["id"],
            name=row["name"],
            country=row["country"],
            region=row["region"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            status=site_status.get(row["id"], stored.CLEAR),
            findings=0,
        )
        for row in rows
    ]
    tally: dict[str, int] = {}
    for point in points:
        tally[point.status] = tally.get(point.status, 0) + 1
    listed = [p for p in points if status is None or p.status == status]
    start = (max(page, 1) - 1) * PAGE_SIZE
    return render(
        request,
        "sites.html",
        who,
        panels=site_map(points),
        tally=tally,
        sites=listed[start : start + PAGE_SIZE],
        total=len(listed),
        page=max(page, 1),
        pages=max(1, -(-len(listed) // PAGE_SIZE)),
        status=status,
        result=result,
    )


# --- findings -------------------------------------------------------------------------------------


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    who: Web,
    db: DB,
    jurisdiction: str | None = None,
    status: str | None = None,
    vendor: str | None = None,
    rule_id: str | None = None,
    on: Annotated[str | None, Query(alias="date")] = None,
    page: int = 1,
) -> HTMLResponse:
    org = who.organization_id
    filters = {
        k: v or None
        for k, v in {
            "jurisdiction": jurisdiction,
            "status": status,
            "vendor": vendor,
            "rule_id": rule_id,
        }.items()
    }
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        day = None
    page = max(page, 1)
    with db.connect() as conn:
        result = stored.latest_result(conn, org, day)
        facets: dict[str, list[str]] = {}
        total, rows = 0, list[dict[str, Any]]()
        if result is not None:
            wanted = stored.FindingFilter(**filters)
            total, rows = stored.findings_page(conn, result.id, wanted, (page - 1) * PAGE_SIZE, PAGE_SIZE)
            facets = {
                c: stored.facet_values(conn, result.id, c)
                for c in ("jurisdiction", "status", "vendor", "rule_id")
            }
        dates = sorted({r.at.isoformat() for r in stored.list_results(conn, org)}, reverse=True)
    return render(
        request,
        "findings.html",
        who,
        result=result,
        findings=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters,
        facets=facets,
        dates=dates,
        chosen_date=on or "",
    )


# --- screening review -------------------------------------------------------------------------------


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request, who: Web, db: DB, state: str = "open") -> HTMLResponse:
    with db.connect() as conn:
        queue = browse.review_queue(conn, who.organization_id)
    if state != "all":
        queue = [c for c in queue if (c["decision"] is None) == (state == "open")]
    return render(request, "screening.html", who, candidates=queue, state=state)


@router.post("/screening/{candidate_id}/decision")
def decide(
    candidate_id: int,
    who: WebForm,
    db: DB,
    decision: Annotated[Decision, Form()],
    reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    if not who.can(access.Role.ANALYST) or who.user.is_regulator:
        return back("/screening", "Only an analyst may decide candidates.")
    try:
        with db.begin() as conn:
            decided = decide_candidate(
                conn, who.organization_id, candidate_id, decision, reason, who.user.username, "session"
            )
    except DecisionRefused as exc:
        return back("/screening", f"Not recorded: {exc}.")
    if decided is None:
        return back("/screening", "That candidate is not in your latest screening run.")
    return back("/screening", f"{decided['name']} {decision.value} against {decided['entity_name']}.")


# --- imports ----------------------------------------------------------------------------------------


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, who: Web, db: DB) -> HTMLResponse:
    with db.connect() as conn:
        done = list(reversed(store.list_imports(conn, who.organization_id)))[:20]
    return render(request, "imports.html", who, imports=done, problem=None)


@router.post("/imports", response_class=HTMLResponse)
async def upload(
    request: Request,
    who: WebForm,
    db: DB,
    file: Annotated[UploadFile, File()],
    replace: Annotated[bool, Form()] = False,
) -> Response:
    if not who.can(access.Role.ANALYST) or who.user.is_regulator:
        return back("/imports", "Only an analyst may import.")
    path, size = await save_upload(file)
    principal = Principal(who.user, "session")
    problem: dict[str, Any] | None = None
    try:
        if size == 0:
            raise InventoryFileError(path.name, "the file is empty")
        if size > request.app.state.config.import_job_bytes:
            folder = path.parent

            def work(context: Any) -> dict[str, Any]:
                try:
                    return run_upload_import(db, principal, path, None, replace, context.progress).model_dump(
                        mode="json"
                    )
                finally:
                    shutil.rmtree(folder, ignore_errors=True)

            job = request.app.state.jobs.submit(who.organization_id, "import", who.user.username, work)
            return back("/imports", f"{path.name} is large: importing it as job {job[:8]}; see the overview.")
        result = run_upload_import(db, principal, path, None, replace)
        shutil.rmtree(path.parent, ignore_errors=True)
        return back(
            "/imports",
            f"Imported {result.file_name}: {result.rows_added} added, {result.rows_updated} updated, {result.rows_unchanged} unchanged.",
        )
    except InventoryFileError as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        problem = {
            "file_name": exc.file_name,
            "message": exc.message,
            "errors": [e.as_dict() for e in exc.errors],
        }
    with db.connect() as conn:
        done = list(reversed(store.list_imports(conn, who.organization_id)))[:20]
    return render(request, "imports.html", who, 422, imports=done, problem=problem)


# --- timeline ----------------------------------------------------------------------------------------


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, who: Web, db: DB, jurisdiction: str | None = None) -> HTMLResponse:
    from netvet.api.policy_runs import evidence_for
    from netvet.policy import UnknownJurisdictionError
    from netvet.storage.policy import rule_packs, run_timeline

    codes = [jurisdiction] if jurisdiction else None
    error = None
    try:
        events = run_timeline(db, who.organization_id, codes, evidence=evidence_for(db, who.organization_id))
    except UnknownJurisdictionError as exc:
        events, error = [], str(exc)
    packs = sorted(pack.jurisdiction for pack in rule_packs())
    today = date.today()
    return render(
        request,
        "timeline.html",
        who,
        events=events,
        packs=packs,
        jurisdiction=jurisdiction or "",
        error=error,
        today=today,
    )


# --- plans and advisories ----------------------------------------------------------------------------


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
