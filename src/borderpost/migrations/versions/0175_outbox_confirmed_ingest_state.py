"""outbox: confirmed by headquarters, published again when not; headquarters' ingest per post

Revision ID: 0175
Revises: 0160
Create Date: 2026-12-05 01:00:00

An event is done at the post only when headquarters confirms it committed it
(``confirmed_at``); until then it is published again at ``resend_at``. Events shipped before
this revision were acknowledged by JetStream only: they stay unconfirmed and are sent again
once, and headquarters' inbox keeps one copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0175"
down_revision: str | None = "0160"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column(
                "confirmed_at",
                borderpost.db.UTCDateTime(timezone=True),
                nullable=True,
                comment="When headquarters confirmed it committed it: done",
            )
        )
        batch.add_column(
            sa.Column(
                "shipments",
                sa.Integer(),
                nullable=False,
                server_default="0",
                comment="How often it was published",
            )
        )
        batch.add_column(
            sa.Column(
                "resend_at",
                borderpost.db.UTCDateTime(timezone=True),
                nullable=True,
                comment="Published, not confirmed: when to publish it again",
            )
        )
        batch.alter_column(
            "sent_at", comment="When JetStream last acknowledged it", existing_nullable=True
        )
        batch.create_index("ix_outbox_resend_at", ["resend_at"], unique=False)
        batch.create_index("ix_outbox_confirmed_at", ["confirmed_at"], unique=False)
    # Shipped before: acknowledged by JetStream, never confirmed; send each again once.
    op.execute("UPDATE outbox SET resend_at = sent_at WHERE sent_at IS NOT NULL")
    op.create_table(
        "sync_post_ingest",
        sa.Column("post", sa.String(length=64), nullable=False, comment="The post's code"),
        sa.Column("events", sa.Integer(), nullable=False, comment="Events taken in (all outcomes)"),
        sa.Column(
            "last_applied_at",
            borderpost.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When headquarters last committed one of its events",
        ),
        sa.Column(
            "last_recorded_at",
            borderpost.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the post wrote the newest event committed",
        ),
        sa.Column(
            "lag_seconds",
            sa.Float(),
            nullable=True,
            comment="Written at the post to committed here, for the last batch",
        ),
        sa.PrimaryKeyConstraint("post", name=op.f("pk_sync_post_ingest")),
    )


def downgrade() -> None:
    op.drop_table("sync_post_ingest")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_confirmed_at")
        batch.drop_index("ix_outbox_resend_at")
        batch.drop_column("resend_at")
        batch.drop_column("shipments")
        batch.drop_column("confirmed_at")
        batch.alter_column("sent_at", comment=None, existing_nullable=True)
