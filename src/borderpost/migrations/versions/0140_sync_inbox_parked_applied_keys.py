"""headquarters' sync bookkeeping: the inbox, parked events, the last key applied per record

Revision ID: 0140
Revises: 0131
Create Date: 2026-12-04 22:00:00

``sync_inbox`` deduplicates by event id for good (not only within JetStream's window);
``sync_parked`` keeps what could not be applied, with its reason, to be replayed;
``sync_applied_keys`` keeps per record and field the ordering key (the post's outbox id) of
the last change applied, so an older change arriving later changes nothing. New tables only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0140"
down_revision: str | None = "0131"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_inbox",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("post", sa.String(length=64), nullable=False, comment="The post's code"),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column(
            "outcome", sa.String(length=16), nullable=False, comment="created, updated, stale, ..."
        ),
        sa.Column("applied_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_sync_inbox")),
    )
    op.create_table(
        "sync_parked",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("post", sa.String(length=64), nullable=False, comment="The post's code"),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False, comment="As received (JSON text)"),
        sa.Column("reason", sa.String(length=500), nullable=False, comment="Field and reason only"),
        sa.Column("waiting_for", sa.Uuid(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parked_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_tried_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_sync_parked")),
    )
    with op.batch_alter_table("sync_parked", schema=None) as batch_op:
        batch_op.create_index("ix_sync_parked_post", ["post", "event_id"], unique=False)
        batch_op.create_index("ix_sync_parked_waiting_for", ["waiting_for"], unique=False)
    op.create_table(
        "sync_applied_keys",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("key", sa.Uuid(), nullable=False, comment="Outbox event id at the post"),
        sa.PrimaryKeyConstraint("record_id", "field", name=op.f("pk_sync_applied_keys")),
    )


def downgrade() -> None:
    op.drop_table("sync_applied_keys")
    with op.batch_alter_table("sync_parked", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_parked_waiting_for")
        batch_op.drop_index("ix_sync_parked_post")
    op.drop_table("sync_parked")
    op.drop_table("sync_inbox")
