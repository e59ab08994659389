"""Headquarters' bookkeeping of what the posts shipped: the inbox, parked events, and the
last ordering key applied to each record.

The ordering key of a change is the id of its outbox event, a UUID v7 made at the post when
the change was recorded: comparing two keys of one post tells which change came later there,
whatever order they arrive in here.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Float, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime

POST_LENGTH = 64
TOPIC_LENGTH = 64
REASON_LENGTH = 500
# A parked payload larger than this is cut (its reason then says so): it is kept to be
# replayed, and an event that size is malformed anyway.
PAYLOAD_LENGTH = 1_000_000


class InboxEntry(Base):
    """An event headquarters has applied, by its event id: a second delivery changes nothing,
    however long after the first (JetStream's own duplicate window is a day)."""

    __tablename__ = "sync_inbox"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    post: Mapped[str] = mapped_column(String(POST_LENGTH), comment="The post's code")
    topic: Mapped[str] = mapped_column(String(TOPIC_LENGTH))
    outcome: Mapped[str] = mapped_column(String(16), comment="created, updated, stale, ...")
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ParkedEvent(Base):
    """An event that could not be applied: kept with its reason until it is replayed.

    ``waiting_for`` names the record it needs (a crossing, a closure) when that is the
    reason: it is replayed by itself when that record arrives.
    """

    __tablename__ = "sync_parked"
    __table_args__ = (
        Index("ix_sync_parked_waiting_for", "waiting_for"),
        Index("ix_sync_parked_post", "post", "event_id"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    post: Mapped[str] = mapped_column(String(POST_LENGTH), comment="The post's code")
    topic: Mapped[str] = mapped_column(String(TOPIC_LENGTH))
    payload: Mapped[str] = mapped_column(Text, comment="As received (JSON text)")
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH), comment="Field and reason only")
    waiting_for: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    parked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_tried_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AppliedKey(Base):
    """The ordering key of the last change applied to one field of one record.

    Record ids are UUIDs made at the posts, unique across tables, so the record id and the
    field name say which value this is (``decision`` of a crossing, ``ends_at`` of a closure,
    ``row`` for a traveller, travel document or vehicle stored whole).
    """

    __tablename__ = "sync_applied_keys"

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[uuid.UUID] = mapped_column(Uuid, comment="Outbox event id at the post")


class PostIngest(Base):
    """Headquarters' ingest of one post, for ``sync status``, the admin page and /metrics:
    brought up to date in the transaction of every batch it commits."""

    __tablename__ = "sync_post_ingest"

    post: Mapped[str] = mapped_column(
        String(POST_LENGTH), primary_key=True, comment="The post's code"
    )
    events: Mapped[int] = mapped_column(Integer, comment="Events taken in (all outcomes)")
    last_applied_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, comment="When headquarters last committed one of its events"
    )
    last_recorded_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="When the post wrote the newest event committed"
    )
    lag_seconds: Mapped[float | None] = mapped_column(
        Float, comment="Written at the post to committed here, for the last batch"
    )
