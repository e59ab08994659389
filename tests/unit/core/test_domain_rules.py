"""Rules on plain domain objects, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from borderpost.people.model import TravelDocument
from borderpost.plates import normalise_plate
from borderpost.posts.model import Closure, Post
from borderpost.vocab import Category

UTC = dt.UTC


def _closure(start: dt.datetime, end: dt.datetime | None) -> Closure:
    return Closure(starts_at=start, ends_at=end, reason="landslide", authority="road authority")


def _post() -> Post:
    return Post(
        code="P-A", name="A", timezone="Asia/Yerevan", exempt_categories=["medical_evacuation"]
    )


def test_closed_post_refuses_with_reason_and_authority() -> None:
    closure = _closure(dt.datetime(2026, 1, 1, tzinfo=UTC), None)
    reason = _post().refusal_when_closed(Category.CIVILIAN, closure)
    assert reason == "post P-A closed: landslide (ordered by road authority)"


def test_medical_evacuation_passes_a_closed_post_by_default() -> None:
    closure = _closure(dt.datetime(2026, 1, 1, tzinfo=UTC), None)
    assert _post().refusal_when_closed(Category.MEDICAL_EVACUATION, closure) is None


def test_open_post_refuses_nothing() -> None:
    assert _post().refusal_when_closed(Category.CIVILIAN, None) is None


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (8, 9, False),  # ends when the closure starts: half-open intervals do not meet
        (8, 11, True),
        (11, 12, True),
        (12, None, True),
        (14, 15, False),  # starts when the closure ends
        (14, None, False),
        (1, None, True),
    ],
)
def test_closure_overlap(start: int, end: int | None, expected: bool) -> None:
    day = dt.datetime(2026, 1, 1, tzinfo=UTC)
    closure = _closure(day.replace(hour=9), day.replace(hour=14))
    other_end = day.replace(hour=end) if end is not None else None
    assert closure.overlaps(day.replace(hour=start), other_end) is expected


def test_open_ended_closure_overlaps_everything_after_its_start() -> None:
    day = dt.datetime(2026, 1, 1, tzinfo=UTC)
    closure = _closure(day, None)
    assert closure.overlaps(day + dt.timedelta(days=400), None)
    assert not closure.overlaps(day - dt.timedelta(days=1), day)


def test_document_expires_after_its_last_valid_day() -> None:
    document = TravelDocument(expiry=dt.date(2026, 3, 10))
    assert not document.expired_on(dt.date(2026, 3, 10))
    assert document.expired_on(dt.date(2026, 3, 11))


def test_local_day_bounds_follow_the_post_time_zone() -> None:
    start, end = _post().local_day_bounds(dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert start == dt.datetime(2026, 2, 28, 20, 0, tzinfo=UTC)  # Yerevan is UTC+4
    assert end - start == dt.timedelta(days=1)


def test_plates_compare_without_spaces_dashes_or_case() -> None:
    assert normalise_plate("10-ab 123") == normalise_plate("10AB123") == "10AB123"


def test_vehicles_and_screening_key_a_plate_alike() -> None:
    """One rule: the key a vehicle is found again by is the key screening compares plates by,
    so Cyrillic look-alikes typed at the booth make one vehicle, as screening sees one."""
    from borderpost.crossings import lookups
    from borderpost.screening.matcher import PlateIndex
    from borderpost.screening.matcher import plates as matcher_plates

    assert lookups.normalise_plate is normalise_plate
    assert matcher_plates.normalise_plate is normalise_plate
    assert normalise_plate("а 123 вс-77") == normalise_plate("A123BC77") == "A123BC77"
    listed = PlateIndex()
    listed.add("E1", "а 123 вс-77")
    [match] = listed.search("A123BC77")
    assert (match.entry_id, match.score) == ("E1", 1.0)
