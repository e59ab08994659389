"""Headquarters' inbox: every event applied once, by its id; what cannot be applied is parked.

``receive`` is the one way an event enters headquarters (ingest, replay, and the events a
newly arrived record was holding back). It applies the event in its own transaction and
records its id in ``sync_inbox``, so a second delivery, however late, changes nothing. An
event that cannot be parsed or applied (malformed, unknown topic, a post or organisation
headquarters does not know, the crossing it corrects not here yet) is parked in
``sync_parked`` with the post, topic, event id and reason instead: the caller acknowledges
it, so it holds back nothing, and it is applied later by ``replay`` or, when it waits for a
record, as soon as that record arrives. Only a database that cannot be written (locked, gone)
is not the event's fault: ``TRANSIENT`` errors propagate and the event is delivered again.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock, outbox
from borderpost.audit import hook as audit
from borderpost.sync import apply, batch, ordering
from borderpost.sync.events import Event, Waiting, reason
from borderpost.sync.model import (
    PAYLOAD_LENGTH,
    POST_LENGTH,
    REASON_LENGTH,
    TOPIC_LENGTH,
    InboxEntry,
    ParkedEvent,
)
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
# The database cannot be written now: not the event's fault, so it is not parked.
TRANSIENT = (OperationalError, InterfaceError)
PARKED = "parked"
_AUDIT_ENTITY = "sync_events"


_INBOX = cast(Table, InboxEntry.__table__)
_PARKED = cast(Table, ParkedEvent.__table__)


def _apply_all(uow: UnitOfWork, events: list[Event]) -> list[tuple[str, uuid.UUID | None]]:
    """Dedupe, apply, remember, in the caller's transaction: the outcome of each event and
    the record it created, if any. A few statements for the whole batch, not per event."""
    uow.session.info[outbox.REPLICATING] = True  # nothing stored here is shipped again
    conn = uow.session.connection()
    ids = [e.id for e in events]
    seen = set(conn.execute(select(_INBOX.c.event_id).where(_INBOX.c.event_id.in_(ids))).scalars())
    was_parked = set(
        conn.execute(select(_PARKED.c.event_id).where(_PARKED.c.event_id.in_(ids))).scalars()
    )
    results: list[tuple[str, uuid.UUID | None]] = []
    rows: list[dict[str, object]] = []
    now = clock.now()
    batch.begin(uow.session, [e for e in events if e.id not in seen])
    for event in events:
        if event.id in seen:
            results.append(("duplicate", None))
            continue
        outcome, made = apply.apply_event(uow, event)
        seen.add(event.id)
        results.append((outcome, made))
        rows.append(
            {
                "event_id": event.id,
                "post": event.post[:POST_LENGTH],
                "topic": event.topic[:TOPIC_LENGTH],
                "outcome": outcome,
                "applied_at": now,
            }
        )
    batch.end(uow.session)
    uow.session.flush()  # the ORM's changes (corrections, closures) before the Core rows
    ordering.write(uow.session)
    if rows:
        conn.execute(insert(_INBOX), rows)
    if was_parked:
        conn.execute(delete(_PARKED).where(_PARKED.c.event_id.in_(was_parked)))
        for event, (outcome, _made) in zip(events, results, strict=True):
            if event.id in was_parked:
                audit.record(
                    uow.session, "replay", _AUDIT_ENTITY, event.id, None, {"outcome": outcome}
                )
    return results


def receive(session_factory: sessionmaker[Session], event: Event, actor: str = "sync") -> str:
    """Apply ``event`` once, or park it; returns the outcome (``parked`` when parked).

    The events parked waiting for a record this one created follow at once, in the order
    the post made them.
    """
    try:
        with UnitOfWork(session_factory, actor=actor) as uow:
            ((outcome, made),) = _apply_all(uow, [event])
            uow.commit()
    except TRANSIENT:
        raise
    except Exception as exc:  # anything else is the event's: park it, hold nothing back
        park(session_factory, event, exc, actor)
        return PARKED
    if made is not None:
        release(session_factory, [made], actor)
    return outcome


def apply_batch(
    session_factory: sessionmaker[Session], events: list[Event], actor: str = "sync"
) -> list[str]:
    """Outcomes of ``events``, in one transaction when every one applies (the common case);
    otherwise each half again, in order, down to single events through ``receive``: a bad
    one is parked alone, and the rest still go in a few transactions."""
    try:
        with UnitOfWork(session_factory, actor=actor) as uow:
            applied = _apply_all(uow, events)
            uow.commit()
    except TRANSIENT:
        raise
    except Exception:
        if len(events) == 1:
            return [receive(session_factory, events[0], actor)]
        half = len(events) // 2
        return apply_batch(session_factory, events[:half], actor) + apply_batch(
            session_factory, events[half:], actor
        )
    release(session_factory, [m for _o, m in applied if m is not None], actor)
    return [o for o, _m in applied]


def release(
    session_factory: sessionmaker[Session], records: Iterable[uuid.UUID], actor: str = "sync"
) -> Counter[str]:
    """Apply the events parked waiting for any of ``records`` (and those waiting for what
    they create in turn)."""
    outcomes: Counter[str] = Counter()
    pending = list(records)
    while pending:
        with session_factory() as session:
            waiting = session.scalars(
                select(ParkedEvent)
                .where(ParkedEvent.waiting_for.in_(pending[:500]))
                .order_by(ParkedEvent.event_id)
            ).all()
        del pending[:500]
        for row in waiting:
            outcomes[receive(session_factory, _event(row), actor)] += 1
    return outcomes


def park(
    session_factory: sessionmaker[Session], event: Event, exc: BaseException, actor: str = "sync"
) -> None:
    """Keep ``event`` with the reason it was not applied (again: one more attempt)."""
    why = reason(exc)[:REASON_LENGTH]
    waiting_for = exc.record_id if isinstance(exc, Waiting) else None
    log.warning("event %s from %s parked: %s", event.id, event.post[:POST_LENGTH], why)
    now = clock.now()
    with UnitOfWork(session_factory, actor=actor) as uow:
        row = uow.session.get(ParkedEvent, event.id)
        if row is None:
            uow.session.add(
                ParkedEvent(
                    event_id=event.id,
                    post=event.post[:POST_LENGTH],
                    topic=event.topic[:TOPIC_LENGTH],
                    payload=event.data[:PAYLOAD_LENGTH],
                    reason=why,
                    waiting_for=waiting_for,
                    attempts=1,
                    parked_at=now,
                    last_tried_at=now,
                )
            )
        else:
            row.reason, row.waiting_for = why, waiting_for
            row.attempts += 1
            row.last_tried_at = now
        # The trail names the event and the reason, never the payload (personal data).
        audit.record(
            uow.session,
            "park",
            _AUDIT_ENTITY,
            event.id,
            None,
            {"post": event.post[:POST_LENGTH], "topic": event.topic[:TOPIC_LENGTH], "reason": why},
        )
        uow.commit()


def _event(row: ParkedEvent) -> Event:
    return Event(row.event_id, row.post, row.topic, row.payload)


@dataclass(frozen=True)
class Parked:
    """A parked event as the admin sees it: no payload (it holds personal data)."""

    event_id: uuid.UUID
    post: str
    topic: str
    reason: str
    waiting_for: uuid.UUID | None
    attempts: int
    parked_at: dt.datetime
    last_tried_at: dt.datetime


def parked(
    session_factory: sessionmaker[Session], post: str | None = None, limit: int = 200
) -> list[Parked]:
    """Parked events, oldest first (by the post's ordering), optionally of one post."""
    query = select(ParkedEvent).order_by(ParkedEvent.event_id).limit(limit)
    if post:
        query = query.where(ParkedEvent.post == post)
    with session_factory() as session:
        return [
            Parked(
                r.event_id,
                r.post,
                r.topic,
                r.reason,
                r.waiting_for,
                r.attempts,
                r.parked_at,
                r.last_tried_at,
            )
            for r in session.scalars(query)
        ]


def count_parked(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(ParkedEvent)) or 0)


def replay(
    session_factory: sessionmaker[Session],
    event_ids: Iterable[uuid.UUID] | None = None,
    actor: str = "sync",
) -> Counter[str]:
    """Apply parked events again after their cause is fixed: these ids, or all (``None``),
    in the order the posts made them. What still cannot be applied stays parked, with its
    reason brought up to date. Returns the outcomes (``missing``: no such parked event)."""
    outcomes: Counter[str] = Counter()
    with session_factory() as session:
        query = select(ParkedEvent).order_by(ParkedEvent.event_id)
        wanted = None if event_ids is None else set(event_ids)
        if wanted is not None:
            query = query.where(ParkedEvent.event_id.in_(wanted))
        events = [_event(r) for r in session.scalars(query)]
    if wanted is not None:
        outcomes["missing"] = len(wanted - {e.id for e in events})
    for event in events:
        outcomes[receive(session_factory, event, actor)] += 1
    return +outcomes
