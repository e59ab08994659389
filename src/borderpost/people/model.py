"""Travellers and their travel documents."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id


class Traveller(Base):
    """A person known at this post. Personal data: never leaves for the public ledger."""

    __tablename__ = "travellers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="Recorded at")
    surname: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(3), comment="ICAO 9303 code")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    documents: Mapped[list[TravelDocument]] = relationship(back_populates="traveller")


class TravelDocument(Base):
    """A passport, identity card, visa or other document a traveller presents."""

    __tablename__ = "travel_documents"
    __table_args__ = (Index("ix_travel_documents_number", "issuer", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="Recorded at")
    traveller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("travellers.id"), index=True)
    type: Mapped[str] = mapped_column(String(2), comment="ICAO document code, e.g. P, I, ID")
    number: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(3), comment="ICAO 9303 code")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    traveller: Mapped[Traveller] = relationship(back_populates="documents")

    def expired_on(self, day: dt.date) -> bool:
        """True when the document is no longer valid on ``day`` (expiry is its last valid day)."""
        return document_expired(self.expiry, day)


def document_expired(expiry: dt.date | None, day: dt.date) -> bool:
    """A document is valid through its expiry date and expired from the day after."""
    return expiry is not None and expiry < day
