"""Opening hours and closures as spans of time: what the access report adds up.

Pure: no database, no framework. A post's ``opening_hours`` maps a weekday (``mon`` ..
``sun``) to ``["HH:MM", "HH:MM"]`` in the post's own time zone, closing time after opening
time, ``24:00`` for midnight at the end of the day. An empty mapping means round the clock;
a weekday missing from a non-empty mapping means closed all that day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")

Span = tuple[dt.datetime, dt.datetime]  # [start, end), aware


def check_opening_hours(hours: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The opening hours with weekday names in lower case; ValueError naming the weekday."""
    out: dict[str, list[str]] = {}
    for key, span in hours.items():
        day = key.strip().lower()
        if day not in WEEKDAYS:
            raise ValueError(f"{key!r} is not a weekday: use one of {', '.join(WEEKDAYS)}")
        if len(span) != 2 or not all(isinstance(t, str) and _HHMM.match(t) for t in span):
            raise ValueError(f'{day}: write ["HH:MM", "HH:MM"] (24:00 for midnight)')
        if _minutes(span[1]) <= _minutes(span[0]):
            raise ValueError(f"{day}: closes at {span[1]}, not after it opens at {span[0]}")
        out[day] = [span[0], span[1]]
    return out


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _at(day: dt.date, minutes: int, zone: ZoneInfo) -> dt.datetime:
    # 24:00 is the next day's midnight; local times are resolved by the zone's rules.
    moment = dt.datetime.combine(day, dt.time(), zone) + dt.timedelta(days=minutes // 1440)
    local = moment.replace(hour=(minutes % 1440) // 60, minute=minutes % 60)
    return local.astimezone(dt.UTC)


def day_span(day: dt.date, zone: ZoneInfo) -> Span:
    """The local day as UTC instants (23 or 25 hours long on a change of clocks)."""
    return _at(day, 0, zone), _at(day, 1440, zone)


def scheduled(hours: Mapping[str, Sequence[str]], day: dt.date, zone: ZoneInfo) -> list[Span]:
    """When the post is scheduled to be open on the local ``day``, as UTC spans."""
    if not hours:
        return [day_span(day, zone)]
    span = hours.get(WEEKDAYS[day.weekday()])
    if not span:
        return []
    return [(_at(day, _minutes(span[0]), zone), _at(day, _minutes(span[1]), zone))]


def union(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans merged, in order."""
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def overlap(a: Sequence[Span], b: Sequence[Span]) -> dt.timedelta:
    """How long the union of ``a`` and the union of ``b`` have in common."""
    total = dt.timedelta()
    for a_start, a_end in union(a):
        for b_start, b_end in union(b):
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                total += end - start
    return total


def length(spans: Iterable[Span]) -> dt.timedelta:
    """Time covered by ``spans``, overlaps counted once."""
    return sum((end - start for start, end in union(spans)), dt.timedelta())
