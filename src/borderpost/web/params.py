"""Query parameters of the pages' filter forms.

A form sends every field, so a choice left at "every ..." arrives as an empty string: that
means "no filter", not a bad value. A value off the list is still refused, and shown at its
field (``borderpost.web.errors``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BeforeValidator, Field

T = TypeVar("T")


def blank_to_none(value: Any) -> Any:
    """An empty or blank field is an absent one."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


Blank = BeforeValidator(blank_to_none)
# A filter's choice: the empty "every ..." option is no filter.
Choice = Annotated[T | None, Blank, Query()]
# Far outside any record, and far from the calendar's ends, where a date's arithmetic fails.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
# A date of a filter form, from an <input type="date">, which sends "" when cleared.
Day = Annotated[dt.date, Field(ge=EARLIEST, le=LATEST)]
DateFrom = Annotated[Day | None, Blank, Query(alias="from")]
DateTo = Annotated[Day | None, Blank, Query()]
