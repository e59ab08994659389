"""Use cases on organisations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderpost import clock, reference
from borderpost.errors import NotFound
from borderpost.messages import Message
from borderpost.organisations.model import Organisation
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.unit_of_work import UnitOfWork


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    cache: dict[str, Organisation] = session.info.setdefault("orgs_by_code", {})
    org = cache.get(code)
    if org is None:
        org = session.scalars(select(Organisation).where(Organisation.code == code)).one_or_none()
        if org is not None:
            cache[code] = org
    return org


def get_organisation(uow: UnitOfWork, code: str) -> Organisation:
    org = organisation_by_code(uow.session, code)
    if org is None:
        raise NotFound("organisation", Message("no organisation with code {code!r}", code=code))
    return org


def list_organisations(uow: UnitOfWork) -> list[Organisation]:
    return list(uow.session.scalars(select(Organisation).order_by(Organisation.code)))


def save_organisation(uow: UnitOfWork, data: OrganisationCreate) -> tuple[Organisation, str]:
    """Create, or update an organisation with the same code; returns what happened."""
    org = organisation_by_code(uow.session, data.code)
    if org is None:
        org = Organisation(
            code=data.code, name=data.name, type=data.type.value, created_at=clock.now()
        )
        uow.session.add(org)
        uow.session.info.setdefault("orgs_by_code", {})[org.code] = org
        uow.session.flush()
        reference.touch(uow.session)
        return org, "created"
    outcome = "unchanged"
    if (org.name, org.type) != (data.name, data.type.value):
        org.name, org.type = data.name, data.type.value
        outcome = "updated"
        uow.session.flush()
        reference.touch(uow.session)
    return org, outcome
