"""cases: appeals, complaints, inquiries and reports, their linked records, notes, attachments

Revision ID: 0210
Revises: 0201
Create Date: 2026-12-05 01:00:00

A case is followed by the person with its reference and a secret, kept only as its SHA-256.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0210"
down_revision: str | None = "0201"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "reference",
            sa.String(length=16),
            nullable=False,
            comment="What the person quotes: C- and 10 letters or digits",
        ),
        sa.Column(
            "secret_hash",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of the secret, hex",
        ),
        sa.Column("kind", sa.String(length=24), nullable=False, comment="CaseKind"),
        sa.Column("channel", sa.String(length=12), nullable=False, comment="Channel"),
        sa.Column("status", sa.String(length=20), nullable=False, comment="CaseStatus"),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False, comment="The person's language"),
        sa.Column(
            "contact_name", sa.String(length=200), nullable=False, comment="Who brought the case"
        ),
        sa.Column(
            "contact",
            sa.String(length=200),
            nullable=True,
            comment="How to reach them: a telephone, an address, an e-mail",
        ),
        sa.Column(
            "document_number",
            sa.String(length=32),
            nullable=True,
            comment="The person's travel document, when given",
        ),
        sa.Column("issuer", sa.String(length=3), nullable=True, comment="Its issuing state"),
        sa.Column(
            "summary", sa.Text(), nullable=False, comment="What the person asks, as recorded"
        ),
        sa.Column("received_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "received_by", sa.String(length=100), nullable=False, comment="The operator, or web"
        ),
        sa.Column(
            "due_at",
            borderpost.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="Deadline of a decision",
        ),
        sa.Column("assigned_to", sa.String(length=100), nullable=True, comment="A user"),
        sa.Column("team", sa.String(length=100), nullable=True, comment="Or a team"),
        sa.Column("outcome", sa.String(length=16), nullable=True, comment="Outcome"),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", borderpost.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", borderpost.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_cases_post_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_assigned_status", ["assigned_to", "status"], unique=False)
        batch_op.create_index(
            "ix_cases_post_status_due", ["post_id", "status", "due_at"], unique=False
        )
        batch_op.create_index("ix_cases_post_received", ["post_id", "received_at"], unique=False)

    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_attachments_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
    )
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_attachments_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_attachments_sha256"), ["sha256"], unique=False)

    op.create_table(
        "case_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_notes_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False, comment="RecordType"),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False, comment="The record's"),
        sa.Column("linked_by", sa.String(length=100), nullable=False),
        sa.Column("linked_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_records_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_case_records_post_id_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_records")),
        sa.UniqueConstraint(
            "case_id", "record_type", "record_id", name=op.f("uq_case_records_case_id")
        ),
    )
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_records_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_records_record_id"), ["record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_records_record_id"))
        batch_op.drop_index(batch_op.f("ix_case_records_case_id"))

    op.drop_table("case_records")
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_notes_case_id"))

    op.drop_table("case_notes")
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_attachments_sha256"))
        batch_op.drop_index(batch_op.f("ix_case_attachments_case_id"))

    op.drop_table("case_attachments")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_post_received")
        batch_op.drop_index("ix_cases_post_status_due")
        batch_op.drop_index("ix_cases_assigned_status")

    op.drop_table("cases")
