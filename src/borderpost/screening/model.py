"""Watchlists, their versions and entries, and the hits of screened crossings (the stored side).

Entries are written with Core executemany (a million per import) and read back in one scan
to build the in-process indexes; list fields are kept as newline-joined text, because
decoding a million JSON documents costs more than the scan itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime, crossing_reference
from borderpost.ids import new_id

# Separates the values of a list field in one text column (names never contain a newline).
SEP = "\n"


class ListKind(StrEnum):
    PERSONS = "persons"
    DOCUMENTS = "documents"
    VEHICLES = "vehicles"
    MIXED = "mixed"


class EntryKind(StrEnum):
    PERSON = "person"
    DOCUMENT = "document"
    VEHICLE = "vehicle"


class HitOrigin(StrEnum):
    CROSSING = "crossing"  # found when the crossing was recorded
    RESCREEN = "rescreen"  # found later, when a new list version was screened against it


class HitState(StrEnum):
    OPEN = "open"
    TRUE_MATCH = "true_match"
    FALSE_MATCH = "false_match"


class Watchlist(Base):
    __tablename__ = "watchlists"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(64), unique=True, comment="Named by the admin")
    kind: Mapped[str] = mapped_column(String(16), comment="persons, documents, vehicles, mixed")
    # No foreign key: the version row is written in the same transaction that points here,
    # and a cycle between the two tables would need deferred constraints on SQLite.
    active_version_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, comment="The version crossings are screened against"
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WatchlistVersion(Base):
    __tablename__ = "watchlist_versions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    watchlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watchlists.id"), index=True)
    source: Mapped[str] = mapped_column(String(200), comment="Where the list came from")
    label: Mapped[str] = mapped_column(String(100), comment="The publisher's version label")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(100))
    entry_count: Mapped[int] = mapped_column(Integer)
    caught_up_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime,
        comment="When the crossings recorded since the import (some screened against the "
        "previous version while this one was built) were screened against it; None: not yet",
    )


class WatchlistEntry(Base):
    """One listed person, document or vehicle; only the active version's entries are kept."""

    __tablename__ = "watchlist_entries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watchlist_versions.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(200), comment="The publisher's id, stable")
    kind: Mapped[str] = mapped_column(String(8))
    names: Mapped[str] = mapped_column(Text, default="", comment="Newline-separated")
    birth_dates: Mapped[str] = mapped_column(String(200), default="")
    nationalities: Mapped[str] = mapped_column(String(200), default="")
    documents: Mapped[str] = mapped_column(Text, default="", comment="NUMBER|ISSUER per line")
    plates: Mapped[str] = mapped_column(String(200), default="")


class ScreeningHit(Base):
    """A possible match between a crossing and a list entry, until a supervisor resolves it."""

    __tablename__ = "screening_hits"
    __table_args__ = (
        Index("ix_screening_hits_post_state", "post_id", "state", "origin", "created_at"),
        # Remembered resolutions: the same list entry for the same document or traveller.
        Index("ix_screening_hits_entry", "watchlist_id", "entry_key"),
        crossing_reference("crossing_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    crossing_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    traveller_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    watchlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watchlists.id"))
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watchlist_versions.id"))
    entry_key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(8), comment="person, document or vehicle")
    score: Mapped[float] = mapped_column(Float)
    matched: Mapped[str] = mapped_column(String(300), comment="The entry's name, number or plate")
    explanation: Mapped[list[str]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12))
    refers: Mapped[bool] = mapped_column(comment="Whether this hit referred the crossing")
    prior_hit_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, comment="An earlier false-match resolution of the same entry and subject"
    )
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
