"""Field types shared by the schema families of several features."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, StringConstraints
from pydantic_core import PydanticCustomError

from borderpost.errors import FieldProblem

# ICAO 9303 three-letter codes (ISO 3166-1 alpha-3 plus ICAO's own, e.g. UNO, XXA).
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{3}$")
]
# Codes of posts, organisations and lanes: short, stable, no spaces.
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^\S+$")
]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def field_error(field: str, reason: str) -> PydanticCustomError:
    """A cross-field validation error that still names its field (see ``problems_from``)."""
    return PydanticCustomError(
        "invalid_field", "{field} {reason}", {"field": field, "reason": reason}
    )


def field_path(loc: Sequence[int | str]) -> str:
    """``("traveller", "document", 0)`` -> ``traveller.document[0]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def problems_from(errors: Iterable[Mapping[str, Any]], strip: int = 0) -> list[FieldProblem]:
    """Pydantic's errors as field problems; ``strip`` drops leading loc parts (e.g. "body")."""
    problems = []
    for error in errors:
        loc = list(error.get("loc", ()))[strip:]
        ctx = error.get("ctx") or {}
        if error.get("type") == "invalid_field" and "field" in ctx:
            prefix = field_path(loc)
            field = f"{prefix}.{ctx['field']}" if prefix else str(ctx["field"])
            problems.append(FieldProblem(field, str(ctx["reason"])))
            continue
        # Pydantic prefixes messages raised by our validators; the officer needs only the reason.
        message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
        problems.append(FieldProblem(field_path(loc) or "input", message))
    return problems


# The days and moments the system takes in. A value in year 1 or 9999, moved into a post's time
# zone or into UTC, falls outside what a datetime can hold (an OverflowError, a 500); no
# crossing, closure or report lies outside these years.
FIRST_YEAR, LAST_YEAR = 1900, 2999
DayOrMoment = TypeVar("DayOrMoment", dt.date, dt.datetime)


def _in_years(value: DayOrMoment) -> DayOrMoment:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be in the years {FIRST_YEAR} to {LAST_YEAR}")
    return value


Day = Annotated[dt.date, AfterValidator(_in_years)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_years)]
