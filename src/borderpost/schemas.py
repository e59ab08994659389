"""Field types shared by the schema families of several features."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints
from pydantic_core import PydanticCustomError

from borderpost.errors import FieldProblem
from borderpost.messages import N_, Message

# ICAO 9303 three-letter codes (ISO 3166-1 alpha-3 plus ICAO's own, e.g. UNO, XXA).
CountryCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, max_length=3, pattern=r"^[A-Z]{3}$"),
]
# The one spelling of a code (posts, organisations, lanes, corridors): ASCII letters and
# digits, then also dot, underscore or hyphen, 32 at most. A post's code names its ledger's
# folder and URL (``/ledger/<POST>/``), so anything the ledger cannot take is refused here.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=CODE_PATTERN),
]

# Every free text and every list an input schema takes is bounded: one request, one import
# line or one shipped event can never grow a page, an outbox row, an audit entry or a message
# past what the rest of the system carries (a NATS message is 1 MB at most).
SHORT_TEXT = 200  # names, authorities, a typed label
LONG_TEXT = 2000  # a closure's reason, a free note
REASON_TEXT = 500  # one reason of a decision
MAX_REASONS = 20  # reasons of one decision
MAX_LIST = 100  # any other list an input takes, unless its schema says less

# Optional text (may be empty), at most SHORT_TEXT characters.
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SHORT_TEXT)]
# Required text, 1 to SHORT_TEXT characters.
Text200 = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT)
]
# Required longer text, 1 to LONG_TEXT characters.
BoundedText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LONG_TEXT)
]
# One reason of a decision (refusal, referral, correction), and the reasons of one decision.
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_TEXT)
]
Reasons = Annotated[list[Reason], Field(max_length=MAX_REASONS)]


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


# Pydantic's error types, worded as our reasons: one table, translated like every message. The
# placeholders are the names pydantic puts in the error's ``ctx``.
PYDANTIC_REASONS: dict[str, str] = {
    "missing": N_("is required"),
    "string_type": N_("must be text"),
    "string_too_short": N_("must be at least {min_length} characters"),
    "string_too_long": N_("must be at most {max_length} characters"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "too_short": N_("must have at least {min_length} items"),
    "too_long": N_("must have at most {max_length} items"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be {ge} or more"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be {le} or less"),
    "multiple_of": N_("must be a multiple of {multiple_of}"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "decimal_max_digits": N_("must have at most {max_digits} digits"),
    "decimal_max_places": N_("must have at most {decimal_places} decimal places"),
    "decimal_whole_digits": N_("must have at most {whole_digits} digits before the point"),
    "finite_number": N_("must be a finite number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "date_type": N_("must be a date, YYYY-MM-DD"),
    "date_parsing": N_("must be a date, YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("must be a date, YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("must be a date without a time"),
    "datetime_type": N_("must be a date and time, YYYY-MM-DDTHH:MM"),
    "datetime_parsing": N_("must be a date and time, YYYY-MM-DDTHH:MM"),
    "datetime_from_date_parsing": N_("must be a date and time, YYYY-MM-DDTHH:MM"),
    "timezone_aware": N_("must give its time zone"),
    "uuid_type": N_("is not a valid identifier"),
    "uuid_parsing": N_("is not a valid identifier"),
    "enum": N_("must be one of {expected}"),
    "literal_error": N_("must be one of {expected}"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "set_type": N_("must be a list"),
    "extra_forbidden": N_("is not a field of this form"),
    "json_invalid": N_("is not valid JSON"),
    "json_type": N_("is not valid JSON"),
    "url_parsing": N_("is not a valid address"),
    "url_type": N_("is not a valid address"),
}


def reason_of(error: Mapping[str, Any]) -> str:
    """One pydantic error's reason: ours from the table, or the message our validator raised."""
    template = PYDANTIC_REASONS.get(str(error.get("type")))
    if template is not None:
        ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
        try:
            return Message(template, **ctx) if ctx else Message(template)
        except (KeyError, IndexError):
            return Message(template.split(" {")[0])
    # Pydantic prefixes messages raised by our validators; the officer needs only the reason.
    return Message.of(str(error.get("msg", "is invalid")).removeprefix("Value error, "))


def problems_from(errors: Iterable[Mapping[str, Any]], strip: int = 0) -> list[FieldProblem]:
    """Pydantic's errors as field problems; ``strip`` drops leading loc parts (e.g. "body")."""
    problems = []
    for error in errors:
        loc = list(error.get("loc", ()))[strip:]
        ctx = error.get("ctx") or {}
        if error.get("type") == "invalid_field" and "field" in ctx:
            prefix = field_path(loc)
            field = f"{prefix}.{ctx['field']}" if prefix else str(ctx["field"])
            reason = ctx["reason"]
            problems.append(FieldProblem(field, reason if isinstance(reason, str) else str(reason)))
            continue
        problems.append(FieldProblem(field_path(loc) or "input", reason_of(error)))
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
