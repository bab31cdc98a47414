"""Schemathesis against the OpenAPI document: every operation, a few generated requests each.

Requests go to the organisation the token belongs to (otherwise nearly every case would stop at the
404 of a random organisation id) with an admin's token, so the handlers behind the checks run; each
response must match the document (status code, content type, body) and never be a server error.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .conftest import World

# An uploaded file's content is checked by the importer (columns, rows), and a password's strength (no
# blanks, not one character repeated) beyond its length, which no schema can say; such requests are
# rightly refused with a 422 problem, so "valid data must be accepted" does not apply there.
CONTENT_CHECKED = {
    "POST /organizations/{organization_id}/imports",
    "POST /organizations/{organization_id}/submissions",
    "POST /organizations/{organization_id}/users",
}
BOUNDED = settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def test_every_operation_matches_the_document(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    # The first screening builds the lists' index (seconds on a loaded machine): build it here, so the
    # generated requests' 10 s read timeout measures them and not that.
    assert world.post("acme:viewer", "/api/v1/screening/name", json={"name": "Huawei"}).status_code == 200
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.client.app)
    # A NUL in any text of a JSON body is refused with a 422 before a route sees it (no database stores
    # it: tests/api/test_request_guard.py), which no schema can say.
    schema.config.generation.update(allow_x00=False)
    headers = world.headers("acme:admin")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:
        skipped = [positive_data_acceptance] if operation.label in CONTENT_CHECKED else []

        @BOUNDED
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            if case.path_parameters and "organization_id" in case.path_parameters:
                case.path_parameters["organization_id"] = "acme"
            case.call_and_validate(headers=headers, excluded_checks=skipped)  # noqa: B023 (run at once)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures[operation.label] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
