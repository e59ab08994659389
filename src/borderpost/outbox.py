"""The outbox: events for headquarters, written in the same transaction as the record.

Every feature queues its events here with ``queue``, in the caller's session; ``sync/``
ships them to JetStream and headquarters applies them by ``Topic``. A low module: it knows
the database's base and nothing of any feature, so every feature may import it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, ForeignKey, Index, String, Table, Uuid, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from borderpost import clock
from borderpost.db import Base, UTCDateTime, insert_at_commit
from borderpost.ids import new_id


class Topic(StrEnum):
    """What an event says happened; headquarters knows these and refuses any other."""

    CROSSING_RECORDED = "crossing.recorded"
    CROSSING_CORRECTED = "crossing.corrected"
    CROSSING_INSPECTED = "crossing.inspected"
    CLOSURE_OPENED = "closure.opened"
    CLOSURE_ENDED = "closure.ended"
    RECORDS_ERASED = "records.erased"  # retention: crossings whose personal data are erased


class OutboxEvent(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("posts.id"))
    topic: Mapped[str] = mapped_column(String(64), comment="e.g. crossing.recorded")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


_INSERT = insert(cast(Table, OutboxEvent.__table__))


def queue(
    session: Session,
    topic: Topic,
    payload: dict[str, Any],
    *,
    post_id: uuid.UUID | None,
    at: dt.datetime | None = None,
    defer: bool = False,
) -> None:
    """Queue one event for headquarters in ``session``'s transaction; the caller commits.

    ``post_id`` is the post the event comes from (the shipper's subject names it), ``at`` when
    it was written (now by default). The id is made here, so events ship in the order they
    were queued (UUID v7). The row goes in with the session's next flush; ``defer`` queues it
    for the commit instead (``db.insert_at_commit``, one executemany for all of a
    transaction's events): for the crossing hot path, whose records are Core inserts.
    """
    row: dict[str, Any] = {
        "id": new_id(),
        "post_id": post_id,
        "topic": topic.value,
        "payload": payload,
        "created_at": at if at is not None else clock.now(),
        "sent_at": None,
    }
    if defer:
        insert_at_commit(session, _INSERT, row)
    else:
        session.add(OutboxEvent(**row))
