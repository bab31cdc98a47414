"""Dashboard pages: each reads through storage and the core (the same calls as the API) and renders HTML."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from netvet.api.paging import PageNumber, RowId
from netvet.api.policy_runs import DecisionRefused, assess_and_store, decide_candidate
from netvet.api.problems import Problem
from netvet.api.routers.imports import run_upload_import, submit_upload_import, too_big_for_a_request
from netvet.api.routers.policy import shipped_packs
from netvet.api.security import DB, Principal
from netvet.api.uploads import UploadTooLarge, spool_upload
from netvet.ingest import InventoryFileError
from netvet.model.screening import Decision
from netvet.policy import UnknownJurisdictionError, select_packs
from netvet.report.charts import cap_gauge_chart, vendor_share_chart
from netvet.report.context import SitePoint, VendorCount
from netvet.report.geo import site_map
from netvet.report.summary import cap_gauges
from netvet.screening.vendors import asset_vendor
from netvet.storage import access, browse
from netvet.storage import findings as stored
from netvet.storage import inventory as store
from netvet.storage.vendors import organization_vendors
from netvet.web.auth import Web, WebForm
from netvet.web.help import COLUMN_MAPPINGS, INVENTORY_FORMAT, ROLE_TABLE
from netvet.web.rendering import PAGE_SIZE, back, render

router = APIRouter(include_in_schema=False)
HELP_LINKS = {"format": INVENTORY_FORMAT, "roles": ROLE_TABLE, "mappings": COLUMN_MAPPINGS}


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
        # Named as the report names them: screening's decisions by the assessment's day.
        vendors = organization_vendors(conn, org, result.at if result else None)
        # The report's own reading of cap findings, so dashboard and report show the same gauges.
        gauges = cap_gauges(stored.result_frame(conn, result)) if result else []
        what_ifs = [r for r in stored.list_results(conn, org) if r.what_if]
        jobs = [request.app.state.jobs.live(job) for job in access.list_jobs(conn, org, limit=5)]
        regulators = access.regulators(conn)
        sent = access.list_submissions(conn, org, regulator=False)[:5]
        open_candidates = sum(1 for c in browse.review_queue(conn, org) if c["decision"] is None)
    counts["vendors"] = len(
        {
            asset_vendor(vendors[v], vendors.get(m) if m else None).id
            for v, m, _, _ in by_vendor
            if v in vendors
        }
    )
    share_counts = [VendorCount(v, d, n, m) for v, m, d, n in by_vendor]
    share = vendor_share_chart(share_counts, vendors) if by_vendor else None
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
        packs=shipped_packs(),
        what_ifs=what_ifs,
        regulators=regulators,
        sent=sent,
    )


@router.post("/assess")
def start_assessment(
    request: Request,
    who: WebForm,
    db: DB,
    at: Annotated[str, Form()] = "",
    jurisdiction: Annotated[list[str] | None, Form()] = None,
) -> RedirectResponse:
    """Screen and assess on the day chosen, under the packs ticked (none: each site under its own
    country's rules)."""
    if not who.can(access.Role.ANALYST) or who.user.is_regulator:
        return back("/", "Only an analyst may run an assessment.")
    try:
        day = date.fromisoformat(at) if at else date.today()
    except ValueError:
        return back("/", f"{at!r} is not a date (YYYY-MM-DD).")
    try:
        codes = (
            [p.jurisdiction for p in select_packs(shipped_packs(), jurisdiction)] if jurisdiction else None
        )
    except UnknownJurisdictionError as exc:
        return back("/", f"Not started: {exc}.")
    org, actor = who.organization_id, who.user.username

    def work(_context: Any) -> dict[str, Any]:
        return assess_and_store(db, org, day, codes, actor, "session")

    job_id = request.app.state.jobs.submit(org, "assessment", actor, work)
    scope = ", ".join(codes) if codes else "each site's own country"
    return back("/", f"Assessment for {day} under {scope} started (job {job_id[:8]}).")


@router.get("/sites", response_class=HTMLResponse)
def sites_page(
    request: Request, who: Web, db: DB, status: str | None = None, page: PageNumber = 1
) -> HTMLResponse:
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
    assessment: int | None = None,
    page: PageNumber = 1,
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
        if assessment is not None:
            result = stored.get_result(conn, org, assessment)
        else:
            result = stored.latest_result(conn, org, day)
        facets: dict[str, list[str]] = {}
        total, rows = 0, list[dict[str, Any]]()
        if result is not None:
            wanted = stored.FindingFilter(**filters)
            total, rows = stored.findings_page(conn, result.id, wanted, (page - 1) * PAGE_SIZE, PAGE_SIZE)
            facets = {
                c: stored.facet_values(conn, result.id, column)
                for c, column in (
                    ("jurisdiction", "jurisdiction"),
                    ("status", "status"),
                    ("vendor", "vendor_canonical"),
                    ("rule_id", "rule_id"),
                )
            }
        choices = stored.list_results(conn, org)
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
        choices=choices,
        chosen_date=on or "",
    )


# --- screening review -------------------------------------------------------------------------------


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request, who: Web, db: DB, state: str = "open") -> HTMLResponse:
    with db.connect() as conn:
        queue = browse.review_queue(conn, who.organization_id)
    if state != "all":
        queue = [c for c in queue if (c["decision"] is None) == (state == "open")]
    # One review item per screened name; its candidate entities (usually one) inside it.
    names: dict[str, list[dict[str, Any]]] = {}
    for candidate in queue:
        names.setdefault(candidate["name"], []).append(candidate)
    items = [{"name": n, "assets": cs[0]["assets"], "candidates": cs} for n, cs in names.items()]
    return render(request, "screening.html", who, items=items, state=state)


@router.post("/screening/{candidate_id}/decision")
def decide(
    candidate_id: RowId,
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
    return render(request, "imports.html", who, imports=done, problem=None, done=None, help=HELP_LINKS)


@router.post("/imports", response_class=HTMLResponse)
async def upload(
    request: Request,
    who: WebForm,
    db: DB,
    file: Annotated[UploadFile, File()],
    replace: Annotated[bool, Form()] = False,
    skip_invalid: Annotated[bool, Form()] = False,
    force: Annotated[bool, Form()] = False,
) -> Response:
    if not who.can(access.Role.ANALYST) or who.user.is_regulator:
        return back("/imports", "Only an analyst may import.")
    try:
        upload = await spool_upload(file, request.app.state.config.max_upload_bytes)
    except (UploadTooLarge, Problem) as exc:
        return back("/imports", str(exc))
    principal = Principal(who.user, "session")
    problem: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    try:
        if upload.size == 0:
            upload.close()
            raise InventoryFileError(upload.name, "the file is empty")
        if too_big_for_a_request(request, upload):
            job = submit_upload_import(
                request, db, principal, upload, None, replace, skip_invalid=skip_invalid, force=force
            )
            return back(
                "/imports", f"{upload.name} is large: importing it as job {job[:8]}; see the overview."
            )
        try:
            result = await run_in_threadpool(
                partial(run_upload_import, skip_invalid=skip_invalid, force=force),
                db,
                principal,
                upload,
                None,
                replace,
            )
        finally:
            upload.close()
        message = (
            f"Imported {result.file_name}: {result.rows_added} added, {result.rows_updated} updated, "
            f"{result.rows_unchanged} unchanged."
        )
        if not result.rows_rejected:
            return back("/imports", message)
        done = {"message": message, "rejected": result.rows_rejected, "rejects": result.rejects}
    except InventoryFileError as exc:
        problem = {
            "file_name": exc.file_name,
            "message": exc.message,
            "errors": [e.as_dict() for e in exc.errors],
        }
    with db.connect() as conn:
        recent = list(reversed(store.list_imports(conn, who.organization_id)))[:20]
    status = 422 if problem else 200
    return render(
        request, "imports.html", who, status, imports=recent, problem=problem, done=done, help=HELP_LINKS
    )


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
