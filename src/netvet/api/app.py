"""The application: the REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), the TAXII 2.1 server
under /taxii2/ and the dashboard at /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from netvet import __version__
from netvet.api.config import AppConfig
from netvet.api.guard import DEFAULT_BODY_BYTES, MULTIPART_OVERHEAD, BodyRule, RequestGuard
from netvet.api.headers import SecurityHeaders
from netvet.api.paging import RenderedPages
from netvet.api.problems import install_problem_handlers
from netvet.api.routers import (
    admin,
    advisories,
    imports,
    inventory,
    jobs,
    organizations,
    planning,
    policy,
    reports,
    screening,
    submissions,
)
from netvet.api.routers.submissions import MAX_SUBMISSION_BYTES
from netvet.api.security import known_caller
from netvet.api.taxii import mount_taxii
from netvet.api.worker import JobRunner
from netvet.storage import Database

API_PREFIX = "/api/v1"


def create_api(database: Database, config: AppConfig, runner: JobRunner) -> FastAPI:
    api = FastAPI(
        title="netvet API",
        version=__version__,
        description="Inventory, screening, findings, timeline and reports of one organisation per token.",
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI would load its scripts from a CDN; the JSON document is enough
        redoc_url=None,
    )
    api.state.database = database
    api.state.config = config
    api.state.jobs = runner
    api.state.findings_pages = RenderedPages(config.findings_page_cache)
    install_problem_handlers(api)
    for area in (
        organizations,
        inventory,
        imports,
        jobs,
        screening,
        policy,
        reports,
        planning,
        advisories,
        admin,
        submissions,
    ):
        api.include_router(area.router)
    api.include_router(screening.org_router)
    return api


def create_app(database: Database, config: AppConfig | None = None) -> FastAPI:
    config = config or AppConfig()
    runner = JobRunner(database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.wait_idle(timeout=600)  # let running jobs finish; the thread stays for the next start

    app = FastAPI(
        title="netvet",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.config = config
    app.state.jobs = runner
    # Every area served here adds the body rules of its paths (the dashboard in mount_dashboard).
    app.state.body_rules = [
        BodyRule(API_PREFIX, DEFAULT_BODY_BYTES),
        BodyRule(f"{API_PREFIX}/organizations/*/imports", config.max_upload_bytes + MULTIPART_OVERHEAD),
        BodyRule(f"{API_PREFIX}/organizations/*/submissions", MAX_SUBMISSION_BYTES + MULTIPART_OVERHEAD),
    ]
    app.add_middleware(RequestGuard, rules=app.state.body_rules, authenticate=known_caller(database))
    # Paths that serve data, not pages (another area mounted here adds its own).
    app.state.data_prefixes = [API_PREFIX]
    app.add_middleware(SecurityHeaders, data_prefixes=app.state.data_prefixes)
    app.mount(API_PREFIX, create_api(database, config, runner))
    mount_taxii(app, database)
    from netvet.web import mount_dashboard  # here: the dashboard itself imports API modules

    mount_dashboard(app)
    return app
