"""screening watchlists, entries, hits and resolutions

Revision ID: 0050
Revises: 0040
Create Date: 2026-11-23 12:00:00

Named watchlists and their versions, the entries of each active version, and the hits of
screened crossings with their resolutions.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0050"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False, comment="Named by the admin"),
        sa.Column(
            "kind",
            sa.String(length=16),
            nullable=False,
            comment="persons, documents, vehicles, mixed",
        ),
        sa.Column(
            "active_version_id",
            sa.Uuid(),
            nullable=True,
            comment="The version crossings are screened against",
        ),
        sa.Column("created_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
        sa.UniqueConstraint("name", name=op.f("uq_watchlists_name")),
    )
    op.create_table(
        "watchlist_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("watchlist_id", sa.Uuid(), nullable=False),
        sa.Column(
            "source", sa.String(length=200), nullable=False, comment="Where the list came from"
        ),
        sa.Column(
            "label", sa.String(length=100), nullable=False, comment="The publisher's version label"
        ),
        sa.Column("imported_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_watchlist_versions_watchlist_id_watchlists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_versions")),
    )
    with op.batch_alter_table("watchlist_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watchlist_versions_watchlist_id"), ["watchlist_id"], unique=False
        )

    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column(
            "entry_key", sa.String(length=200), nullable=False, comment="The publisher's id, stable"
        ),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("names", sa.Text(), nullable=False, comment="Newline-separated"),
        sa.Column("birth_dates", sa.String(length=200), nullable=False),
        sa.Column("nationalities", sa.String(length=200), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False, comment="NUMBER|ISSUER per line"),
        sa.Column("plates", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["watchlist_versions.id"],
            name=op.f("fk_watchlist_entries_version_id_watchlist_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_entries")),
    )
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watchlist_entries_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "screening_hits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("crossing_id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("traveller_id", sa.Uuid(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("vehicle_id", sa.Uuid(), nullable=True),
        sa.Column("watchlist_id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("entry_key", sa.String(length=200), nullable=False),
        sa.Column(
            "subject", sa.String(length=8), nullable=False, comment="person, document or vehicle"
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "matched",
            sa.String(length=300),
            nullable=False,
            comment="The entry's name, number or plate",
        ),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column(
            "refers", sa.Boolean(), nullable=False, comment="Whether this hit referred the crossing"
        ),
        sa.Column(
            "prior_hit_id",
            sa.Uuid(),
            nullable=True,
            comment="An earlier false-match resolution of the same entry and subject",
        ),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", borderpost.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolution_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossings.id"], name=op.f("fk_screening_hits_crossing_id_crossings")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_screening_hits_post_id_posts")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["watchlist_versions.id"],
            name=op.f("fk_screening_hits_version_id_watchlist_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_screening_hits_watchlist_id_watchlists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_hits")),
    )
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_hits_crossing_id"), ["crossing_id"], unique=False
        )
        batch_op.create_index(
            "ix_screening_hits_entry", ["watchlist_id", "entry_key"], unique=False
        )
        batch_op.create_index(
            "ix_screening_hits_post_state",
            ["post_id", "state", "origin", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_hits_post_state")
        batch_op.drop_index("ix_screening_hits_entry")
        batch_op.drop_index(batch_op.f("ix_screening_hits_crossing_id"))

    op.drop_table("screening_hits")
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watchlist_entries_version_id"))

    op.drop_table("watchlist_entries")
    with op.batch_alter_table("watchlist_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watchlist_versions_watchlist_id"))

    op.drop_table("watchlist_versions")
    op.drop_table("watchlists")
