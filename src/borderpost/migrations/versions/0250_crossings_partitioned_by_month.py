"""crossings partitioned by month on PostgreSQL

Revision ID: 0250
Revises: 0245
Create Date: 2026-12-05 04:30:00

On PostgreSQL ``crossings`` becomes a table partitioned by range of ``time``, one partition
per UTC month and a DEFAULT partition (crossings/partitions.py). A partitioned table's primary
key must hold the partition key, so the key becomes (id, time); nothing can then refer to
``crossings.id`` alone, so the four foreign keys to it (screening hits, consignments,
inspections, a passenger's carrying vehicle) are dropped on PostgreSQL and kept by the
application (tests/integration/crossings/test_partitions.py checks for orphans).

The table is converted in one transaction: the old one renamed, the partitioned one created
with the same columns, partitions made for every month that has crossings and for the months
around today, the rows copied, then the key, indexes, foreign keys and the daily-count
trigger put back (after the copy: built once instead of row by row, and the copied rows are
not counted twice). SQLite keeps its plain table: nothing changes there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from borderpost import clock
from borderpost.crossings import partitions

revision: str = "0250"
down_revision: str | None = "0245"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "crossings_unpartitioned"
REFERRING = {
    "fk_screening_hits_crossing_id_crossings": ("screening_hits", "crossing_id"),
    "fk_consignments_crossing_id_crossings": ("consignments", "crossing_id"),
    "fk_inspections_crossing_id_crossings": ("inspections", "crossing_id"),
    "fk_crossings_carried_by_id_crossings": ("crossings", "carried_by_id"),
}
INDEXES = {
    "ix_crossings_report": "post_id, time, kind, category, direction, decision, "
    "organisation_type, arrived_at",
    "ix_crossings_time": "time",
    "ix_crossings_vehicle_time": "vehicle_id, time",
    "ix_crossings_post_decision": "post_id, decision, time, id",
    "ix_crossings_unerased": "erased_at, time, id",
    "ix_crossings_traveller": "traveller_id",
    "ix_crossings_document": "document_id",
    "ix_crossings_carried_by_id": "carried_by_id",
    "ix_crossings_convoy_id": "convoy_id",
}
OUTWARD = {
    "fk_crossings_post_id_posts": ("post_id", "posts"),
    "fk_crossings_organisation_id_organisations": ("organisation_id", "organisations"),
    "fk_crossings_traveller_id_travellers": ("traveller_id", "travellers"),
    "fk_crossings_document_id_travel_documents": ("document_id", "travel_documents"),
    "fk_crossings_vehicle_id_vehicles": ("vehicle_id", "vehicles"),
    "fk_crossings_convoy_id_convoys": ("convoy_id", "convoys"),
    "fk_crossings_lane_id_lanes": ("lane_id", "lanes"),
}
WATCHED = "post_id, time, kind, category, direction, decision, organisation_type"
COUNTS_TRIGGER = (
    f"CREATE TRIGGER crossing_counts AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} "
    "ON crossings FOR EACH ROW EXECUTE FUNCTION crossing_counts_apply()"
)


def _finish(table: str, key: str) -> None:
    """Key, indexes, outward foreign keys and the daily-count trigger on ``table``."""
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_crossings PRIMARY KEY ({key})")
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    for name, (column, target) in OUTWARD.items():
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) "
            f"REFERENCES {target} (id)"
        )
    op.execute(COUNTS_TRIGGER)


def _set_aside() -> None:
    """Rename crossings out of the way with nothing left that holds a name the new one needs."""
    for name, (table, _column) in REFERRING.items():
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
    op.execute("DROP TRIGGER crossing_counts ON crossings")
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute(f"ALTER TABLE crossings RENAME TO {OLD}")
    op.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT pk_crossings")
    for name in OUTWARD:
        op.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT IF EXISTS {name}")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    _set_aside()
    op.execute(
        f"CREATE TABLE crossings (LIKE {OLD} INCLUDING DEFAULTS INCLUDING COMMENTS) "
        "PARTITION BY RANGE (time)"
    )
    months = [
        row[0]
        for row in conn.exec_driver_sql(
            f"SELECT DISTINCT (date_trunc('month', time AT TIME ZONE 'UTC'))::date FROM {OLD}"
        )
    ]
    for month in sorted(months):
        partitions.ensure_partitions(conn, month, month)
    partitions.ensure_ahead(conn, clock.today())
    columns = ", ".join(
        f'"{name}"'
        for (name,) in conn.exec_driver_sql(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'crossings'::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
    )
    op.execute(f"INSERT INTO crossings ({columns}) SELECT {columns} FROM {OLD}")
    op.execute(f"DROP TABLE {OLD}")
    _finish("crossings", "id, time")
    op.execute("ANALYZE crossings")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER crossing_counts ON crossings")
    op.execute(f"ALTER TABLE crossings RENAME TO {OLD}")
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT pk_crossings")
    for name in OUTWARD:
        op.execute(f"ALTER TABLE {OLD} DROP CONSTRAINT IF EXISTS {name}")
    op.execute(f"CREATE TABLE crossings (LIKE {OLD} INCLUDING DEFAULTS INCLUDING COMMENTS)")
    op.execute(f"INSERT INTO crossings SELECT * FROM {OLD}")
    op.execute(f"DROP TABLE {OLD}")  # its partitions go with it
    _finish("crossings", "id")
    # Refused (an error, nothing changed) if the application let an orphan in meanwhile.
    for name, (table, column) in REFERRING.items():
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) "
            "REFERENCES crossings (id)"
        )
    op.execute("ANALYZE crossings")
