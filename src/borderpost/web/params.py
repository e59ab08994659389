"""Query parameters of the pages' filter forms.

A form sends every field, so a choice left at "every ..." arrives as an empty string: that
means "no filter", not a bad value. A value off the list is still refused, and shown at its
field (``borderpost.web.errors``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BeforeValidator

T = TypeVar("T")


def blank_to_none(value: Any) -> Any:
    """An empty or blank field is an absent one."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


Blank = BeforeValidator(blank_to_none)
# A filter's choice: the empty "every ..." option is no filter.
Choice = Annotated[T | None, Blank, Query()]
# A date of a filter form, from an <input type="date">, which sends "" when cleared.
DateFrom = Annotated[dt.date | None, Blank, Query(alias="from")]
DateTo = Annotated[dt.date | None, Blank, Query()]
