"""Field types shared by the schema families of several features."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import StringConstraints
from pydantic_core import PydanticCustomError

from borderpost.errors import FieldProblem
from borderpost.messages import N_, Message

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
