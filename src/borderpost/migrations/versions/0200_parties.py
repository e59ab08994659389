"""parties: organisations registered with their own signed-note key

Revision ID: 0200
Revises: 0191
Create Date: 2026-12-05 01:00:00

A party attests its organisation's crossings with statements signed by its own key; the post
keeps the verifier key and the account the party signs in with.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0200"
down_revision: str | None = "0191"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False, comment="The party's code"),
        sa.Column(
            "organisation_id", sa.Uuid(), nullable=False, comment="Whose crossings it attests"
        ),
        sa.Column(
            "vkey", sa.String(length=300), nullable=False, comment="C2SP signed-note verifier key"
        ),
        sa.Column(
            "account",
            sa.String(length=100),
            nullable=True,
            comment="Login name of the party's account (role party)",
        ),
        sa.Column("created_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_parties_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("account", name=op.f("uq_parties_account")),
        sa.UniqueConstraint("code", name=op.f("uq_parties_code")),
    )


def downgrade() -> None:
    op.drop_table("parties")
