"""Use cases on posts: create, look up, close and reopen."""

from __future__ import annotations

import datetime as dt
import uuid

from borderpost import clock, outbox, reference
from borderpost.errors import ClosureOverlap, NotFound, invalid
from borderpost.ledger import services as ledger
from borderpost.messages import Message
from borderpost.posts import repository
from borderpost.posts.model import Closure, Lane, Post
from borderpost.posts.schemas import ClosureCreate, ClosureEnd, PostCreate
from borderpost.unit_of_work import UnitOfWork


def get_post(uow: UnitOfWork, code: str) -> Post:
    post = repository.post_by_code(uow.session, code)
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=code))
    return post


def save_post(uow: UnitOfWork, data: PostCreate) -> tuple[Post, str]:
    """Create the post, or bring an existing one with the same code up to ``data``.

    Returns the post and what happened: ``created``, ``updated`` or ``unchanged``.
    """
    fields = {
        "name": data.name,
        "names": dict(data.names),
        "timezone": data.timezone,
        "side_a": data.side_a,
        "side_b": data.side_b,
        "exempt_categories": [c.value for c in data.exempt_categories],
        "opening_hours": {k: list(v) for k, v in data.opening_hours.items()},
    }
    post = repository.post_by_code(uow.session, data.code)
    outcome = "unchanged"
    if post is None:
        post = Post(code=data.code, created_at=clock.now(), **fields)
        uow.session.add(post)
        uow.session.info.setdefault("posts_by_code", {})[post.code] = post
        outcome = "created"
    else:
        for key, value in fields.items():
            if getattr(post, key) != value:
                setattr(post, key, value)
                outcome = "updated"
    known = {lane.code for lane in post.lanes}
    for lane in data.lanes:
        if lane.code not in known:
            post.lanes.append(
                Lane(code=lane.code, name=lane.name, categories=[c.value for c in lane.categories])
            )
            outcome = "updated" if outcome == "unchanged" else outcome
    uow.session.flush()
    if outcome != "unchanged":
        reference.touch(uow.session)
    return post, outcome


def close_post(uow: UnitOfWork, code: str, data: ClosureCreate) -> Closure:
    """Record a closure; refused if it would overlap one already recorded."""
    post = get_post(uow, code)
    clashes = repository.closures_overlapping(uow.session, post, data.starts_at, data.ends_at)
    if clashes:
        other = clashes[0]
        start = other.starts_at.isoformat()
        if other.ends_at is None:
            message = Message(
                "the closure overlaps the closure from {start} until further notice", start=start
            )
        else:
            message = Message(
                "the closure overlaps the closure from {start} to {end}",
                start=start,
                end=other.ends_at.isoformat(),
            )
        raise ClosureOverlap("starts_at", message)
    closure = Closure(
        post_id=post.id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        reason=data.reason,
        authority=data.authority,
        recorded_by=uow.actor,
        created_at=clock.now(),
    )
    uow.session.add(closure)
    uow.session.flush()
    ledger.add_closure(uow.session, post, closure, uow.actor)
    _queue(uow, post, outbox.Topic.CLOSURE_OPENED, closure_event(post, closure))
    repository.forget_closures(uow.session)
    reference.touch(uow.session)
    return closure


def reopen_post(uow: UnitOfWork, code: str, closure_id: uuid.UUID, order: ClosureEnd) -> Closure:
    """End an open-ended (or later-ending) closure, on ``order``: when, why and by whose order."""
    post = get_post(uow, code)
    closure = repository.closure_by_id(uow.session, post, closure_id)
    if closure is None:
        raise NotFound(
            "closure", Message("no closure {id} at post {post}", id=closure_id, post=code)
        )
    ends_at = order.ends_at if order.ends_at is not None else clock.now()
    if ends_at <= closure.starts_at:
        raise invalid("ends_at", "must be after the closure's start")
    if closure.ends_at is not None and closure.ends_at <= ends_at:
        raise invalid("ends_at", "the closure already ended before that time")
    closure.ends_at = ends_at
    closure.end_reason = order.reason
    closure.end_authority = order.authority
    closure.ended_by = uow.actor
    uow.session.flush()
    ledger.add_closure(uow.session, post, closure, uow.actor)  # a correction of its leaf
    _queue(
        uow,
        post,
        outbox.Topic.CLOSURE_ENDED,
        {
            "id": str(closure.id),
            "post": post.code,
            "ends_at": ends_at.isoformat(),
            "reason": order.reason,
            "authority": order.authority,
            "ended_by": uow.actor,
        },
    )
    repository.forget_closures(uow.session)
    reference.touch(uow.session)
    return closure


def closure_event(post: Post, closure: Closure) -> dict[str, object]:
    """A closure as headquarters receives it (``sync/closures.py`` applies it)."""
    return {
        "id": str(closure.id),
        "post": post.code,
        "starts_at": closure.starts_at.isoformat(),
        "ends_at": closure.ends_at.isoformat() if closure.ends_at else None,
        "reason": closure.reason,
        "authority": closure.authority,
        "recorded_by": closure.recorded_by,
        "created_at": closure.created_at.isoformat(),
    }


def _queue(uow: UnitOfWork, post: Post, topic: outbox.Topic, payload: dict[str, object]) -> None:
    # Headquarters keeps a copy of every post's closures: it learns them by the outbox, in
    # the same transaction as the closure, as it learns crossings.
    outbox.queue(uow.session, topic, payload, post_id=post.id)


def current_closure(uow: UnitOfWork, code: str, at: dt.datetime | None = None) -> Closure | None:
    post = get_post(uow, code)
    return repository.closure_at(uow.session, post, at or clock.now())
