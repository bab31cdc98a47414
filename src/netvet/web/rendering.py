"""What every dashboard page shares: the templates, rendering, and redirects with a message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from netvet.report.svg import STATUS_COLOURS
from netvet.web.auth import WebUser

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["status_colours"] = STATUS_COLOURS
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
