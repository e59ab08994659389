"""Inspections of referred vehicle crossings: findings, seizures and evidence files.

ORM objects written through the unit of work, so the audit hook sees every change to them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.cargo.model import Quantity
from borderpost.db import Base, UTCDateTime, crossing_reference
from borderpost.ids import new_id


class FindingKind(StrEnum):
    """What the inspector found for one goods item (or goods that were not declared)."""

    AS_DECLARED = "as_declared"
    DIFFERENT_QUANTITY = "different_quantity"
    UNDECLARED = "undeclared"


class InspectionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SeizureStatus(StrEnum):
    """A seized item is held until it is released to its owner or confiscated."""

    HELD = "held"
    RELEASED = "released"
    CONFISCATED = "confiscated"


class Inspection(Base):
    """The secondary line's look at a referred vehicle crossing: one per crossing."""

    __tablename__ = "inspections"
    __table_args__ = (crossing_reference("crossing_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    crossing_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    inspector: Mapped[str] = mapped_column(String(100), comment="Who opened it")
    status: Mapped[str] = mapped_column(String(8), default=InspectionStatus.OPEN.value)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(
        String(32), comment="admitted, refused or admitted_after_seizure"
    )
    reason: Mapped[str | None] = mapped_column(Text, comment="Why, as the inspector wrote it")

    findings: Mapped[list[Finding]] = relationship(order_by="Finding.recorded_at")
    seizures: Mapped[list[Seizure]] = relationship(order_by="Seizure.recorded_at")
    evidence: Mapped[list[Evidence]] = relationship(order_by="Evidence.added_at")


class _OfInspection:
    """A record of an inspection: its post is the inspection's (the audit trail's scope, and
    the post its entries reach headquarters as)."""

    inspection: Mapped[Inspection]

    @property
    def post_id(self) -> uuid.UUID:
        return self.inspection.post_id


class Finding(_OfInspection, Base):
    """What was found for a declared goods item, or goods that were not declared at all."""

    __tablename__ = "inspection_findings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    goods_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("goods_items.id"), comment="None for undeclared goods"
    )
    kind: Mapped[str] = mapped_column(String(24), comment="FindingKind")
    hs_code: Mapped[str | None] = mapped_column(String(6))
    description: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity, comment="As found")
    unit: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    inspection: Mapped[Inspection] = relationship(viewonly=True)


class Seizure(_OfInspection, Base):
    """Goods taken from the vehicle, held until released or confiscated."""

    __tablename__ = "seizures"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    finding_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_findings.id"))
    goods_item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("goods_items.id"))
    hs_code: Mapped[str] = mapped_column(String(6))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(16))
    legal_basis: Mapped[str] = mapped_column(Text)
    seals: Mapped[list[str]] = mapped_column(JSON, default=list, comment="Seals applied")
    status: Mapped[str] = mapped_column(String(12), default=SeizureStatus.HELD.value)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    disposed_by: Mapped[str | None] = mapped_column(String(100))
    disposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disposed_reason: Mapped[str | None] = mapped_column(Text)

    inspection: Mapped[Inspection] = relationship(viewonly=True)


class KeptFile:
    """The columns of a file kept by its SHA-256 under ``$BORDERPOST_HOME/evidence/``: an
    inspection's evidence, a case's attachment."""

    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Evidence(_OfInspection, KeptFile, Base):
    """A file kept by its SHA-256 under ``$BORDERPOST_HOME/evidence/``; the row names it."""

    __tablename__ = "inspection_evidence"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)

    inspection: Mapped[Inspection] = relationship(viewonly=True)
