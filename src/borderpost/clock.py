"""The one place that reads the wall clock, so tests and imports can pin time.

``BORDERPOST_NOW`` (an ISO 8601 instant with its offset) pins the start of the process's
clock: from there it runs on at the machine's pace, so a demo, a server and the tests around
them agree on the day and the hour whatever the hour the machine is at. The test suite sets
it; nobody else needs to.
"""

from __future__ import annotations

import datetime as dt
import os
import time

ENV = "BORDERPOST_NOW"

# (the pinned instant, the monotonic reading when it was pinned), or None: the wall clock.
_pinned: tuple[dt.datetime, float] | None = None


def parse(text: str) -> dt.datetime:
    """An ISO 8601 instant with its offset, in UTC; ValueError if it has no offset."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{ENV} needs an offset, e.g. 2026-12-01T08:00:00+00:00: {text!r}")
    return moment.astimezone(dt.UTC)


def pin(moment: dt.datetime | None) -> None:
    """Let the clock start at ``moment`` and run on from there; None: the wall clock again."""
    global _pinned
    if moment is None:
        _pinned = None
        return
    if moment.tzinfo is None:
        raise ValueError("a pinned instant needs a time zone")
    _pinned = (moment.astimezone(dt.UTC), time.monotonic())


def now() -> dt.datetime:
    if _pinned is not None:
        start, since = _pinned
        return start + dt.timedelta(seconds=time.monotonic() - since)
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC by this clock (a post's local day: ``now()`` in its zone)."""
    return now().date()


if os.environ.get(ENV):
    pin(parse(os.environ[ENV]))
