"""Headquarters' copy of the posts' closures, from the events ``posts.services`` queues.

Applied by closure id, so a re-delivered event changes nothing; an ending that arrives before
its closure (or a closure of a post headquarters does not know yet) raises NotFound and waits
for a later delivery, like a crossing. No ledger leaf and no outbox: the post's log is the
record. Writes go through the ORM, so the audit hook records them as the sync actor.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from borderpost import reference
from borderpost.errors import NotFound, invalid
from borderpost.messages import Message
from borderpost.posts import repository
from borderpost.posts.model import Closure
from borderpost.posts.services import get_post
from borderpost.unit_of_work import UnitOfWork

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ClosureOpened(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    post: Text
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None
    reason: Text
    authority: Text
    recorded_by: Text
    created_at: AwareDatetime


class ClosureEnded(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    post: Text
    ends_at: AwareDatetime
    # Absent from events queued before posts recorded why and on whose order they reopened.
    reason: Text | None = None
    authority: Text | None = None
    ended_by: Text | None = None


def _changed(uow: UnitOfWork) -> None:
    uow.session.flush()
    repository.forget_closures(uow.session)
    reference.touch(uow.session)  # crossings replicated later see the closure too


def apply_opened(uow: UnitOfWork, payload: dict[str, Any]) -> str:
    event = ClosureOpened.model_validate(payload)
    post = get_post(uow, event.post)
    if uow.session.get(Closure, event.id) is not None:
        return "duplicate"
    uow.session.add(
        Closure(
            id=event.id,
            post_id=post.id,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            reason=event.reason,
            authority=event.authority,
            recorded_by=event.recorded_by,
            created_at=event.created_at,
        )
    )
    _changed(uow)
    return "created"


def apply_ended(uow: UnitOfWork, payload: dict[str, Any]) -> str:
    event = ClosureEnded.model_validate(payload)
    post = get_post(uow, event.post)
    closure = repository.closure_by_id(uow.session, post, event.id)
    if closure is None:
        raise NotFound("closure", Message("headquarters has no closure {id} yet", id=event.id))
    if event.ends_at <= closure.starts_at:
        raise invalid("ends_at", "is not after the closure's start")
    ends_at = event.ends_at.astimezone(dt.UTC)
    if closure.ends_at == ends_at:
        return "duplicate"
    closure.ends_at = ends_at
    closure.end_reason = event.reason
    closure.end_authority = event.authority
    closure.ended_by = event.ended_by
    _changed(uow)
    return "updated"
