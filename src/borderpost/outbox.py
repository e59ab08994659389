"""The outbox: events for headquarters, written in the same transaction as the record.

Every feature queues its events here with ``queue``, in the caller's session; ``sync/``
ships them to JetStream and headquarters applies them by ``Topic``. A low module: it knows
the database's base and nothing of any feature, so every feature may import it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Table, Uuid, insert, inspect
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
    # A record as it stands after a change at the post, whole: opened then closed, held then
    # released or confiscated, found then resolved. The newest by ordering key wins.
    CONSIGNMENT_RECORDED = "consignment.recorded"  # with its goods items, as assessed
    INSPECTION_RECORDED = "inspection.recorded"
    FINDING_RECORDED = "finding.recorded"
    SEIZURE_RECORDED = "seizure.recorded"
    EVIDENCE_RECORDED = "evidence.recorded"  # the file's metadata; the file stays at the post
    HIT_RECORDED = "hit.recorded"  # found by a later screening, or resolved
    AUDIT_RECORDED = "audit.recorded"  # one entry of the post's audit trail
    RECORDS_ERASED = "records.erased"  # retention: crossings whose personal data are erased
    COMMAND_ANSWERED = "command.answered"  # a command from headquarters applied, or why not


class OutboxEvent(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "sent_at", "id"),
        Index("ix_outbox_resend_at", "resend_at"),
        Index("ix_outbox_confirmed_at", "confirmed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("posts.id"))
    topic: Mapped[str] = mapped_column(String(64), comment="e.g. crossing.recorded")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="When JetStream last acknowledged it"
    )
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="When headquarters confirmed it committed it: done"
    )
    shipments: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", comment="How often it was published"
    )
    resend_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="Published, not confirmed: when to publish it again"
    )


_INSERT = insert(cast(Table, OutboxEvent.__table__))
# session.info: this session applies what a post shipped (headquarters); nothing it writes is
# shipped again.
REPLICATING = "outbox.replicating"


def replicating(session: Session) -> bool:
    """Whether ``session`` stores records a post shipped (so it queues nothing of them)."""
    return bool(session.info.get(REPLICATING))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """``value`` as JSON can carry it: ids, amounts and times as text, enums by value."""
    kind = type(value)  # the common cases first, by exact type (subclasses: below)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {str(k): plain(v) for k, v in value.items()}
    if kind is list:
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def row_of(obj: object, leave_out: frozenset[str] = frozenset({"post_id"})) -> dict[str, Any]:
    """An ORM record's columns as JSON, by column name: the record as the post holds it.

    The post's own id is left out by default: headquarters knows posts by code (each node
    gives its posts ids of its own) and takes the post from the record's parent.
    """
    mapper = inspect(obj).mapper
    return {
        a.key: plain(getattr(obj, a.key)) for a in mapper.column_attrs if a.key not in leave_out
    }


def queue(
    session: Session,
    topic: Topic,
    payload: dict[str, Any],
    *,
    post_id: uuid.UUID | None,
    at: dt.datetime | None = None,
    defer: bool = False,
    at_once: bool = False,
) -> None:
    """Queue one event for headquarters in ``session``'s transaction; the caller commits.

    ``post_id`` is the post the event comes from (the shipper's subject names it), ``at`` when
    it was written (now by default). The id is made here, so events ship in the order they
    were queued (UUID v7). The row goes in with the session's next flush; ``defer`` queues it
    for the commit instead (``db.insert_at_commit``, one executemany for all of a
    transaction's events): for the crossing hot path, whose records are Core inserts.
    ``at_once`` writes it now with a Core insert: from inside a flush (the audit hook), where
    neither an added object nor a row queued for the commit would be written.
    """
    row: dict[str, Any] = {
        "id": new_id(),
        "post_id": post_id,
        "topic": topic.value,
        "payload": payload,
        "created_at": at if at is not None else clock.now(),
        "sent_at": None,
        "confirmed_at": None,
        "shipments": 0,
        "resend_at": None,
    }
    if defer:
        insert_at_commit(session, _INSERT, row)
    elif at_once:
        session.connection().execute(_INSERT, row)
    else:
        session.add(OutboxEvent(**row))


def queue_record(session: Session, topic: Topic, obj: object, *, post_id: uuid.UUID) -> None:
    """Queue ``obj`` as it stands now (``row_of``): call after the flush that wrote it."""
    queue(session, topic, row_of(obj), post_id=post_id)
