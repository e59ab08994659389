"""Watchlists, their versions and entries, and the hits of screened crossings (the stored side).

Entries are versioned rows of their list, not copies per version: a row holds the number of
the version that put it (``since``) and of the one that closed it (``until``, None while it
is current), so version N is the rows with ``since <= N`` and ``until`` None or past N
(``screening.versions``), and a new version costs the rows it changes. Entries are written
with Core executemany or COPY (a million on a first import) and read back in one scan to build
the in-process indexes; list fields are kept as newline-joined text, because decoding a
million JSON documents costs more than the scan itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
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
    __table_args__ = (Index("ix_watchlist_versions_number", "watchlist_id", "number", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    watchlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watchlists.id"), index=True)
    source: Mapped[str] = mapped_column(String(200), comment="Where the list came from")
    label: Mapped[str] = mapped_column(String(100), comment="The publisher's version label")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(100))
    entry_count: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(
        Integer, comment="1, 2, ... per list; the since and until of its entries"
    )
    base_number: Mapped[int | None] = mapped_column(
        Integer,
        comment="The number of the version it was written over (None: over nothing); the rows "
        "it closed are kept until the next version, so its changes can be read from the rows",
    )
    lthash: Mapped[bytes | None] = mapped_column(
        LargeBinary,
        comment="The LtHash of its content (screening.lthash); None: not computed yet (a "
        "version migrated, or known from a post's hit only)",
    )
    checksum: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the state (hex): what headquarters and posts compare"
    )
    caught_up_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime,
        comment="When the crossings recorded since the import (some screened against the "
        "previous version while this one was built) were screened against it; None: not yet",
    )


class WatchlistEntry(Base):
    """One listed person, document or vehicle, from the version that put it to the one that
    closed it. Kept: the active version's rows, the rows its version closed (its changes) and
    a version's being written."""

    __tablename__ = "watchlist_entries"
    __table_args__ = (
        # Closing the current row of a key; reading the rows a version put or closed.
        Index("ix_watchlist_entries_key", "watchlist_id", "entry_key", "until"),
        Index("ix_watchlist_entries_since", "watchlist_id", "since"),
        Index("ix_watchlist_entries_until", "watchlist_id", "until"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    watchlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watchlists.id"))
    since: Mapped[int] = mapped_column(Integer, comment="The number of the version that put it")
    until: Mapped[int | None] = mapped_column(
        Integer, comment="The number of the version that closed it; None: current"
    )
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
