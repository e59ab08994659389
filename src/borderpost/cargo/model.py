"""Stored cargo: the consignments and goods items of vehicle crossings, with their lane colour.

Written with Core inserts on the crossing hot path (``cargo.recording``); read by the booth,
the API and the inspection of a referred vehicle (``borderpost.inspections``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, Numeric, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime, crossing_reference
from borderpost.ids import new_id

# Weights and quantities to the gram (or thousandth of a unit); values to the cent.
Quantity = Numeric(18, 3)
Money = Numeric(18, 2)


class Consignment(Base):
    """Declared goods carried by one vehicle crossing, with the lane colour selectivity gave
    them (green, yellow, red; not the physical lane of the crossing, ``Crossing.lane``)."""

    __tablename__ = "consignments"
    __table_args__ = (crossing_reference("crossing_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    crossing_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    position: Mapped[int] = mapped_column(Integer, comment="Order in the declaration")
    declared_id: Mapped[str | None] = mapped_column(String(100), comment="The declarant's id")
    carrier: Mapped[dict[str, Any]] = mapped_column(JSON)
    consignor: Mapped[dict[str, Any]] = mapped_column(JSON)
    consignee: Mapped[dict[str, Any]] = mapped_column(JSON)
    seals: Mapped[list[str]] = mapped_column(JSON, default=list)
    permits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    humanitarian: Mapped[bool] = mapped_column(Boolean, default=False)
    sending_organisation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lane_colour: Mapped[str] = mapped_column(String(8), comment="Lane colour: green, yellow, red")
    refused: Mapped[bool] = mapped_column(Boolean, comment="A prohibited item is declared")
    rules: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, comment="Every rule that matched: id, effect, legal basis, items"
    )
    random_draw: Mapped[float | None] = mapped_column(
        Float, comment="HMAC-SHA256(seed, id) in [0, 1); None without a seed"
    )
    random: Mapped[dict[str, Any]] = mapped_column(
        JSON, comment="Share, draw, selected, seed fingerprint: enough to reproduce the draw"
    )
    ruleset_id: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    items: Mapped[list[GoodsItem]] = relationship(order_by="GoodsItem.position")


class GoodsItem(Base):
    """One declared line of goods, with the outcome selectivity gave it."""

    __tablename__ = "goods_items"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    consignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consignments.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    hs_code: Mapped[str] = mapped_column(String(6), comment="HS 2022 subheading, 6 digits")
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(16))
    gross_kg: Mapped[Decimal] = mapped_column(Quantity)
    net_kg: Mapped[Decimal] = mapped_column(Quantity)
    value: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    origin: Mapped[str] = mapped_column(String(3))
    outcome: Mapped[str] = mapped_column(String(16), comment="release, documents, inspect…")
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
