"""The dashboard: server-rendered pages (Jinja2) and static assets served by the app itself."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from netvet.api.guard import DEFAULT_BODY_BYTES, MULTIPART_OVERHEAD, BodyRule
from netvet.api.problems import Problem
from netvet.web import help, login, pages, remediation, sharing
from netvet.web.auth import CsrfRejected, LoginRequired, login_url
from netvet.web.rendering import templates

STATIC_DIR = Path(__file__).parent / "static"
LOGIN_FORM_BYTES = 16 * 1024


def refuse_page(scope: Scope, problem: Problem) -> Response:
    """The request guard's refusal in the dashboard: to the login page, or a page saying why."""
    if problem.status == 401:
        return RedirectResponse(login_url(scope.get("path", "/")), status_code=303)
    page = templates.get_template("error.html").render(
        request=Request(scope), who=None, title=problem.title, message=problem.detail
    )
    return HTMLResponse(page, status_code=problem.status)


def mount_dashboard(app: FastAPI) -> None:
    max_upload = app.state.config.max_upload_bytes
    app.state.body_rules.extend(
        [
            BodyRule("/", DEFAULT_BODY_BYTES, refuse=refuse_page),
            BodyRule("/imports", max_upload + MULTIPART_OVERHEAD, refuse=refuse_page),
            BodyRule("/login", LOGIN_FORM_BYTES, anonymous=True, refuse=refuse_page),
        ]
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for area in (login, pages, remediation, sharing, help):
        app.include_router(area.router)

    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    async def on_csrf(request: Request, exc: Exception) -> Response:
        return HTMLResponse(
            templates.get_template("error.html").render(
                request=request, who=None, title="Form expired", message="Reload the page and try again."
            ),
            status_code=403,
        )

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(CsrfRejected, on_csrf)
