"""ledger followed at headquarters: each post's log as last checked, its leaves, the alerts

Revision ID: 0180
Revises: 0175
Create Date: 2026-12-05 01:01:47

Headquarters follows the posts' logs: ``ledger_followed`` holds per post the last consistent
checkpoint and when it was read, ``ledger_followed_leaves`` the leaves up to it (public facts
only), ``ledger_follow_alerts`` a split view, a missing leaf or a count that differs. New
tables only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0180"
down_revision: str | None = "0175"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_follow_alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post", sa.String(length=32), nullable=False),
        sa.Column(
            "kind", sa.String(length=32), nullable=False, comment="split_view, missing_leaf, ..."
        ),
        sa.Column("detail", sa.String(length=2000), nullable=False),
        sa.Column(
            "size", sa.BigInteger(), nullable=False, comment="Size of the checkpoint concerned"
        ),
        sa.Column(
            "evidence",
            sa.Text(),
            nullable=True,
            comment="The signed checkpoints that disagree (public, no personal data)",
        ),
        sa.Column("raised_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_follow_alerts")),
    )
    with op.batch_alter_table("ledger_follow_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_follow_alerts_post", ["post", "raised_at"], unique=False)

    op.create_table(
        "ledger_followed",
        sa.Column("post", sa.String(length=32), nullable=False, comment="Post code"),
        sa.Column("url", sa.String(length=500), nullable=False, comment="Where the log is served"),
        sa.Column(
            "size",
            sa.BigInteger(),
            nullable=False,
            comment="Size of the last consistent checkpoint",
        ),
        sa.Column("root", sa.LargeBinary(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True, comment="That checkpoint, as signed"),
        sa.Column(
            "state", sa.String(length=16), nullable=False, comment="ok, unreachable or alert"
        ),
        sa.Column("problem", sa.String(length=2000), nullable=True, comment="Of the last round"),
        sa.Column("checked_at", borderpost.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "counted_equal_at",
            borderpost.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="Last round whose recount equalled the replica",
        ),
        sa.Column(
            "differs_since",
            borderpost.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="First round of the current difference, NULL when equal",
        ),
        sa.PrimaryKeyConstraint("post", name=op.f("pk_ledger_followed")),
    )
    op.create_table(
        "ledger_followed_leaves",
        sa.Column("post", sa.String(length=32), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column(
            "record_type", sa.String(length=16), nullable=False, comment="crossing, closure, ..."
        ),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("organisation_type", sa.String(length=32), nullable=True),
        sa.Column("corrects", sa.BigInteger(), nullable=True, comment="The leaf it replaces"),
        sa.PrimaryKeyConstraint("post", "log_index", name=op.f("pk_ledger_followed_leaves")),
    )


def downgrade() -> None:
    op.drop_table("ledger_followed_leaves")
    op.drop_table("ledger_followed")
    with op.batch_alter_table("ledger_follow_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_follow_alerts_post")

    op.drop_table("ledger_follow_alerts")
