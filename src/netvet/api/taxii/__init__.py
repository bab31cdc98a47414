"""The TAXII 2.1 server inside `netvet serve`, at /taxii2/ (see docs/sharing.md)."""

from __future__ import annotations

from fastapi import FastAPI

from netvet.api.guard import BodyRule
from netvet.api.taxii.protocol import (
    MAX_CONTENT_LENGTH,
    install_error_handlers,
    known_taxii_caller,
    taxii_refusal,
)
from netvet.api.taxii.routes import router
from netvet.storage import Database

TAXII_PREFIX = "/taxii2"


def create_taxii_app(database: Database) -> FastAPI:
    app = FastAPI(title="netvet TAXII 2.1", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.database = database
    install_error_handlers(app)
    app.include_router(router)
    return app


def mount_taxii(app: FastAPI, database: Database) -> None:
    """Mount the server and give the request guard its body rule: posts up to the API roots'
    max_content_length, from a caller with TAXII credentials, refused in TAXII's own media type."""
    app.mount(TAXII_PREFIX, create_taxii_app(database))
    app.state.data_prefixes.append(TAXII_PREFIX)  # data, not pages: the strict security headers
    app.state.body_rules.append(
        BodyRule(
            TAXII_PREFIX,
            MAX_CONTENT_LENGTH,
            refuse=taxii_refusal,
            authenticate=known_taxii_caller(database),
        )
    )
