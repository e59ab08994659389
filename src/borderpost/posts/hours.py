"""Opening hours and closures as spans of time: what the access report adds up.

``scheduled`` and ``overlap`` answer for one day; ``scheduled_days`` and ``closed_by_day``
answer the same for a run of days at once (a year of a post: 366 days), the zone's clocks
looked up once per change of clocks rather than twice a day, and the closures merged once.

Pure: no database, no framework. A post's ``opening_hours`` maps a weekday (``mon`` ..
``sun``) to ``["HH:MM", "HH:MM"]`` in the post's own time zone, closing time after opening
time, ``24:00`` for midnight at the end of the day. An empty mapping means round the clock;
a weekday missing from a non-empty mapping means closed all that day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
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


@functools.lru_cache(maxsize=256)
def offsets(
    zone: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> tuple[tuple[dt.datetime, int], ...]:
    """((until, UTC offset in minutes), ...) covering [start, end): one per change of clocks.

    The zone is looked up once a day and each change found to the second, so two changes
    within one day that cancel out would be missed (no zone has had one). Remembered: a
    report asks for the same post's period more than once.
    """

    def offset(at: dt.datetime) -> int:
        delta = at.astimezone(zone).utcoffset() or dt.timedelta()
        return int(delta.total_seconds() // 60)

    out: list[tuple[dt.datetime, int]] = []
    here, current = start, offset(start)
    while here < end:
        step = min(here + dt.timedelta(days=1), end)
        if offset(step - dt.timedelta(seconds=1)) != current:
            lo, hi = here, step - dt.timedelta(seconds=1)
            while hi - lo > dt.timedelta(seconds=1):  # the change, to the second
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == current else (lo, mid)
            out.append((hi, current))
            here, current = hi, offset(hi)
            continue
        here = step
    out.append((end, current))
    return tuple(out)


# A day is computed by the zone's rules (``scheduled``) when a change of clocks is nearer
# than this to it; further away, every local time of the day has one reading, at the offset
# in force (offsets differ by less than 27 hours).
_MARGIN = dt.timedelta(days=2)
_DAY = dt.timedelta(days=1)


def scheduled_days(
    hours: Mapping[str, Sequence[str]], first: dt.date, last: dt.date, zone: ZoneInfo
) -> list[list[Span]]:
    """``scheduled(hours, day, zone)`` for each day of ``first``..``last``, the same spans.

    Between changes of clocks a local time is its UTC time plus a fixed offset, so a day's
    spans are its weekday's opening and closing minutes less that offset; the days near a
    change are computed by the zone's rules, one by one.
    """
    span_of: list[tuple[dt.timedelta, dt.timedelta] | None] = []
    for name in WEEKDAYS:
        hhmm = hours.get(name) if hours else ["00:00", "24:00"]
        span_of.append(
            (dt.timedelta(minutes=_minutes(hhmm[0])), dt.timedelta(minutes=_minutes(hhmm[1])))
            if hhmm
            else None
        )
    naive_first = dt.datetime.combine(first, dt.time())
    count = (last - first).days + 1
    since = naive_first.replace(tzinfo=dt.UTC) - dt.timedelta(days=4)
    runs = [
        (until, dt.timedelta(minutes=offset))
        for until, offset in offsets(zone, since, since + dt.timedelta(days=count + 9))
    ]
    out: list[list[Span]] = []
    i = 0
    until, shift = runs[0]
    local = naive_first.replace(tzinfo=dt.UTC)  # the day's local midnight, as if in UTC
    weekday = first.weekday()
    for n in range(count):
        # The run of the offset in force at the day's start (a guess near a change: checked).
        while i + 1 < len(runs) and local - runs[i + 1][1] >= until:
            since, i = until, i + 1
            until, shift = runs[i]
        utc = local - shift
        if utc - _MARGIN < since or utc + _DAY + _MARGIN > until:
            out.append(scheduled(hours, first + dt.timedelta(days=n), zone))  # a change near
        else:
            opening = span_of[weekday]
            out.append([] if opening is None else [(utc + opening[0], utc + opening[1])])
        local += _DAY
        weekday = (weekday + 1) % 7
    return out


def closed_by_day(days: Sequence[Sequence[Span]], closures: Iterable[Span]) -> list[dt.timedelta]:
    """``overlap(day, closures)`` for each day's spans, the closures merged once."""
    merged = union(closures)
    ends = [end for _start, end in merged]
    out: list[dt.timedelta] = []
    for spans in days:
        total = dt.timedelta()
        for start, end in union(spans) if len(spans) > 1 else spans:
            if not start < end:
                continue
            j = bisect.bisect_right(ends, start)  # the first closure ending after the start
            while j < len(merged) and merged[j][0] < end:
                total += min(end, merged[j][1]) - max(start, merged[j][0])
                j += 1
        out.append(total)
    return out
