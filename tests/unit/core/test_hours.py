"""Opening hours and closures as spans (posts/hours.py): pure, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


# Zones with changes of clocks at odd hours and to odd offsets, and some without any.
ZONES = sorted(
    {
        "Europe/Berlin",
        "America/Santiago",
        "America/St_Johns",
        "Australia/Lord_Howe",
        "Asia/Kathmandu",
        "Asia/Tehran",
        "Pacific/Apia",
        "Pacific/Kiritimati",
        "America/Havana",
        "Africa/Casablanca",
        "Asia/Gaza",
        "Europe/Chisinau",
        "Asia/Baku",
        "UTC",
    }
)
_TIMES = st.sampled_from(["00:00", "00:30", "01:00", "02:00", "02:30", "03:00", "06:00"])
_ENDS = st.sampled_from(["12:00", "22:00", "23:30", "24:00"])
_WEEK = st.dictionaries(
    st.sampled_from(hours.WEEKDAYS), st.tuples(_TIMES, _ENDS).map(list), max_size=7
)


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    week=_WEEK,
    first=st.dates(dt.date(1995, 1, 1), dt.date(2035, 12, 31)),
    days=st.integers(1, 400),
)
def test_a_run_of_days_is_scheduled_as_day_by_day(
    zone: str, week: dict[str, list[str]], first: dt.date, days: int
) -> None:
    """``scheduled_days`` is ``scheduled`` for each day, changes of clocks included."""
    tz = ZoneInfo(zone)
    last = first + dt.timedelta(days=days - 1)
    one_by_one = [hours.scheduled(week, first + dt.timedelta(days=n), tz) for n in range(days)]
    assert hours.scheduled_days(week, first, last, tz) == one_by_one


def test_every_zone_over_its_changes_of_clocks_is_scheduled_as_day_by_day() -> None:
    week = {"mon": ["00:00", "24:00"], "sat": ["02:00", "03:00"], "sun": ["00:30", "23:30"]}
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = (last - first).days + 1
    for zone in sorted(available_timezones()):
        tz = ZoneInfo(zone)
        expected = [hours.scheduled(week, first + dt.timedelta(days=n), tz) for n in range(days)]
        assert hours.scheduled_days(week, first, last, tz) == expected, zone


_MOMENTS = st.integers(0, 40 * 24 * 60).map(
    lambda m: dt.datetime(2026, 3, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=m)
)
_SPANS = st.lists(
    st.tuples(_MOMENTS, st.integers(-60, 5 * 24 * 60)).map(
        lambda s: (s[0], s[0] + dt.timedelta(minutes=s[1]))
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(ZONES), week=_WEEK, closures=_SPANS)
def test_closed_hours_of_a_run_of_days_are_the_overlap_day_by_day(
    zone: str, week: dict[str, list[str]], closures: list[hours.Span]
) -> None:
    tz = ZoneInfo(zone)
    first, last = dt.date(2026, 3, 1), dt.date(2026, 4, 10)
    days = hours.scheduled_days(week, first, last, tz)
    expected = [hours.overlap(spans, closures) for spans in days]
    assert hours.closed_by_day(days, closures) == expected
