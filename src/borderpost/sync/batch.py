"""One transaction for a batch of a post's events, asking the database little per event.

Before a batch is applied, what its crossings refer to is read in a few statements (the
crossings already recorded, the travellers, travel documents and vehicles already stored,
their last ordering keys), and the new rows are queued and written together when the
transaction commits, referred-to rows first (``db.insert_at_commit``). An event that reads
records back (a correction, an ending, anything but a crossing recorded) first has the queue
written (``barrier``). The outcome of every event is the one it has applied alone.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from borderpost.crossings import recording
from borderpost.crossings.model import Crossing
from borderpost.db import order_deferred, write_deferred
from borderpost.outbox import Topic
from borderpost.people.model import TravelDocument, Traveller
from borderpost.sync import ordering
from borderpost.sync.events import Event
from borderpost.vehicles.model import Vehicle

TRAVELLERS = cast(Table, Traveller.__table__)
DOCUMENTS = cast(Table, TravelDocument.__table__)
VEHICLES = cast(Table, Vehicle.__table__)
STORED = (TRAVELLERS, DOCUMENTS, VEHICLES)
INSERT_ROW = {t.name: insert(t) for t in STORED}
_CROSSINGS = cast(Table, Crossing.__table__)
_ROWS = "sync.batch.rows"  # session.info: the Rows of the batch
# The payload's key for each table's row under "stored".
_KEYS = {"traveller": TRAVELLERS.name, "document": DOCUMENTS.name, "vehicle": VEHICLES.name}
_CHUNK = 1000


@dataclass
class Rows:
    # Per table, the rows stored or queued in this batch, by id: their values as they stand.
    present: dict[str, dict[uuid.UUID, dict[str, Any]]]
    queued: set[uuid.UUID] = field(default_factory=set)  # their values are the queue's own


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _ids_of(
    events: list[Event],
) -> tuple[set[uuid.UUID], set[uuid.UUID], dict[str, set[uuid.UUID]]]:
    """The crossings the batch records, those they ride in, and the rows they store; what
    cannot be read is left out (the event is refused when it is applied)."""
    crossings: set[uuid.UUID] = set()
    carriers: set[uuid.UUID] = set()
    rows: dict[str, set[uuid.UUID]] = {t.name: set() for t in STORED}
    for event in events:
        if event.topic != Topic.CROSSING_RECORDED:
            continue
        try:
            payload = json.loads(event.data)
        except ValueError:
            continue
        if not isinstance(payload, dict):
            continue
        if (made := _uuid(payload.get("id"))) is not None:
            crossings.add(made)
        if (rides := _uuid(payload.get("carried_by"))) is not None:
            carriers.add(rides)
        stored = payload.get("stored")
        if isinstance(stored, dict):
            for key, table in _KEYS.items():
                row = stored.get(key)
                if isinstance(row, dict) and (row_id := _uuid(row.get("id"))) is not None:
                    rows[table].add(row_id)
    return crossings, carriers, rows


def _existing(session: Session, table: Table, ids: set[uuid.UUID], *columns: Any) -> list[Any]:
    found: list[Any] = []
    listed = list(ids)
    chosen = columns or tuple(table.c)
    for start in range(0, len(listed), _CHUNK):
        found += (
            session.connection()
            .execute(select(*chosen).where(table.c.id.in_(listed[start : start + _CHUNK])))
            .all()
        )
    return found


def begin(session: Session, events: list[Event]) -> None:
    """Read what the batch's crossings refer to, and queue their rows in the right order."""
    crossings, carriers, rows = _ids_of(events)
    c = _CROSSINGS.c
    known = _existing(
        session, _CROSSINGS, crossings | carriers, c.id, c.kind, c.post_id, c.direction
    )
    session.info[recording.BATCH] = recording.Batch(
        absent=crossings - {r.id for r in known},
        carriers={r.id: r for r in known},
        flush=lambda: barrier(session),
    )
    present = {
        t.name: {r.id: dict(r._mapping) for r in _existing(session, t, rows[t.name])}
        for t in STORED
    }
    ordering.preload(session, [i for ids in present.values() for i in ids], ordering.ROW)
    session.info[_ROWS] = Rows(present)
    _order(session)


def _order(session: Session) -> None:
    order_deferred(session, [*INSERT_ROW.values(), recording.INSERT_CROSSING])


def rows(session: Session) -> Rows | None:
    """The batch's rows, or None: the event is applied alone."""
    return session.info.get(_ROWS)


def has_crossing(session: Session, crossing_id: uuid.UUID) -> bool:
    """Whether the crossing is known to be recorded (stored, or queued in this batch)."""
    batch: recording.Batch | None = session.info.get(recording.BATCH)
    return batch is not None and crossing_id in batch.carriers


def barrier(session: Session) -> None:
    """Write the queued rows now: the next change reads records back."""
    held = rows(session)
    if held is None:
        return
    write_deferred(session)
    held.queued.clear()
    _order(session)


def end(session: Session) -> None:
    session.info.pop(_ROWS, None)
    session.info.pop(recording.BATCH, None)
