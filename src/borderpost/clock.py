"""The one place that reads the wall clock, so tests and imports can pin time."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
