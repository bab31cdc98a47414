"""Access checks over every operation in the OpenAPI document, so a new endpoint cannot skip them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import World

WRITE_METHODS = ("post", "put", "patch", "delete")


def operations(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    document = world.client.get("/api/v1/openapi.json").json()
    return [
        (method, path, spec)
        for path, item in document["paths"].items()
        for method, spec in item.items()
        if method in ("get", *WRITE_METHODS)
    ]


def concrete(path: str, organization: str) -> str:
    path = path.replace("{organization_id}", organization)
    return "/api/v1" + re.sub(r"\{[a-z_]*id\}", "1", re.sub(r"\{[a-z_]+\}", "x", path))


def test_openapi_document_is_served_and_lists_the_areas(world: World) -> None:
    paths = world.client.get("/api/v1/openapi.json").json()["paths"]
    for expected in (
        "/organizations/{organization_id}/assets",
        "/organizations/{organization_id}/imports",
        "/me",
    ):
        assert expected in paths


def test_every_operation_refuses_a_caller_without_a_token(world: World) -> None:
    for method, path, _ in operations(world):
        response = world.client.request(method, concrete(path, "acme"))
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["status"] == 401


def test_a_revoked_or_made_up_token_is_refused(world: World) -> None:
    response = world.client.get("/api/v1/me", headers={"Authorization": "Bearer nvt_made-up"})
    assert response.status_code == 401


def test_every_organisation_operation_hides_another_organisations_data(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    for method, path, _ in operations(world):
        if "{organization_id}" not in path:
            continue
        response = world.client.request(method, concrete(path, "acme"), headers=world.headers("globex:admin"))
        assert response.status_code == 404, (method, path, response.text)
        body = response.json()
        assert body["title"] == "Not Found" and "acme" in body["detail"]
        assert "A1" not in response.text and "Camden" not in response.text


def test_a_viewer_may_not_write_anywhere(world: World) -> None:
    for method, path, _ in operations(world):
        if method not in WRITE_METHODS or "{organization_id}" not in path:
            continue
        response = world.client.request(method, concrete(path, "acme"), headers=world.headers("acme:viewer"))
        assert response.status_code == 403, (method, path, response.text)
        assert "viewer" in response.json()["detail"]


@pytest.mark.parametrize("who", ["acme:viewer", "acme:analyst"])
def test_user_and_token_management_is_for_admins_only(world: World, who: str) -> None:
    for path in ("/api/v1/organizations/acme/users", "/api/v1/organizations/acme/tokens"):
        assert world.get(who, path).status_code == 403
    response = world.post(
        who, "/api/v1/organizations/acme/tokens", json={"username": "acme-viewer", "name": "x"}
    )
    assert response.status_code == 403


def test_a_regulator_sees_no_operator_data_and_none_of_its_own_inventory_routes(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    assert world.get("ofcom:admin", "/api/v1/organizations/acme/assets").status_code == 404
    response = world.get("ofcom:admin", "/api/v1/organizations/ofcom/assets")
    assert response.status_code == 403 and "regulator" in response.json()["detail"]
    assert world.get("ofcom:admin", "/api/v1/organizations/ofcom/submissions").status_code == 200


REGULATOR_ROUTES = ("/users", "/tokens", "/audit", "/submissions")


def test_a_regulator_reaches_only_its_submissions_and_its_own_people(world: World) -> None:
    for method, path, _ in operations(world):
        if "{organization_id}" not in path:
            continue
        rest = path.split("{organization_id}", 1)[1]
        response = world.client.request(method, concrete(path, "ofcom"), headers=world.headers("ofcom:admin"))
        submitting = (method, rest) == ("post", "/submissions")  # only operators submit reports
        if (rest == "" or rest.startswith(REGULATOR_ROUTES)) and not submitting:
            assert response.status_code != 403, (method, path)
        else:
            assert response.status_code == 403, (method, path, response.text)
            assert "regulator" in response.json()["detail"]


def test_a_user_name_taken_in_another_organisation_is_free_here(world: World) -> None:
    """No enumeration: a refused name would tell acme's admin which names globex uses."""
    created = world.post("acme:admin", "/api/v1/organizations/acme/users", json={"username": "globex-admin"})
    assert created.status_code == 201, created.text
    again = world.post("acme:admin", "/api/v1/organizations/acme/users", json={"username": "globex-admin"})
    assert again.status_code == 409 and "already exists in this organisation" in again.json()["detail"]
    token = world.post(
        "acme:admin", "/api/v1/organizations/acme/tokens", json={"username": "globex-admin", "name": "t"}
    )
    assert token.status_code == 201
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json()['secret']}"})
    assert me.json()["organization"]["id"] == "acme"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("a" * 20, "one character repeated"),
        (" " * 16, "blank"),
        ("\t\n " * 5, "blank"),
        ("short one", "at least 12 characters"),
    ],
)
def test_weak_passwords_are_refused(world: World, password: str, reason: str) -> None:
    response = world.post(
        "acme:admin", "/api/v1/organizations/acme/users", json={"username": "weak", "password": password}
    )
    assert response.status_code == 422 and reason in response.text
    assert world.get("acme:admin", "/api/v1/organizations/acme/users").json()[-1]["username"] != "weak"
