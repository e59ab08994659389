"""What headquarters holds of each post's log it follows, and the alerts it raised.

``ledger_followed`` keeps, per post, the last checkpoint that verified and was consistent with
the one before (the size followed, its root and signed note) and when it was last read;
``ledger_followed_leaves`` the leaves up to that size (public facts only, as served), so each
round fetches only the new ones and the recount needs no network; ``ledger_follow_alerts``
what was found: a split view, a missing leaf, a count that differs, a checkpoint that does
not verify.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import BigInteger, Index, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id

POST_LENGTH = 32
URL_LENGTH = 500
DETAIL_LENGTH = 2000


class AlertKind(StrEnum):
    SPLIT_VIEW = "split_view"  # same size, another root; or a checkpoint inconsistent with ours
    MISSING_LEAF = "missing_leaf"  # a leaf or tile the checkpoint covers is not served as signed
    COUNT_DIFFERS = "count_differs"  # the recount of the leaves differs from the replica
    BAD_CHECKPOINT = "bad_checkpoint"  # not signed by the post's key, or not its log


class FollowState(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"  # the log could not be read this round (the link, the post)
    ALERT = "alert"  # the last round raised an alert


class FollowedLog(Base):
    """One post's log as headquarters last checked it."""

    __tablename__ = "ledger_followed"

    post: Mapped[str] = mapped_column(String(POST_LENGTH), primary_key=True, comment="Post code")
    url: Mapped[str] = mapped_column(String(URL_LENGTH), comment="Where the log is served")
    size: Mapped[int] = mapped_column(BigInteger, comment="Size of the last consistent checkpoint")
    root: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    note: Mapped[str | None] = mapped_column(Text, comment="That checkpoint, as signed")
    state: Mapped[str] = mapped_column(String(16), comment="ok, unreachable or alert")
    problem: Mapped[str | None] = mapped_column(String(DETAIL_LENGTH), comment="Of the last round")
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    counted_equal_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="Last round whose recount equalled the replica"
    )
    differs_since: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, comment="First round of the current difference, NULL when equal"
    )


class FollowedLeaf(Base):
    """A leaf of a followed log, as served and checked against its signed tree, with the
    facts the recount groups by read out of it once, when it was taken in."""

    __tablename__ = "ledger_followed_leaves"

    post: Mapped[str] = mapped_column(String(POST_LENGTH), primary_key=True)
    log_index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    record_type: Mapped[str] = mapped_column(String(16), comment="crossing, closure, ...")
    kind: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(8))
    decision: Mapped[str | None] = mapped_column(String(32))
    organisation_type: Mapped[str | None] = mapped_column(String(32))
    corrects: Mapped[int | None] = mapped_column(BigInteger, comment="The leaf it replaces")


class FollowAlert(Base):
    """Something a followed log showed that it must not: kept for good, with its evidence."""

    __tablename__ = "ledger_follow_alerts"
    __table_args__ = (Index("ix_ledger_follow_alerts_post", "post", "raised_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post: Mapped[str] = mapped_column(String(POST_LENGTH))
    kind: Mapped[str] = mapped_column(String(32), comment="split_view, missing_leaf, ...")
    detail: Mapped[str] = mapped_column(String(DETAIL_LENGTH))
    size: Mapped[int] = mapped_column(BigInteger, comment="Size of the checkpoint concerned")
    evidence: Mapped[str | None] = mapped_column(
        Text, comment="The signed checkpoints that disagree (public, no personal data)"
    )
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
