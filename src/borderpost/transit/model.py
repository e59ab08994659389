"""Corridors: a named route with a post at each end and a deadline to get through it.

Transits: a corridor's pairs of a vehicle's crossings, kept as the crossings are recorded
(``transit/stored.py``), so that a page reads the transits of its period and nothing else.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id
from borderpost.posts.model import Post


class Corridor(Base):
    """A route between two posts. A transit enters at one end and leaves by the other."""

    __tablename__ = "corridors"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True, comment="Short stable code")
    name: Mapped[str] = mapped_column(String(200))
    post_a_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="One end")
    post_b_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), comment="The other end")
    deadline_hours: Mapped[int] = mapped_column(
        Integer, comment="Hours from entry to exit, unless the category has its own"
    )
    deadlines: Mapped[dict[str, int]] = mapped_column(
        JSON, default=dict, comment="Category -> hours, overriding deadline_hours"
    )
    categories: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Categories whose crossings are transits; empty means all"
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    post_a: Mapped[Post] = relationship(foreign_keys=[post_a_id])
    post_b: Mapped[Post] = relationship(foreign_keys=[post_b_id])

    def deadline_for(self, category: str) -> dt.timedelta:
        """The time allowed to a transit of ``category``."""
        return dt.timedelta(hours=self.deadlines.get(category, self.deadline_hours))

    @property
    def ends(self) -> tuple[str, str]:
        return self.post_a.code, self.post_b.code


class StoredTransit(Base):
    """One transit as paired when its crossings were recorded (``transit.pairing.pair``).

    An open transit (an entry, no exit) is stored as ``in_transit``: whether it is overdue
    depends on the moment of reading, so a reader compares ``deadline_at`` with its now.
    The movements' facts are copied from the crossings, so a page reads this table and the
    vehicles alone; any change to a crossing pairs its vehicle again.
    """

    __tablename__ = "transits"
    __table_args__ = (
        # A corridor's transits of a period counted by state and charted by duration: every
        # column the count reads is in the index, so the period is read from the index alone
        # however its rows lie in the table (stored vehicle by vehicle, not in time order).
        Index(
            "ix_transits_corridor_period",
            "corridor_id",
            "began_at",
            "state",
            "deadline_at",
            "entry_time",
            "exit_time",
        ),
        # One state's transits of a period, latest first: a page of the list, the overdue list.
        Index("ix_transits_corridor_state_began", "corridor_id", "state", "began_at"),
        # The vehicle's latest transit in the corridor: where a new crossing is paired.
        Index("ix_transits_corridor_vehicle_last", "corridor_id", "vehicle_id", "last_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    corridor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("corridors.id"))
    vehicle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicles.id"))
    state: Mapped[str] = mapped_column(
        String(24), comment="Transit state; in_transit for every open one, overdue or not"
    )
    began_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, comment="The entry's time, or the exit's for an exit without entry"
    )
    category: Mapped[str] = mapped_column(String(32), comment="The first crossing's category")
    vehicle_type: Mapped[str | None] = mapped_column(String(16))
    deadline_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Plain ids, no foreign keys: the crossings table may be partitioned by time.
    entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, comment="The entry crossing")
    entry_post_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entry_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    entry_category: Mapped[str | None] = mapped_column(String(32))
    exit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, comment="The exit crossing")
    exit_post_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    exit_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    exit_category: Mapped[str | None] = mapped_column(String(32))
    last_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, comment="The time of its latest crossing: the exit's, else the entry's"
    )
    last_id: Mapped[uuid.UUID] = mapped_column(Uuid, comment="Its latest crossing")
