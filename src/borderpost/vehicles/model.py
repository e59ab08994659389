"""Vehicles, known by plate and country of registration.

A vehicle is found again by its country and ``plate_key``, ``borderpost.plates.normalise_plate``
of the plate: the rule screening compares plates by, so one truck is one vehicle whatever
script or separators its plate was typed with.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (Index("ix_vehicles_plate", "country", "plate_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="Recorded at")
    plate: Mapped[str] = mapped_column(String(32), comment="As written on the plate")
    plate_key: Mapped[str] = mapped_column(String(32), comment="normalise_plate(plate)")
    country: Mapped[str] = mapped_column(String(3), comment="Country of registration, alpha-3")
    type: Mapped[str] = mapped_column(String(16), comment="VehicleType")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
