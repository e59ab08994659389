"""Legal holds: a record covered by one is not erased until the hold is released.

An open inspection or a held seizure holds its crossing by itself (``holds.py`` asks the
inspections); this table keeps the holds a supervisor places by hand, for an investigation.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id


class LegalHold(Base):
    """A supervisor's hold on one record, with the reason; released with a reason too."""

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_open", "released_at", "record_type"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="The record's post")
    record_type: Mapped[str] = mapped_column(String(16), comment="What it holds: crossing")
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, comment="The record held")
    reason: Mapped[str] = mapped_column(Text, comment="Why: the investigation it serves")
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(String(100))
    released_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="None while the hold stands"
    )
    release_reason: Mapped[str | None] = mapped_column(Text)
