"""One error shape for the whole API: RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from netvet.ingest import InventoryFileError
from netvet.storage.db import is_disk_full

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:netvet:problem:"


class ProblemDetail(BaseModel):
    """RFC 9457 problem details; `errors` lists field or row level faults when there are any."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        kind: str | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = headers
        self.extensions = extensions
        super().__init__(detail or self.title)

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_PREFIX + self.kind if self.kind else "about:blank",
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


def not_found(what: str) -> Problem:
    return Problem(404, f"{what} not found", kind="not-found")


def disk_full_problem() -> Problem:
    return Problem(
        507,
        "the server's disk is full; nothing was stored. Ask the administrator to free space.",
        kind="insufficient-storage",
    )


def inventory_problem(exc: InventoryFileError) -> Problem:
    """The importer's refusal, with every row and column at fault, as one problem document."""
    return Problem(
        422,
        str(exc),
        kind="invalid-inventory",
        title="Inventory file refused",
        errors=[error.as_dict() for error in exc.errors],
        file_name=exc.file_name,
    )


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        problem = Problem(exc.status_code, detail, headers=dict(exc.headers or {}) or None)
        return problem_response(problem, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"location": ".".join(str(p) for p in error.get("loc", ())), "message": error.get("msg", "")}
            for error in exc.errors()
        ]
        problem = Problem(
            422, "the request is not valid", kind="invalid-request", title="Invalid request", errors=errors
        )
        return problem_response(problem, request)

    async def on_database_busy(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OperationalError)
        if is_disk_full(exc):
            return problem_response(disk_full_problem(), request)
        if "database is locked" not in str(exc.orig):
            return await on_error(request, exc)
        # SQLite holds one writer at a time; a long job (a large import) can keep it past the wait.
        problem = Problem(
            503,
            "the database is busy with a long job; retry shortly",
            kind="database-busy",
            headers={"Retry-After": "5"},
        )
        return problem_response(problem, request)

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        if is_disk_full(exc):
            return problem_response(disk_full_problem(), request)
        # Never leak a traceback or data to the client; the server log has the details.
        return problem_response(Problem(500, "an unexpected error occurred; see the server log"), request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(OperationalError, on_database_busy)
    app.add_exception_handler(Exception, on_error)


# Documented on every route that needs a token, so the OpenAPI document names the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": ProblemDetail,
        "content": {PROBLEM_MEDIA_TYPE: {}},
        "description": HTTPStatus(status).phrase,
    }
    for status in (401, 403, 404, 422)
}
