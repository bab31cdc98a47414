"""The dashboard: server-rendered pages (Jinja2) and static assets served by the app itself."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from netvet.web import login, pages, remediation
from netvet.web.auth import CsrfRejected, LoginRequired, login_url
from netvet.web.rendering import templates

STATIC_DIR = Path(__file__).parent / "static"


def mount_dashboard(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for area in (login, pages, remediation):
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
