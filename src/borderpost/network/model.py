"""What a post runs of what headquarters publishes: one row per kind of reference data.

``kind`` is ``posts``, ``organisations``, ``corridors``, ``users``, ``rules`` or
``list:<watchlist name>``; ``version`` is headquarters' number for it, which only grows. A
version that was refused (its signature, its checksum) is kept with the reason, next to the
version in force, so the post's sync page and ``borderpost sync status`` can say why.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime

KIND_LENGTH = 80
REASON_LENGTH = 500


class NetworkVersion(Base):
    __tablename__ = "network_versions"

    kind: Mapped[str] = mapped_column(String(KIND_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, comment="0: none applied yet")
    checksum: Mapped[str] = mapped_column(String(64), default="", comment="SHA-256 of content")
    published_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="When headquarters published the version in force"
    )
    applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    keys: Mapped[list[Any]] = mapped_column(
        JSON, default=list, comment="What the version held (user names): to drop what leaves"
    )
    refused_version: Mapped[int | None] = mapped_column(Integer)
    refused_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))
    refused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class NetworkCommand(Base):
    """A change headquarters makes to a post's record (a correction of one of its crossings, or
    the outcome of the inspection of one of its referred vehicles).

    At headquarters the row is the command as requested, until it is published to the post;
    at the post it is the command as received, with what applying it gave. The post applies it
    as its own change, so it reaches headquarters' replica again the usual way, by the outbox.
    """

    __tablename__ = "network_commands"
    __table_args__ = (Index("ix_network_commands_unpublished", "published_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    post: Mapped[str] = mapped_column(String(32), comment="The post's code")
    kind: Mapped[str] = mapped_column(String(32), comment="correct_crossing")
    crossing_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, comment="The correction as requested")
    requested_by: Mapped[str] = mapped_column(String(100), comment="The user at headquarters")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="Headquarters: when it went to the post"
    )
    applied_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="The post: when it was applied or refused"
    )
    outcome: Mapped[str | None] = mapped_column(
        String(REASON_LENGTH), comment="The post: applied, or why not"
    )
