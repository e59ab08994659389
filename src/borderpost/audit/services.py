"""Searching the audit trail. There is no use case that changes or deletes an entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from borderpost.audit.model import AuditEntry
from borderpost.posts.services import get_post
from borderpost.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AuditQuery:
    post: str | None = None  # None: every post (and entries that belong to none)
    actor: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100
    offset: int = 0


def search(uow: UnitOfWork, query: AuditQuery) -> list[AuditEntry]:
    """Newest first."""
    statement = select(AuditEntry)
    if query.post is not None:
        statement = statement.where(AuditEntry.post_id == get_post(uow, query.post).id)
    for column, value in (
        (AuditEntry.actor, query.actor),
        (AuditEntry.entity, query.entity),
        (AuditEntry.entity_id, query.entity_id),
        (AuditEntry.action, query.action),
    ):
        if value:
            statement = statement.where(column == value)
    if query.since is not None:
        statement = statement.where(AuditEntry.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEntry.at < query.until)
    statement = statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(uow.session.scalars(statement.limit(query.limit).offset(query.offset)))
