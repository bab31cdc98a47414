"""The dashboard: server-rendered pages (Jinja2) and static assets served by the app itself."""

from __future__ import annotations

from fastapi import FastAPI


def mount_dashboard(app: FastAPI) -> None:
    pass
