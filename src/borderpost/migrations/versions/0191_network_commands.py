"""network_commands: changes headquarters makes to a post's records, sent and received

Revision ID: 0191
Revises: 0190
Create Date: 2026-12-05 01:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0191"
down_revision: str | None = "0190"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_commands",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post", sa.String(length=32), nullable=False, comment="The post's code"),
        sa.Column("kind", sa.String(length=32), nullable=False, comment="correct_crossing"),
        sa.Column("crossing_id", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False, comment="The correction as requested"),
        sa.Column(
            "requested_by",
            sa.String(length=100),
            nullable=False,
            comment="The user at headquarters",
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column(
            "published_at",
            UTCDateTime(),
            nullable=True,
            comment="Headquarters: when it went to the post",
        ),
        sa.Column(
            "applied_at",
            UTCDateTime(),
            nullable=True,
            comment="The post: when it was applied or refused",
        ),
        sa.Column(
            "outcome",
            sa.String(length=500),
            nullable=True,
            comment="The post: applied, or why not",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_network_commands_unpublished", "network_commands", ["published_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_network_commands_unpublished", table_name="network_commands")
    op.drop_table("network_commands")
