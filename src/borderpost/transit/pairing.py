"""Pairing a vehicle's crossings at a corridor's ends into transits; repeated movements.

Pure: no database, no framework. The caller gives each vehicle's admitted crossings at the
corridor's two posts in time order; a transit is derived, never stored, so a correction, an
inspection's decision or a replica that arrives late is reflected at the next reading.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby


class TransitState(StrEnum):
    IN_TRANSIT = "in_transit"  # entered, no exit yet, deadline not passed
    OVERDUE = "overdue"  # entered, no exit, deadline passed
    COMPLETED = "completed"  # left by the other end within the deadline
    COMPLETED_LATE = "completed_late"  # left by the other end after the deadline
    RETURNED = "returned"  # left by the post it entered at
    EXIT_WITHOUT_ENTRY = "exit_without_entry"  # left by an end with no entry recorded before


@dataclass(frozen=True)
class Movement:
    """One admitted vehicle crossing at one end of a corridor."""

    crossing_id: uuid.UUID
    vehicle_id: uuid.UUID
    post: str
    direction: str
    time: dt.datetime
    category: str


@dataclass(frozen=True)
class Transit:
    vehicle_id: uuid.UUID
    state: TransitState
    entry: Movement | None
    exit: Movement | None
    deadline_at: dt.datetime | None

    @property
    def duration(self) -> dt.timedelta | None:
        if self.entry is None or self.exit is None:
            return None
        return self.exit.time - self.entry.time

    @property
    def time(self) -> dt.datetime:
        """When it began: the entry, or the exit of an exit without entry."""
        first = self.entry or self.exit
        assert first is not None
        return first.time

    def touches(self, post: str) -> bool:
        return any(m is not None and m.post == post for m in (self.entry, self.exit))


def _opened(entry: Movement, deadline: Callable[[str], dt.timedelta], now: dt.datetime) -> Transit:
    due = entry.time + deadline(entry.category)
    state = TransitState.OVERDUE if now > due else TransitState.IN_TRANSIT
    return Transit(entry.vehicle_id, state, entry, None, due)


def pair(
    movements: Iterable[Movement],
    deadline: Callable[[str], dt.timedelta],
    now: dt.datetime,
) -> Iterator[Transit]:
    """Transits of ``movements`` (sorted by vehicle, then time) as of ``now``.

    An entry opens a transit; the vehicle's next crossing at either end decides it: an exit
    at the other end completes it (late after the deadline), an exit at the same end is a
    return, another entry leaves it without an exit (in transit or overdue). An exit with no
    open entry before it is an exit without entry. ``deadline`` gives the time allowed for
    the entry's category.
    """
    for vehicle_id, group in groupby(movements, key=lambda m: m.vehicle_id):
        open_entry: Movement | None = None
        for move in group:
            if move.direction == "in":
                if open_entry is not None:
                    yield _opened(open_entry, deadline, now)
                open_entry = move
                continue
            if open_entry is None:
                yield Transit(vehicle_id, TransitState.EXIT_WITHOUT_ENTRY, None, move, None)
                continue
            due = open_entry.time + deadline(open_entry.category)
            if move.post == open_entry.post:
                state = TransitState.RETURNED
            elif move.time > due:
                state = TransitState.COMPLETED_LATE
            else:
                state = TransitState.COMPLETED
            yield Transit(vehicle_id, state, open_entry, move, due)
            open_entry = None
        if open_entry is not None:
            yield _opened(open_entry, deadline, now)


def repeated(
    movements: Iterable[Movement], min_crossings: int, window: dt.timedelta
) -> Iterator[tuple[uuid.UUID, list[Movement]]]:
    """Vehicles with at least ``min_crossings`` crossings within some ``window``.

    ``movements`` are sorted by vehicle, then time. Yields each such vehicle once with every
    crossing that falls in a qualifying window (the union of those windows), in time order.
    """
    for vehicle_id, group in groupby(movements, key=lambda m: m.vehicle_id):
        moves = list(group)
        chosen: set[int] = set()
        start = 0
        for end in range(len(moves)):
            while moves[end].time - moves[start].time > window:
                start += 1
            if end - start + 1 >= min_crossings:
                chosen.update(range(start, end + 1))
        if chosen:
            yield vehicle_id, [moves[i] for i in sorted(chosen)]
