"""What every dashboard page shares: the templates, rendering, and redirects with a message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from netvet.ingest.importer import REPLACE_MAX_REMOVED_SHARE
from netvet.model.findings import FindingStatus
from netvet.report.svg import STATUS_COLOURS
from netvet.web.auth import WebUser

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["status_colours"] = STATUS_COLOURS
templates.env.globals["replace_max_removed_share"] = REPLACE_MAX_REMOVED_SHARE
# Worst first; every status has its own column and badge (advisory and unknown apart from the binding ones).
templates.env.globals["finding_statuses"] = [status.value for status in FindingStatus]
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


def job_outcome(job: dict[str, Any]) -> str:
    """One line on what a finished job did (or why it failed), for the jobs tables."""
    if job.get("error"):
        error = job["error"]
        return str(error.get("detail") or error.get("title") or "failed")
    if job.get("status") == "running" and job.get("progress") is not None:
        return f"{job['progress']:.0%} done"
    result = job.get("result") or {}
    if "summary" in result:
        return f"{result['summary'].get('findings', 0):,} findings stored"
    if "rows_added" in result:
        return f"{result['rows_added']:,} added, {result['rows_updated']:,} updated, {result['rows_unchanged']:,} unchanged"
    if "names_screened" in result:
        return f"{result['names_screened']:,} names screened, {result['names_flagged']:,} flagged"
    if "tasks" in result:
        return f"{len(result['tasks']):,} site visits, {result.get('total_cost', 0):,.0f} {result.get('currency', '')}"
    return ""


templates.env.filters["job_outcome"] = job_outcome
