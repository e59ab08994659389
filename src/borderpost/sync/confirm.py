"""Delivered means committed at headquarters: headquarters confirms, the post marks done.

Headquarters publishes, after each batch it commits, the ids of that post's events it now
holds (applied, recognised as a duplicate or as an older change, or parked) to the post's
own subject in a stream beside the posts' (``<root>_confirmed.<post>``). The post reads them
through a durable consumer of its own and marks those outbox events confirmed; an event
still unconfirmed after a while is published again (``shipper.ship``), and headquarters
confirms it again, its inbox keeping one copy. A confirmation lost (a power cut, a
headquarters that stopped between its commit and the publication, a post offline longer
than confirmations are kept) costs a second shipment, never an event.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import cast

from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from sqlalchemy import CursorResult, Table, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.outbox import OutboxEvent
from borderpost.posts.model import Post
from borderpost.sync import link

log = logging.getLogger(__name__)
CONSUMER = "post"
_CHUNK = 500
_OUTBOX = cast(Table, OutboxEvent.__table__)


async def publish(
    js: JetStreamContext, stream: str, events: Mapping[str, Iterable[uuid.UUID]]
) -> None:
    """Headquarters: confirm to each post (by code) the ids of its events it committed."""
    for post, ids in events.items():
        listed = [str(i) for i in ids]
        for start in range(0, len(listed), _CHUNK):
            body = json.dumps({"post": post, "events": listed[start : start + _CHUNK]})
            await js.publish(
                link.confirm_subject(stream, link.post_token(post)),
                body.encode(),
                stream=link.confirm_stream(stream),
            )


def _waiting_posts(session_factory: sessionmaker[Session]) -> set[str]:
    """The posts of this node with events published and not yet confirmed."""
    with session_factory() as session:
        codes = session.scalars(
            select(Post.code).where(
                Post.id.in_(
                    select(OutboxEvent.post_id).where(OutboxEvent.resend_at.is_not(None)).distinct()
                )
            )
        )
        return {link.post_token(c) for c in codes}


def mark_confirmed(session_factory: sessionmaker[Session], ids: list[uuid.UUID]) -> int:
    """Mark these outbox events done; returns how many were not already."""
    now = clock.now()
    done = 0
    with session_factory() as session, session.begin():
        for start in range(0, len(ids), _CHUNK):
            result = session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id.in_(ids[start : start + _CHUNK]))
                .where(_OUTBOX.c.confirmed_at.is_(None))
                # Published but not marked sent (stopped in between): it is sent all the same.
                .values(
                    confirmed_at=now,
                    resend_at=None,
                    sent_at=func.coalesce(_OUTBOX.c.sent_at, now),
                )
            )
            done += cast(CursorResult[object], result).rowcount
    return done


def _ids(data: bytes) -> list[uuid.UUID]:
    try:
        value = json.loads(data)
        return [uuid.UUID(i) for i in value["events"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("a confirmation from headquarters is malformed; ignored")
        return []


async def receive(
    session_factory: sessionmaker[Session],
    js: JetStreamContext,
    stream: str,
    batch: int = 100,
    wait: float = 0.05,
) -> int:
    """The post: mark confirmed what headquarters confirmed; returns how many events."""
    done = 0
    for token in sorted(_waiting_posts(session_factory)):
        sub = await js.pull_subscribe(
            link.confirm_subject(stream, token),
            durable=link.consumer_name(CONSUMER, token),
            stream=link.confirm_stream(stream),
        )
        try:
            while True:
                try:
                    msgs = await sub.fetch(batch, timeout=wait)
                except (NatsTimeout, TimeoutError):
                    break
                ids = [i for m in msgs for i in _ids(m.data)]
                done += mark_confirmed(session_factory, ids)
                for msg in msgs:
                    await msg.ack()
        finally:
            await sub.unsubscribe()
    return done
