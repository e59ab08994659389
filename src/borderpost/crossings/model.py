"""Crossings and convoys.

A crossing is one person or one vehicle going through one post in one direction at one time.
People carried in a vehicle are crossings of their own, linked to the vehicle's crossing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime, crossing_reference
from borderpost.ids import new_id
from borderpost.organisations.model import Organisation
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.model import Lane, Post
from borderpost.vehicles.model import Vehicle


class Convoy(Base):
    """Vehicles that travel together under one reference, usually of one organisation."""

    __tablename__ = "convoys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="First seen at")
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Crossing(Base):
    __tablename__ = "crossings"
    __table_args__ = (
        # Covers the summary report: the time range scan reads no table rows.
        Index(
            "ix_crossings_report",
            "post_id",
            "time",
            "kind",
            "category",
            "direction",
            "decision",
            "organisation_type",
            # Last, so the access report's counts and waiting times read the index alone.
            "arrived_at",
        ),
        Index("ix_crossings_time", "time"),
        # A vehicle's crossings in time order: transits and repeated movements (transit/).
        Index("ix_crossings_vehicle_time", "vehicle_id", "time"),
        # Pages of recent crossings filtered by decision (the supervisor's "refused only").
        Index("ix_crossings_post_decision", "post_id", "decision", "time", "id"),
        # The access report's refusals by class: a post's refused crossings of a period with
        # their flags, from the index alone on PostgreSQL (migration 0265).
        Index(
            "ix_crossings_refused",
            "post_id",
            "time",
            postgresql_include=["flags"],
            postgresql_where=text("decision = 'refused'"),
            sqlite_where=text("decision = 'refused'"),
        ),
        # Retention: the oldest crossings not yet erased, and whether a traveller, document
        # or vehicle is still named by a crossing (erasure; a person's subject access).
        Index("ix_crossings_unerased", "erased_at", "time", "id"),
        Index("ix_crossings_traveller", "traveller_id"),
        Index("ix_crossings_document", "document_id"),
        crossing_reference("carried_by_id"),
        # One partition per UTC month on PostgreSQL (crossings/partitions.py): a report reads
        # the months it asks for, whatever the length of the history. SQLite ignores it.
        {"postgresql_partition_by": "RANGE (time)"},
    )

    # The table's key is (id, time) because PostgreSQL requires a partitioned table's key to
    # hold the partition key; the id alone identifies a crossing (the mapper's key, below).
    # SQLite's table keeps the key its migrations gave it, the id alone.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    direction: Mapped[str] = mapped_column(String(3), comment="Direction")
    time: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, primary_key=True, comment="When it crossed"
    )
    arrived_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="When it joined the queue, if known; waiting = time - arrived_at"
    )
    kind: Mapped[str] = mapped_column(String(8), comment="Kind: person or vehicle")
    category: Mapped[str] = mapped_column(String(32), comment="Category")
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_type: Mapped[str | None] = mapped_column(
        String(32), comment="The organisation's type at the time of crossing"
    )
    traveller_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("travellers.id"))
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("travel_documents.id"))
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vehicles.id"))
    vehicle_type: Mapped[str | None] = mapped_column(String(16))
    carried_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, index=True, comment="The vehicle crossing that carried them"
    )
    convoy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("convoys.id"), index=True)
    lane_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lanes.id"))
    officer: Mapped[str] = mapped_column(String(100), comment="Who recorded the decision")
    decision: Mapped[str] = mapped_column(String(16), comment="Decision")
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Warnings for the officer, e.g. document_expired"
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    erased_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime,
        comment="When its personal data were erased (retention); the public facts stay",
    )
    command_digest: Mapped[str | None] = mapped_column(
        String(64),
        comment="SHA-256 of the command as first recorded: a repeat of the id must match",
    )

    post: Mapped[Post] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    traveller: Mapped[Traveller | None] = relationship()
    document: Mapped[TravelDocument | None] = relationship()
    vehicle: Mapped[Vehicle | None] = relationship()
    convoy: Mapped[Convoy | None] = relationship()
    lane: Mapped[Lane | None] = relationship()

    __mapper_args__ = {"primary_key": [id]}  # noqa: RUF012 - SQLAlchemy's declarative form
