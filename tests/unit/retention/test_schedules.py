"""Retention schedules: defaults, the network's periods, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from borderpost.retention.schedules import DEFAULT_DAYS, RecordKind, Schedule


def test_defaults_follow_the_entry_exit_system_and_settings_override_a_kind() -> None:
    schedule = Schedule.from_settings({})
    assert schedule.days[RecordKind.CROSSING] == 3 * 365
    assert schedule.days[RecordKind.REFUSED_CROSSING] == 5 * 365 + 1
    assert set(schedule.days) == set(RecordKind) == set(DEFAULT_DAYS)
    changed = Schedule.from_settings({"crossing": 30})
    assert changed.days[RecordKind.CROSSING] == 30
    assert changed.days[RecordKind.HIT] == DEFAULT_DAYS[RecordKind.HIT]
    now = dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC)
    assert changed.cutoff(RecordKind.CROSSING, now) == dt.datetime(2026, 10, 29, 8, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("configured", "named"),
    [({"crossings": 10}, "'crossings' is not one of"), ({"hit": 0}, "hit must be at least 1")],
)
def test_an_unknown_kind_or_a_period_under_a_day_is_refused_by_name(
    configured: dict[str, int], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        Schedule.from_settings(configured)
