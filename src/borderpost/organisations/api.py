"""JSON routes for organisations."""

from __future__ import annotations

from fastapi import APIRouter

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.organisations import services
from borderpost.organisations.schemas import OrganisationCreate, OrganisationRead

router = APIRouter(prefix="/organisations", tags=["organisations"], route_class=SignInFirst)


@router.get(
    "",
    response_model=list[OrganisationRead],
    dependencies=[require(Permission.VIEW_ORGANISATIONS)],
)
def list_organisations(uow: Uow) -> list[OrganisationRead]:
    return [OrganisationRead.model_validate(o) for o in services.list_organisations(uow)]


@router.post(
    "",
    response_model=OrganisationRead,
    status_code=201,
    dependencies=[require(Permission.MANAGE_ORGANISATIONS, post_from="network")],
)
def create_organisation(data: OrganisationCreate, uow: Uow) -> OrganisationRead:
    org, _ = services.save_organisation(uow, data)
    uow.commit()
    return OrganisationRead.model_validate(org)


@router.get(
    "/{code}",
    response_model=OrganisationRead,
    dependencies=[require(Permission.VIEW_ORGANISATIONS)],
)
def read_organisation(code: str, uow: Uow) -> OrganisationRead:
    return OrganisationRead.model_validate(services.get_organisation(uow, code))
