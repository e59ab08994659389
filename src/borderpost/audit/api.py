"""JSON route for searching the audit trail (read only: entries are never changed)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.audit.schemas import AuditEntryRead
from borderpost.audit.services import AuditQuery, search
from borderpost.schemas import Moment

router = APIRouter(prefix="/audit", tags=["audit"], route_class=SignInFirst)


@router.get(
    "",
    response_model=list[AuditEntryRead],
    dependencies=[require(Permission.READ_AUDIT, post_from="query")],
)
def search_audit(
    uow: Uow,
    post: str | None = Query(None, description="Post code; every post needs network scope"),
    actor: str | None = None,
    entity: str | None = Query(None, description="Table name, e.g. crossings, closures, users"),
    entity_id: str | None = None,
    action: str | None = Query(None, description="create, update or delete"),
    since: Moment | None = None,
    until: Moment | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[AuditEntryRead]:
    query = AuditQuery(post, actor, entity, entity_id, action, since, until, limit, offset)
    return [AuditEntryRead.model_validate(e) for e in search(uow, query)]
