"""The ledger's outbox: one row per leaf, written in the transaction of its record.

A row is pending while ``log_index`` is NULL; ``borderpost.ledger.appending.append_pending``
appends pending leaves to the post's tile log and records where each landed. The salt of the
leaf's commitment is kept here only, never in the log.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id


class LedgerLeaf(Base):
    """One leaf waiting for, or recorded at, its place in the post's log.

    The table keeps its first name, ``ledger_entries``: renaming it would need a migration
    for no change in what it holds.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_record", "record_id"),
        Index("uq_ledger_entries_post_index", "post_id", "log_index", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"))
    record_type: Mapped[str] = mapped_column(String(16), comment="crossing or closure")
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, comment="The crossing or closure")
    salt: Mapped[bytes | None] = mapped_column(
        LargeBinary(32),
        comment="Salt of the commitment; NULL once erased: the commitment cannot be opened",
    )
    opening: Mapped[bytes | None] = mapped_column(
        LargeBinary,
        comment="The committed personal fields (canonical JSON): with the salt, the opening a "
        "party is given for its own crossings; NULL for other leaves",
    )
    leaf: Mapped[bytes] = mapped_column(
        LargeBinary, comment="Leaf bytes; a correction gets its corrects index when appended"
    )
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, comment="The ledger entry this one corrects"
    )
    log_index: Mapped[int | None] = mapped_column(
        BigInteger, comment="Index in the post's log; NULL while pending"
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
