"""Posts, their lanes and closures, and the rules on them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id
from borderpost.messages import Message
from borderpost.vocab import Category

DEFAULT_EXEMPT = [Category.MEDICAL_EVACUATION.value]


class Post(Base):
    """A border crossing point."""

    __tablename__ = "posts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True, comment="Short stable code")
    name: Mapped[str] = mapped_column(String(200), comment="Name in the post's working language")
    names: Mapped[dict[str, str]] = mapped_column(
        JSON, default=dict, comment="Names by BCP 47 language code"
    )
    timezone: Mapped[str] = mapped_column(String(64), comment="IANA time zone name")
    side_a: Mapped[str | None] = mapped_column(String(3), comment="Country code of one side")
    side_b: Mapped[str | None] = mapped_column(String(3), comment="Country code of the other")
    exempt_categories: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_EXEMPT), comment="Categories that pass while closed"
    )
    opening_hours: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, comment='Weekday -> ["HH:MM", "HH:MM"]; empty means round the clock'
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    lanes: Mapped[list[Lane]] = relationship(back_populates="post", order_by="Lane.code")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def name_in(self, language: str) -> str:
        """The post's name in ``language`` when it has one, else its own name."""
        return self.names.get(language, self.name)

    def refusal_when_closed(self, category: Category, closure: Closure | None) -> str | None:
        """The reason a crossing of ``category`` is refused while ``closure`` is in force.

        None when the post is open, or when the post exempts the category (medical
        evacuation by default).
        """
        if closure is None or category.value in self.exempt_categories:
            return None
        return Message(
            "post {post} closed: {reason} (ordered by {authority})",
            post=self.code,
            reason=closure.reason,
            authority=closure.authority,
        )

    def local_day_bounds(self, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """UTC instants bounding ``first``..``last`` inclusive in the post's time zone."""
        start = dt.datetime.combine(first, dt.time(), tzinfo=self.zone)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


class Lane(Base):
    """A lane of a post, optionally reserved for some categories."""

    __tablename__ = "lanes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    categories: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Categories served; empty means all"
    )
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)

    post: Mapped[Post] = relationship(back_populates="lanes")

    def serves(self, category: Category) -> bool:
        return not self.categories or category.value in self.categories


class Closure(Base):
    """A period when a post is closed, with the reason and the authority that ordered it."""

    __tablename__ = "closures"
    __table_args__ = (Index("ix_closures_post_start", "post_id", "starts_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="None while the closure is open-ended"
    )
    reason: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(String(200), comment="Who ordered the closure")
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(Text, comment="Why the closure was ended")
    end_authority: Mapped[str | None] = mapped_column(
        String(200), comment="Who ordered the closure ended"
    )
    ended_by: Mapped[str | None] = mapped_column(String(100), comment="The user who ended it")

    def covers(self, moment: dt.datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)

    def overlaps(self, starts_at: dt.datetime, ends_at: dt.datetime | None) -> bool:
        """Whether [starts_at, ends_at) meets this closure; None is open-ended."""
        self_end = self.ends_at
        starts_before_other_ends = ends_at is None or self.starts_at < ends_at
        ends_after_other_starts = self_end is None or starts_at < self_end
        return starts_before_other_ends and ends_after_other_starts
