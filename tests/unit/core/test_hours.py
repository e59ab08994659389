"""Opening hours and closures as spans (posts/hours.py): pure, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from borderpost.posts import hours
from borderpost.posts.schemas import PostCreate

BERLIN = ZoneInfo("Europe/Berlin")


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def test_a_day_with_a_change_of_clocks_has_23_or_25_hours() -> None:
    spring, autumn = dt.date(2026, 3, 29), dt.date(2026, 10, 25)
    assert hours.length(hours.scheduled({}, spring, BERLIN)) == dt.timedelta(hours=23)
    assert hours.length(hours.scheduled({}, autumn, BERLIN)) == dt.timedelta(hours=25)


def test_scheduled_hours_follow_the_weekday_and_24_00_is_midnight() -> None:
    week = {"sun": ["08:00", "24:00"]}
    sunday, monday = dt.date(2026, 3, 29), dt.date(2026, 3, 30)
    [(start, end)] = hours.scheduled(week, sunday, BERLIN)
    assert (start, end) == (_utc("2026-03-29T08:00+02:00"), _utc("2026-03-30T00:00+02:00"))
    assert hours.scheduled(week, monday, BERLIN) == []  # not listed: closed all day


def test_overlap_counts_overlapping_closures_once() -> None:
    day = [(_utc("2026-03-10T08:00+00:00"), _utc("2026-03-10T20:00+00:00"))]
    closures = [
        (_utc("2026-03-10T06:00+00:00"), _utc("2026-03-10T10:00+00:00")),
        (_utc("2026-03-10T09:00+00:00"), _utc("2026-03-10T11:00+00:00")),
    ]
    assert hours.overlap(day, closures) == dt.timedelta(hours=3)
    assert hours.length(closures) == dt.timedelta(hours=5)


@pytest.mark.parametrize(
    ("week", "reason"),
    [
        ({"friday": ["08:00", "18:00"]}, "'friday' is not a weekday"),
        ({"fri": ["8:00", "18:00"]}, 'fri: write ["HH:MM", "HH:MM"]'),
        ({"fri": ["18:00", "08:00"]}, "fri: closes at 08:00, not after it opens at 18:00"),
    ],
)
def test_bad_opening_hours_are_refused_with_the_weekday_and_the_reason(
    week: dict[str, list[str]], reason: str
) -> None:
    with pytest.raises(ValidationError) as bad:
        PostCreate(code="A", name="A", timezone="UTC", opening_hours=week)
    [error] = bad.value.errors()
    assert error["loc"] == ("opening_hours",)
    assert reason in error["msg"]
