"""cargo consignments, goods items, inspections and seizures

Revision ID: 0040
Revises: 0030
Create Date: 2026-11-23 12:00:00

Consignments and goods items of vehicle crossings (with the lane and reasons selectivity gave
them), and inspections with their findings, seizures and evidence files.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import borderpost.db

revision: str = "0040"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("crossing_id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in the declaration"),
        sa.Column(
            "declared_id", sa.String(length=100), nullable=True, comment="The declarant's id"
        ),
        sa.Column("carrier", sa.JSON(), nullable=False),
        sa.Column("consignor", sa.JSON(), nullable=False),
        sa.Column("consignee", sa.JSON(), nullable=False),
        sa.Column("seals", sa.JSON(), nullable=False),
        sa.Column("permits", sa.JSON(), nullable=False),
        sa.Column("humanitarian", sa.Boolean(), nullable=False),
        sa.Column("sending_organisation", sa.JSON(), nullable=True),
        sa.Column(
            "lane", sa.String(length=8), nullable=False, comment="Lane colour: green, yellow, red"
        ),
        sa.Column("refused", sa.Boolean(), nullable=False, comment="A prohibited item is declared"),
        sa.Column(
            "rules",
            sa.JSON(),
            nullable=False,
            comment="Every rule that matched: id, effect, legal basis, items",
        ),
        sa.Column(
            "random_draw",
            sa.Float(),
            nullable=True,
            comment="HMAC-SHA256(seed, id) in [0, 1); None without a seed",
        ),
        sa.Column(
            "random",
            sa.JSON(),
            nullable=False,
            comment="Share, draw, selected, seed fingerprint: enough to reproduce the draw",
        ),
        sa.Column("ruleset_id", sa.String(length=100), nullable=False),
        sa.Column("ruleset_version", sa.String(length=100), nullable=False),
        sa.Column("created_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossings.id"], name=op.f("fk_consignments_crossing_id_crossings")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_consignments_post_id_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consignments")),
    )
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consignments_crossing_id"), ["crossing_id"], unique=False
        )

    op.create_table(
        "inspections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("crossing_id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("inspector", sa.String(length=100), nullable=False, comment="Who opened it"),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opened_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", borderpost.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column(
            "outcome",
            sa.String(length=32),
            nullable=True,
            comment="admitted, refused or admitted_after_seizure",
        ),
        sa.Column("reason", sa.Text(), nullable=True, comment="Why, as the inspector wrote it"),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossings.id"], name=op.f("fk_inspections_crossing_id_crossings")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_inspections_post_id_posts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("crossing_id", name=op.f("uq_inspections_crossing_id")),
    )
    op.create_table(
        "goods_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consignment_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "hs_code", sa.String(length=6), nullable=False, comment="HS 2022 subheading, 6 digits"
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("gross_kg", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("net_kg", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("origin", sa.String(length=3), nullable=False),
        sa.Column(
            "outcome", sa.String(length=16), nullable=False, comment="release, documents, inspect…"
        ),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_goods_items_consignment_id_consignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_items")),
    )
    with op.batch_alter_table("goods_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goods_items_consignment_id"), ["consignment_id"], unique=False
        )

    op.create_table(
        "inspection_evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_evidence_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_evidence")),
    )
    with op.batch_alter_table("inspection_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_evidence_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_evidence_sha256"), ["sha256"], unique=False)

    op.create_table(
        "inspection_findings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("goods_item_id", sa.Uuid(), nullable=True, comment="None for undeclared goods"),
        sa.Column("kind", sa.String(length=24), nullable=False, comment="FindingKind"),
        sa.Column("hs_code", sa.String(length=6), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=True, comment="As found"),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["goods_item_id"],
            ["goods_items.id"],
            name=op.f("fk_inspection_findings_goods_item_id_goods_items"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_findings_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_findings")),
    )
    with op.batch_alter_table("inspection_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_findings_inspection_id"), ["inspection_id"], unique=False
        )

    op.create_table(
        "seizures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("finding_id", sa.Uuid(), nullable=True),
        sa.Column("goods_item_id", sa.Uuid(), nullable=True),
        sa.Column("hs_code", sa.String(length=6), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("seals", sa.JSON(), nullable=False, comment="Seals applied"),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", borderpost.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disposed_by", sa.String(length=100), nullable=True),
        sa.Column("disposed_at", borderpost.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disposed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["inspection_findings.id"],
            name=op.f("fk_seizures_finding_id_inspection_findings"),
        ),
        sa.ForeignKeyConstraint(
            ["goods_item_id"],
            ["goods_items.id"],
            name=op.f("fk_seizures_goods_item_id_goods_items"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_seizures_inspection_id_inspections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seizures")),
    )
    with op.batch_alter_table("seizures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seizures_inspection_id"), ["inspection_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("seizures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seizures_inspection_id"))

    op.drop_table("seizures")
    with op.batch_alter_table("inspection_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_findings_inspection_id"))

    op.drop_table("inspection_findings")
    with op.batch_alter_table("inspection_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_inspection_evidence_inspection_id"))

    op.drop_table("inspection_evidence")
    with op.batch_alter_table("goods_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goods_items_consignment_id"))

    op.drop_table("goods_items")
    op.drop_table("inspections")
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consignments_crossing_id"))

    op.drop_table("consignments")
