"""Transits kept as the crossings are recorded, in the same transaction.

A vehicle crossing admitted at a corridor's end is paired at once with the vehicle's latest
transit in that corridor (``pairing.pair`` on that transit's open entry and the new
crossing): one indexed look-up and an insert. A crossing that arrives out of order (a
replica from the network, recorded late), and any change to a recorded crossing (a
correction, an inspection's decision, a change received from a post), pairs the vehicle's
crossings in that corridor again from the start. A new corridor pairs the history of its
two posts. Whether an open transit is overdue is left to the reader: it depends on when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, bindparam, delete, event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from borderpost import reference
from borderpost.crossings.model import Crossing
from borderpost.ids import new_id
from borderpost.transit.model import Corridor, StoredTransit
from borderpost.transit.pairing import Movement, Transit, TransitState, pair
from borderpost.vocab import Decision, Kind

_C = cast(Table, Crossing.__table__)
_T = cast(Table, StoredTransit.__table__)
OPEN = TransitState.IN_TRANSIT.value  # an entry without exit, overdue or not
# Pairing's "now": before any crossing, so an open transit comes out in transit, never overdue.
_NEVER = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
# Changes to a crossing that can change its vehicle's transits.
_PAIRING_FIELDS = ("decision", "category", "direction", "time", "post_id", "vehicle_id")

_LATEST = (
    select(_T.c.id, _T.c.state, _T.c.last_at, _T.c.last_id, _T.c.entry_id)
    .where(_T.c.corridor_id == bindparam("corridor"), _T.c.vehicle_id == bindparam("vehicle"))
    .order_by(_T.c.last_at.desc(), _T.c.last_id.desc())
    .limit(1)
)
_DELETE_ONE = delete(_T).where(_T.c.id == bindparam("transit"))
_DELETE_VEHICLE = delete(_T).where(
    _T.c.corridor_id == bindparam("corridor"), _T.c.vehicle_id == bindparam("vehicle")
)
_INSERT = insert(_T)
_MOVE_COLUMNS = (
    _C.c.id,
    _C.c.vehicle_id,
    _C.c.post_id,
    _C.c.direction,
    _C.c.time,
    _C.c.category,
    _C.c.vehicle_type,
)
_CROSSING = select(*_MOVE_COLUMNS).where(_C.c.id == bindparam("id"))


class _Crossed(Protocol):
    """What pairing needs of a crossing: a row read back, or the one just recorded."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def vehicle_id(self) -> uuid.UUID | None: ...
    @property
    def post_id(self) -> uuid.UUID: ...
    @property
    def direction(self) -> str: ...
    @property
    def time(self) -> dt.datetime: ...
    @property
    def category(self) -> str: ...
    @property
    def vehicle_type(self) -> str | None: ...


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _movement(row: _Crossed) -> Movement:
    assert row.vehicle_id is not None
    return Movement(
        row.id, row.vehicle_id, str(row.post_id), row.direction, _utc(row.time), row.category
    )


def _counts(corridor: Corridor, category: str, decision: str) -> bool:
    """Whether an admitted crossing of this category is a movement of ``corridor``."""
    if decision != Decision.ADMITTED.value:
        return False
    return not corridor.categories or category in corridor.categories


def _rows(
    corridor: Corridor, transits: Iterable[Transit], types: dict[uuid.UUID, str | None]
) -> list[dict[str, Any]]:
    out = []
    for t in transits:
        first = t.entry or t.exit
        last = t.exit or t.entry
        assert first is not None
        assert last is not None
        row: dict[str, Any] = {
            "id": new_id(),
            "corridor_id": corridor.id,
            "vehicle_id": t.vehicle_id,
            "state": t.state.value,
            "began_at": first.time,
            "category": first.category,
            "vehicle_type": types.get(first.crossing_id),
            "deadline_at": t.deadline_at,
            "last_at": last.time,
            "last_id": last.crossing_id,
        }
        for end, move in (("entry", t.entry), ("exit", t.exit)):
            row[f"{end}_id"] = move.crossing_id if move else None
            row[f"{end}_post_id"] = uuid.UUID(move.post) if move else None
            row[f"{end}_time"] = move.time if move else None
            row[f"{end}_category"] = move.category if move else None
        out.append(row)
    return out


def _paired(corridor: Corridor, crossings: Sequence[_Crossed]) -> list[dict[str, Any]]:
    """The stored rows of ``crossings`` (sorted by vehicle, time and id) paired in order."""
    types = {c.id: c.vehicle_type for c in crossings}
    moves = [_movement(c) for c in crossings]
    return _rows(corridor, pair(moves, corridor.deadline_for, _NEVER), types)


def _movements_query(corridor: Corridor) -> Any:
    wanted = [
        _C.c.kind == Kind.VEHICLE.value,
        _C.c.post_id.in_([corridor.post_a_id, corridor.post_b_id]),
        _C.c.decision == Decision.ADMITTED.value,
    ]
    if corridor.categories:
        wanted.append(_C.c.category.in_(corridor.categories))
    return select(*_MOVE_COLUMNS).where(*wanted)


def pair_vehicle(conn: Connection, corridor: Corridor, vehicle_id: uuid.UUID) -> None:
    """Pair the vehicle's crossings in ``corridor`` again, from the first."""
    conn.execute(_DELETE_VEHICLE, {"corridor": corridor.id, "vehicle": vehicle_id})
    query = _movements_query(corridor).where(_C.c.vehicle_id == vehicle_id)
    crossings = conn.execute(query.order_by(_C.c.time, _C.c.id)).all()
    rows = _paired(corridor, crossings)
    if rows:
        conn.execute(_INSERT, rows)


def pair_corridor(conn: Connection, corridor: Corridor, batch: int = 20_000) -> int:
    """Pair every crossing of the corridor's two posts (a new corridor); the transits stored."""
    conn.execute(delete(_T).where(_T.c.corridor_id == corridor.id))
    query = (
        _movements_query(corridor)
        .where(_C.c.vehicle_id.is_not(None))
        .order_by(_C.c.vehicle_id, _C.c.time, _C.c.id)
    )
    stored = 0
    pending: list[dict[str, Any]] = []
    result = conn.execute(query.execution_options(yield_per=batch))
    for _vehicle, crossings in groupby(result, key=lambda r: r.vehicle_id):
        pending.extend(_paired(corridor, list(crossings)))
        if len(pending) >= batch:
            conn.execute(_INSERT, pending)
            stored += len(pending)
            pending = []
    if pending:
        conn.execute(_INSERT, pending)
        stored += len(pending)
    return stored


def _corridors_of(
    session: Session, crossing: _Crossed, kind: str, decision: str
) -> Iterator[Corridor]:
    if kind != Kind.VEHICLE.value or crossing.vehicle_id is None:
        return
    for corridor in reference.for_session(session).corridors.get(crossing.post_id, []):
        if _counts(corridor, crossing.category, decision):
            yield corridor


def pairs(session: Session, crossing: Any) -> bool:
    """Whether a crossing just recorded is at the end of a corridor it counts in."""
    return any(True for _ in _corridors_of(session, crossing, crossing.kind, crossing.decision))


def crossing_recorded(session: Session, crossing: Any) -> None:
    """Pair a crossing just recorded (``recording.RecordedCrossing``) in its corridors."""
    for corridor in _corridors_of(session, crossing, crossing.kind, crossing.decision):
        _add(session.connection(), corridor, crossing)


def _add(conn: Connection, corridor: Corridor, crossing: _Crossed) -> None:
    assert crossing.vehicle_id is not None
    latest = conn.execute(
        _LATEST, {"corridor": corridor.id, "vehicle": crossing.vehicle_id}
    ).one_or_none()
    if latest is not None and (_utc(latest.last_at), latest.last_id) > (
        _utc(crossing.time),
        crossing.id,
    ):
        pair_vehicle(conn, corridor, crossing.vehicle_id)  # arrived out of order
        return
    crossings: list[_Crossed] = []
    if latest is not None and latest.state == OPEN:
        # The open entry is the vehicle's latest movement: the new crossing decides it.
        crossings.append(conn.execute(_CROSSING, {"id": latest.entry_id}).one())
        conn.execute(_DELETE_ONE, {"transit": latest.id})
    crossings.append(crossing)
    conn.execute(_INSERT, _paired(corridor, crossings))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # Crossings changed or added through the ORM (a correction, an inspection's decision, a
    # change received from a post): their vehicles are paired again, where they were and are.
    snapshot: reference.Reference | None = None
    touched: dict[tuple[uuid.UUID, uuid.UUID], Corridor] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Crossing) or obj.kind != Kind.VEHICLE.value:
            continue
        attrs = inspect(obj).attrs
        if obj in session.dirty and not any(
            attrs[name].history.has_changes() for name in _PAIRING_FIELDS
        ):
            continue
        snapshot = snapshot or reference.for_session(session)
        was = {n: attrs[n].history.deleted for n in ("post_id", "vehicle_id")}
        places = {
            (obj.post_id, obj.vehicle_id),
            (was["post_id"][0] if was["post_id"] else obj.post_id,
             was["vehicle_id"][0] if was["vehicle_id"] else obj.vehicle_id),
        }  # fmt: skip
        for post_id, vehicle_id in places:
            if vehicle_id is None:
                continue
            for corridor in snapshot.corridors.get(post_id, []):
                touched[(corridor.id, vehicle_id)] = corridor
    for (_corridor, vehicle_id), corridor in sorted(touched.items(), key=str):
        pair_vehicle(session.connection(), corridor, vehicle_id)


event.listen(Session, "after_flush", _after_flush)
