"""web_sessions: a server-side record of every signed-in browser

Revision ID: 0130
Revises: 0120
Create Date: 2026-11-28 08:00:00

The session cookie used to carry the user's id, signed: signing out could not end a copy of
it. Now it carries a random token whose SHA-256 is a row here, looked up on every request and
deleted at sign-out, when the user is disabled or their password changes, and refused once
the session is idle or old past the settings' limits.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0130"
down_revision: str | None = "0120"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="SHA-256, hex"),
        sa.Column(
            "client", sa.String(length=64), nullable=True, comment="Address it signed in from"
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False, comment="Signed in at"),
        sa.Column(
            "seen_at",
            UTCDateTime(),
            nullable=False,
            comment="Last request, to the minute: the idle limit counts from it",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
