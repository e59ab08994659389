"""retention: legal holds, crossings' erasure mark, erasable salts and audit values

Revision ID: 0220
Revises: 0210
Create Date: 2026-12-05 01:00:00

Erasure keeps every row and fact that a figure counts, and removes the personal data: a
crossing's ``erased_at`` marks it, a leaf's salt may be NULL (the commitment can no longer be
opened), and the audit trail's append-only triggers now let the erasure job rewrite an entry's
``before``/``after`` values, and nothing else of it (who, what, when and which record stay
as written; deleting an entry is still refused).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from borderpost.db import UTCDateTime

revision: str = "0220"
down_revision: str | None = "0210"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column of an audit entry but its values: none may change.
_FIXED = ("id", "at", "actor", "client", "action", "entity", "entity_id", "post_id")


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False, comment="The record's post"),
        sa.Column(
            "record_type", sa.String(length=16), nullable=False, comment="What it holds: crossing"
        ),
        sa.Column("record_id", sa.Uuid(), nullable=False, comment="The record held"),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why: the investigation it serves"),
        sa.Column("placed_by", sa.String(length=100), nullable=False),
        sa.Column("placed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(length=100), nullable=True),
        sa.Column(
            "released_at",
            UTCDateTime(timezone=True),
            nullable=True,
            comment="None while the hold stands",
        ),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_legal_holds_open", "legal_holds", ["released_at", "record_type"])
    with op.batch_alter_table("crossings") as batch:
        batch.add_column(
            sa.Column(
                "erased_at",
                UTCDateTime(timezone=True),
                nullable=True,
                comment="When its personal data were erased (retention); the public facts stay",
            )
        )
        batch.create_index("ix_crossings_unerased", ["erased_at", "time", "id"])
        batch.create_index("ix_crossings_traveller", ["traveller_id"])
        batch.create_index("ix_crossings_document", ["document_id"])
    with op.batch_alter_table("ledger_entries") as batch:
        batch.alter_column(
            "salt",
            existing_type=sa.LargeBinary(length=32),
            nullable=True,
            comment="Salt of the commitment; NULL once erased: the commitment cannot be opened",
            existing_comment="Salt of the commitment",
        )
    _audit_triggers(values_may_change=True)


def downgrade() -> None:
    _audit_triggers(values_may_change=False)
    with op.batch_alter_table("ledger_entries") as batch:
        batch.alter_column(
            "salt",
            existing_type=sa.LargeBinary(length=32),
            nullable=False,
            comment="Salt of the commitment",
        )
    with op.batch_alter_table("crossings") as batch:
        batch.drop_index("ix_crossings_document")
        batch.drop_index("ix_crossings_traveller")
        batch.drop_index("ix_crossings_unerased")
        batch.drop_column("erased_at")
    op.drop_index("ix_legal_holds_open", table_name="legal_holds")
    op.drop_table("legal_holds")


def _audit_triggers(*, values_may_change: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        if values_may_change:
            fixed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FIXED)
            body = f"""
                IF TG_OP = 'UPDATE' AND NOT ({fixed}) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'audit entries cannot be changed or deleted';"""
        else:
            body = "RAISE EXCEPTION 'audit entries cannot be changed or deleted';"
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
            BEGIN {body}
            END;
            $$ LANGUAGE plpgsql
            """
        )
        return
    op.execute("DROP TRIGGER audit_entries_no_update")
    # SQLite names the columns a trigger watches: an UPDATE of before/after alone passes.
    watched = f" OF {', '.join(_FIXED)}" if values_may_change else ""
    op.execute(
        f"CREATE TRIGGER audit_entries_no_update BEFORE UPDATE{watched} ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed or deleted'); END"
    )
