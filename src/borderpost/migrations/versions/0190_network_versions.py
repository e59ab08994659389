"""network_versions: which version of headquarters' reference data a post runs, and since when

Revision ID: 0190
Revises: 0180
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0190"
down_revision: str | None = "0180"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_versions",
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, comment="0: none applied yet"),
        sa.Column("checksum", sa.String(length=64), nullable=False, comment="SHA-256 of content"),
        sa.Column(
            "published_at",
            UTCDateTime(),
            nullable=True,
            comment="When headquarters published the version in force",
        ),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.Column(
            "keys",
            sa.JSON(),
            nullable=False,
            comment="What the version held (user names): to drop what leaves",
        ),
        sa.Column("refused_version", sa.Integer(), nullable=True),
        sa.Column("refused_reason", sa.String(length=500), nullable=True),
        sa.Column("refused_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind"),
    )


def downgrade() -> None:
    op.drop_table("network_versions")
