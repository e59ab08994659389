"""Pairing crossings into transits, and repeated movements: pure, no database."""

from __future__ import annotations

import datetime as dt
import uuid

from borderpost.transit.pairing import Movement, TransitState, pair, repeated

T0 = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
CAR = uuid.uuid4()


def move(post: str, direction: str, hours: float, vehicle: uuid.UUID = CAR) -> Movement:
    return Movement(
        uuid.uuid4(), vehicle, post, direction, T0 + dt.timedelta(hours=hours), "commercial"
    )


def states(moves: list[Movement], now_hours: float = 1000) -> list[TransitState]:
    now = T0 + dt.timedelta(hours=now_hours)
    return [t.state for t in pair(moves, lambda _c: dt.timedelta(hours=48), now)]


def test_entry_then_exit_at_the_other_end_in_time_is_completed() -> None:
    moves = [move("W", "in", 0), move("E", "out", 30)]
    [transit] = pair(moves, lambda _c: dt.timedelta(hours=48), T0)
    assert transit.state is TransitState.COMPLETED
    assert transit.duration == dt.timedelta(hours=30)
    assert transit.deadline_at == T0 + dt.timedelta(hours=48)


def test_late_exit_overdue_and_in_transit() -> None:
    assert states([move("W", "in", 0), move("E", "out", 49)]) == [TransitState.COMPLETED_LATE]
    assert states([move("E", "in", 0)], now_hours=49) == [TransitState.OVERDUE]
    assert states([move("E", "in", 0)], now_hours=47) == [TransitState.IN_TRANSIT]


def test_exit_without_entry_return_and_entry_without_exit() -> None:
    assert states([move("E", "out", 0)]) == [TransitState.EXIT_WITHOUT_ENTRY]
    assert states([move("W", "in", 0), move("W", "out", 5)]) == [TransitState.RETURNED]
    # A second entry with no exit between: the first stays without an exit.
    assert states([move("W", "in", 0), move("W", "in", 100), move("E", "out", 110)]) == [
        TransitState.OVERDUE,
        TransitState.COMPLETED,
    ]


def test_vehicles_are_paired_separately() -> None:
    other = uuid.uuid4()
    moves = sorted(
        [move("W", "in", 0), move("E", "out", 10, other), move("E", "out", 20)],
        key=lambda m: (m.vehicle_id, m.time),
    )
    assert sorted(states(moves)) == sorted(
        [TransitState.COMPLETED, TransitState.EXIT_WITHOUT_ENTRY]
    )


def test_repeated_movements_within_a_window() -> None:
    week = dt.timedelta(days=7)
    often = [move("W", d, h) for d, h in (("in", 0), ("out", 20), ("in", 50), ("out", 100))]
    assert [len(run) for _, run in repeated(often, 4, week)] == [4]
    spread = [move("W", "in", h) for h in (0, 100, 200, 300)]
    assert list(repeated(spread, 4, week)) == []
    # Back and forth within a day: 2 crossings within 24 h; the lone one is left out.
    day = [move("W", "in", 0), move("W", "out", 5), move("W", "in", 200)]
    [(_, run)] = repeated(day, 2, dt.timedelta(hours=24))
    assert [m.time for m in run] == [day[0].time, day[1].time]
