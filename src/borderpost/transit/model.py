"""Corridors: a named route with a post at each end and a deadline to get through it."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, Integer, String, Uuid
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
