"""Crossing counts per post and UTC day: what the summary report reads instead of crossings.

Rows are kept by database triggers on ``crossings`` (migration 0070), not by the application,
so every path that writes a crossing (booth, import, corrections, inspections, a hand-written
SQL fix) keeps them right in the same transaction. The bucket is the UTC day because a
trigger cannot know a post's time zone rules: the report sums the whole UTC days inside a
period from here and counts the partial days at either end (a post's local midnight is not
UTC midnight) from ``crossings`` itself, through its (post, time) index.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime


class CrossingCount(Base):
    """How many crossings of one shape a post saw on one UTC day."""

    __tablename__ = "crossing_counts_daily"

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    day: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, primary_key=True, comment="Start of the UTC day"
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    decision: Mapped[str] = mapped_column(String(16), primary_key=True)
    organisation_type: Mapped[str] = mapped_column(
        String(32), primary_key=True, comment="'none' for crossings without an organisation"
    )
    n: Mapped[int] = mapped_column(Integer, comment="Crossings of this shape on this day")


class AccessDay(Base):
    """A post's figures of one ended local day for the access report, kept once read.

    Filled by the report when it first reads a day after the day ended (the figures derived
    from ``crossings`` as at read time), and forgotten by database triggers on ``crossings``
    (migration 0265) when a crossing of that post within ``since``..``until`` is written,
    changed or deleted: a late arrival from the network, a correction. A row is used only
    while its bounds are the post's local day (a post whose time zone changed reads again).
    """

    __tablename__ = "access_days"
    __table_args__ = (
        # What the triggers delete by: the post's days ending after a crossing's time.
        Index("ix_access_days_post_until", "post_id", "until"),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True, comment="The post's local day")
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime, comment="Local midnight, in UTC")
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime, comment="The next local midnight")
    crossings: Mapped[int] = mapped_column(Integer)
    refused: Mapped[int] = mapped_column(Integer)
    waits_known: Mapped[int] = mapped_column(Integer, comment="Crossings with an arrival time")
    median_seconds: Mapped[int | None] = mapped_column(Integer, comment="Nearest-rank median")
    p90_seconds: Mapped[int | None] = mapped_column(Integer, comment="Nearest-rank 90th")
    closed_post: Mapped[int] = mapped_column(Integer, comment="Refusals by class (services)")
    cargo_prohibited: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    screening_or_other: Mapped[int] = mapped_column(Integer)
