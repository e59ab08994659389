"""Audit entries. Append-only: no route changes them, and on PostgreSQL a trigger refuses it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from borderpost.db import Base, UTCDateTime
from borderpost.ids import new_id


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_entity", "entity", "entity_id"),
        Index("ix_audit_entries_actor", "actor", "at"),
        Index("ix_audit_entries_post", "post_id", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, comment="When the change was made")
    actor: Mapped[str] = mapped_column(String(100), comment="Who: user name or system:<job>")
    client: Mapped[str | None] = mapped_column(String(100), comment="From where: client address")
    action: Mapped[str] = mapped_column(String(16), comment="create, update, delete")
    entity: Mapped[str] = mapped_column(String(64), comment="Table of the changed record")
    entity_id: Mapped[str] = mapped_column(String(64))
    post_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, comment="The post the record belongs to, when it belongs to one (for scope)"
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
