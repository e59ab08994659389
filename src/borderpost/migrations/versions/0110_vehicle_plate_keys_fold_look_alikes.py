"""vehicles: plate keys fold Cyrillic look-alikes to Latin; the vehicles that become one merged

Revision ID: 0110
Revises: 0100
Create Date: 2026-11-28 09:00:00

A vehicle is found again by its country and ``plate_key``. The key was the plate in upper
case without separators, while screening also folded the Cyrillic letters that look like Latin
ones: 'а 123 вс-77' was kept as А123ВС77 but screened as A123BC77, so one truck could be two
vehicles. From this revision both use one rule (``borderpost.plates``). Here every stored key
is recomputed with it, and the vehicles of one country whose keys become equal are merged
into the one recorded first (``created_at``, then ``id``): the crossings and screening hits of
the others point to it, the others are deleted, and it takes the type of the latest crossing
among them (the type last seen, as recording keeps it).

The rule is copied below as it stands at this revision: a migration must give the same result
whatever the code becomes later.

Left as they are, on purpose: the ledger (its leaves hold no vehicle id and no plate, and each
commitment was made at recording time from the vehicle as presented), the audit trail
(append-only), and the daily counts (they count crossings, and their triggers watch no
vehicle column, so re-pointing a crossing changes no count).

Downgrade recomputes the keys with the former rule; merged vehicles stay merged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0110"
down_revision: str | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# borderpost.plates at this revision: Cyrillic letters drawn like a Latin letter on a plate.
LOOKALIKES = {
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "І": "I",
    "Ј": "J",
    "Ѕ": "S",
}
_TABLE = str.maketrans({**LOOKALIKES, **{k.lower(): v for k, v in LOOKALIKES.items()}})
BATCH = 500  # ids per IN list, well under SQLite's limit on bound parameters

vehicles = sa.table(
    "vehicles",
    sa.column("id", sa.Uuid()),
    sa.column("plate", sa.String()),
    sa.column("plate_key", sa.String()),
    sa.column("country", sa.String()),
    sa.column("type", sa.String()),
    sa.column("created_at", sa.DateTime()),
)
crossings = sa.table(
    "crossings",
    sa.column("id", sa.Uuid()),
    sa.column("vehicle_id", sa.Uuid()),
    sa.column("vehicle_type", sa.String()),
    sa.column("recorded_at", sa.DateTime()),
)
screening_hits = sa.table("screening_hits", sa.column("vehicle_id", sa.Uuid()))
# Every table that holds a vehicle's id (``vehicle_id``) at this revision: crossings (a foreign
# key) and screening hits (no foreign key; remembered false matches are found by it).
REFERENCES = (crossings, screening_hits)


def plate_key(plate: str) -> str:
    """Upper case, Cyrillic look-alikes folded to Latin, separators removed."""
    up = plate.translate(_TABLE).upper().translate(_TABLE)
    return "".join(c for c in up if c.isalnum())


def former_plate_key(plate: str) -> str:
    """The rule before this revision: upper case, separators removed."""
    return "".join(c for c in plate.upper() if c.isalnum())


def _batches(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _rekey(conn: sa.Connection, rule: Callable[[str], str]) -> list[tuple[str, str, uuid.UUID]]:
    """Set every key by ``rule``; returns (country, key, id) of each vehicle, oldest first."""
    rows = conn.execute(
        sa.select(
            vehicles.c.id, vehicles.c.plate, vehicles.c.plate_key, vehicles.c.country
        ).order_by(vehicles.c.created_at, vehicles.c.id)
    ).all()
    changed = []
    keyed = []
    for row in rows:
        key = rule(row.plate)
        keyed.append((row.country, key, row.id))
        if key != row.plate_key:
            changed.append({"vid": row.id, "key": key})
    if changed:
        conn.execute(
            sa.update(vehicles)
            .where(vehicles.c.id == sa.bindparam("vid"))
            .values(plate_key=sa.bindparam("key")),
            changed,
        )
    return keyed


def _merge(conn: sa.Connection, kept: uuid.UUID, others: list[uuid.UUID]) -> None:
    """Point everything that refers to ``others`` at ``kept``, then delete ``others``."""
    for ids in _batches(others):
        for referring in REFERENCES:
            conn.execute(
                sa.update(referring).where(referring.c.vehicle_id.in_(ids)).values(vehicle_id=kept)
            )
        conn.execute(sa.delete(vehicles).where(vehicles.c.id.in_(ids)))
    latest = conn.execute(
        sa.select(crossings.c.vehicle_type)
        .where(crossings.c.vehicle_id == kept, crossings.c.vehicle_type.is_not(None))
        .order_by(crossings.c.recorded_at.desc(), crossings.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None:
        conn.execute(sa.update(vehicles).where(vehicles.c.id == kept).values(type=latest))


def upgrade() -> None:
    conn = op.get_bind()
    first: dict[tuple[str, str], uuid.UUID] = {}
    merged: dict[uuid.UUID, list[uuid.UUID]] = {}
    for country, key, vehicle_id in _rekey(conn, plate_key):
        kept = first.setdefault((country, key), vehicle_id)
        if kept != vehicle_id:
            merged.setdefault(kept, []).append(vehicle_id)
    for kept, others in merged.items():
        _merge(conn, kept, others)


def downgrade() -> None:
    _rekey(op.get_bind(), former_plate_key)
