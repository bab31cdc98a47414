"""Who am I, and my organisation. Each caller sees exactly one organisation: their own."""

from __future__ import annotations

from fastapi import APIRouter

from netvet.api.problems import PROBLEM_RESPONSES, not_found
from netvet.api.schemas import MeOut, OrganizationOut
from netvet.api.security import AnyViewer, Caller, ReadConnection
from netvet.storage import inventory as store

router = APIRouter(tags=["organisations"], responses=PROBLEM_RESPONSES)


def _organization(conn: ReadConnection, organization_id: str) -> OrganizationOut:
    organization = store.get_organization(conn, organization_id)
    if organization is None:
        raise not_found(f"organisation {organization_id!r}")
    return OrganizationOut(
        id=organization.id, name=organization.name, kind=organization.kind, country=organization.country
    )


@router.get("/me", response_model=MeOut)
def me(who: Caller, conn: ReadConnection) -> MeOut:
    return MeOut(
        username=who.user.username,
        display_name=who.user.display_name,
        role=who.user.role,
        organization=_organization(conn, who.organization_id),
        via=who.via,
    )


@router.get("/organizations", response_model=list[OrganizationOut])
def list_organizations(who: Caller, conn: ReadConnection) -> list[OrganizationOut]:
    return [_organization(conn, who.organization_id)]


@router.get("/organizations/{organization_id}", response_model=OrganizationOut)
def get_organization(organization_id: str, who: AnyViewer, conn: ReadConnection) -> OrganizationOut:
    return _organization(conn, organization_id)
