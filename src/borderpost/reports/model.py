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

from sqlalchemy import ForeignKey, Integer, String
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
