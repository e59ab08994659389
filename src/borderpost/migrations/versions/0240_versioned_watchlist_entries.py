"""watchlist entries as versioned rows of their list

Revision ID: 0240
Revises: 0230
Create Date: 2026-12-05 04:30:00

Until this revision every version of a list held a copy of all its entries; from it on an
entry row belongs to its list, from the version that put it (``since``) to the one that closed
it (``until``), and a version is numbered per list, with the LtHash of its content
(``screening.versions``, ``screening.lthash``). The upgrade numbers each list's versions in
the order they were imported and keeps the active version's entries (``since`` = its number);
the states and checksums are computed when first needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0240"
down_revision: str | None = "0230"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NUMBER = "1, 2, ... per list; the since and until of its entries"
_BASE = (
    "The number of the version it was written over (None: over nothing); the rows it closed "
    "are kept until the next version, so its changes can be read from the rows"
)
_STATE = (
    "The LtHash of its content (screening.lthash); None: not computed yet (a version "
    "migrated, or known from a post's hit only)"
)
_CHECKSUM = "SHA-256 of the state (hex): what headquarters and posts compare"


def upgrade() -> None:
    # Added in place, not by a copy of the table: on SQLite a copy of watchlist_versions would
    # be refused while hits and entries refer to it. ``number`` is filled below; the default
    # only lets SQLite add a NOT NULL column (dropped on PostgreSQL).
    op.add_column(
        "watchlist_versions",
        sa.Column("number", sa.Integer(), nullable=False, server_default="0", comment=_NUMBER),
    )
    op.add_column(
        "watchlist_versions", sa.Column("base_number", sa.Integer(), nullable=True, comment=_BASE)
    )
    op.add_column(
        "watchlist_versions", sa.Column("lthash", sa.LargeBinary(), nullable=True, comment=_STATE)
    )
    op.add_column(
        "watchlist_versions",
        sa.Column("checksum", sa.String(length=64), nullable=True, comment=_CHECKSUM),
    )
    conn = op.get_bind()
    versions = sa.table(
        "watchlist_versions",
        sa.column("id", sa.Uuid()),
        sa.column("watchlist_id", sa.Uuid()),
        sa.column("imported_at"),
        sa.column("number", sa.Integer()),
        sa.column("base_number", sa.Integer()),
    )
    lists = sa.table(
        "watchlists", sa.column("id", sa.Uuid()), sa.column("active_version_id", sa.Uuid())
    )
    numbers: dict[object, int] = {}
    rows = conn.execute(
        sa.select(versions.c.id, versions.c.watchlist_id).order_by(
            versions.c.watchlist_id, versions.c.imported_at, versions.c.id
        )
    ).all()
    for version_id, watchlist_id in rows:
        numbers[watchlist_id] = numbers.get(watchlist_id, 0) + 1
        number = numbers[watchlist_id]
        conn.execute(
            versions.update()
            .where(versions.c.id == version_id)
            .values(number=number, base_number=number - 1 if number > 1 else None)
        )

    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watchlist_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "since",
                sa.Integer(),
                nullable=True,
                comment="The number of the version that put it",
            )
        )
        batch_op.add_column(
            sa.Column(
                "until",
                sa.Integer(),
                nullable=True,
                comment="The number of the version that closed it; None: current",
            )
        )
    entries = sa.table(
        "watchlist_entries",
        sa.column("version_id", sa.Uuid()),
        sa.column("watchlist_id", sa.Uuid()),
        sa.column("since", sa.Integer()),
    )
    # Only the active versions' entries are kept (a version cut short left others behind).
    active = sa.select(lists.c.active_version_id).where(lists.c.active_version_id.is_not(None))
    conn.execute(entries.delete().where(entries.c.version_id.not_in(active)))
    of_version = sa.select(versions.c.watchlist_id).where(versions.c.id == entries.c.version_id)
    its_number = sa.select(versions.c.number).where(versions.c.id == entries.c.version_id)
    conn.execute(
        entries.update().values(
            watchlist_id=of_version.scalar_subquery(), since=its_number.scalar_subquery()
        )
    )
    if conn.dialect.name != "sqlite":
        op.alter_column("watchlist_versions", "number", server_default=None)
    op.create_index(
        "ix_watchlist_versions_number",
        "watchlist_versions",
        ["watchlist_id", "number"],
        unique=True,
    )
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watchlist_entries_version_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_watchlist_entries_version_id_watchlist_versions"), type_="foreignkey"
        )
        batch_op.drop_column("version_id")
        batch_op.alter_column("watchlist_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column("since", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_watchlist_entries_watchlist_id_watchlists"),
            "watchlists",
            ["watchlist_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_watchlist_entries_key", ["watchlist_id", "entry_key", "until"], unique=False
        )
        batch_op.create_index("ix_watchlist_entries_since", ["watchlist_id", "since"], unique=False)
        batch_op.create_index("ix_watchlist_entries_until", ["watchlist_id", "until"], unique=False)


def downgrade() -> None:
    # Back to a copy per version: the active version's entries are kept, under its id.
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version_id", sa.Uuid(), nullable=True))
    conn = op.get_bind()
    lists = sa.table(
        "watchlists",
        sa.column("id", sa.Uuid()),
        sa.column("active_version_id", sa.Uuid()),
        sa.column("number", sa.Integer()),
    )
    entries = sa.table(
        "watchlist_entries",
        sa.column("version_id", sa.Uuid()),
        sa.column("watchlist_id", sa.Uuid()),
        sa.column("since", sa.Integer()),
        sa.column("until", sa.Integer()),
    )
    versions = sa.table(
        "watchlist_versions",
        sa.column("id", sa.Uuid()),
        sa.column("number", sa.Integer()),
    )
    active_number = (
        sa.select(versions.c.number)
        .join(lists, lists.c.active_version_id == versions.c.id)
        .where(lists.c.id == entries.c.watchlist_id)
        .scalar_subquery()
    )
    conn.execute(
        entries.delete().where(
            sa.or_(
                active_number.is_(None),
                entries.c.since > active_number,
                sa.and_(entries.c.until.is_not(None), entries.c.until <= active_number),
            )
        )
    )
    conn.execute(
        entries.update().values(
            version_id=sa.select(lists.c.active_version_id)
            .where(lists.c.id == entries.c.watchlist_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_watchlist_entries_until")
        batch_op.drop_index("ix_watchlist_entries_since")
        batch_op.drop_index("ix_watchlist_entries_key")
        batch_op.drop_constraint(
            batch_op.f("fk_watchlist_entries_watchlist_id_watchlists"), type_="foreignkey"
        )
        batch_op.drop_column("until")
        batch_op.drop_column("since")
        batch_op.drop_column("watchlist_id")
        batch_op.alter_column("version_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_watchlist_entries_version_id_watchlist_versions"),
            "watchlist_versions",
            ["version_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_watchlist_entries_version_id"), ["version_id"], unique=False
        )
    op.drop_index("ix_watchlist_versions_number", table_name="watchlist_versions")
    for name in ("checksum", "lthash", "base_number", "number"):
        op.drop_column("watchlist_versions", name)
