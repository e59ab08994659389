"""What the MRZ parser returns: results, problems, flags and repairs (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Every name a Problem, a flag or a Repair may carry in its ``field`` (see mrz.py's docstring).
FIELDS: frozenset[str] = frozenset(
    {
        "document_type",
        "issuer",
        "document_number",
        "birth_date",
        "sex",
        "expiry_date",
        "nationality",
        "optional_data",
        "optional_data_2",
        "surname",
        "given_names",
        "composite",
        "line_count",
        "line_length",
        "characters",
    }
)

#: Every ``code`` a Problem or a flag may carry.
PROBLEM_CODES: frozenset[str] = frozenset(
    {
        # problems (they make the result invalid)
        "line_count",  # not 2 or 3 lines
        "line_length",  # a line is not the length its format requires
        "character",  # a character the field's format forbids (a letter in a date, '?' anywhere)
        "check_digit",  # a check digit does not match its data
        "date",  # not a calendar date, or a date that cannot be
        "unknown_code",  # issuer or nationality not in Doc 9303 Part 3
        "document_code",  # the document code does not fit the format (e.g. 'V' on a TD1)
        "missing",  # a mandatory field is empty
        "internal",  # the parser itself failed (never expected; reported, never raised)
        # flags (warnings for the officer; the MRZ itself is sound)
        "expired",
        "minor",
        "specimen",
        "lowercase",
        "name_truncated",
        "birth_date_unknown",
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one field, worded for an officer at the booth.

    ``field`` is one of FIELDS; ``code`` one of PROBLEM_CODES, for programs (the UI picks a
    colour by it, tests assert on it); ``message`` is for people.
    """

    field: str
    message: str
    code: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the JSON-ready form: ``{"field", "message", "code"}``."""
        return {"field": self.field, "message": self.message, "code": self.code}


@dataclass(frozen=True, slots=True)
class Repair:
    """One character the OCR repair changed.

    ``position`` is the 0-based index in the field as printed in the MRZ, its check digit
    counted as the character right after the field's data (so a document number of nine
    characters has its check digit at position 9). ``line`` and ``column`` are 1-based, as in
    Doc 9303's tables, so a UI can highlight the character.
    """

    field: str
    position: int
    before: str
    after: str
    line: int = 0
    column: int = 0

    def to_dict(self) -> dict[str, object]:
        """Return the JSON-ready form."""
        return {
            "field": self.field,
            "position": self.position,
            "before": self.before,
            "after": self.after,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True)
class MrzResult:
    """The fields of one machine readable zone and everything found wrong with it.

    ``valid`` is True when ``problems`` is empty. ``flags`` are warnings about a sound MRZ
    (expired, minor, specimen...). ``lines`` holds the MRZ as checked: normalised, and repaired
    when repairs were made.
    """

    format: str
    document_type: str
    issuer: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    optional_data: str
    optional_data_2: str
    valid: bool
    problems: tuple[Problem, ...]
    flags: tuple[Problem, ...]
    repairs: tuple[Repair, ...]
    lines: tuple[str, ...] = ()

    @classmethod
    def fast(cls, fields: dict[str, object]) -> MrzResult:
        """Build a result from a complete field dict without the dataclass __init__.

        The generated __init__ of a frozen dataclass sets each field with its own
        object.__setattr__ call, a large share of the parse time; this fills __dict__ at once.
        """
        result = object.__new__(cls)
        object.__setattr__(result, "__dict__", fields)
        return result

    @property
    def expired(self) -> bool:
        """True when the document had expired before the reference date."""
        return any(flag.code == "expired" for flag in self.flags)

    @property
    def minor(self) -> bool:
        """True when the holder is (or may be) under 18 on the reference date."""
        return any(flag.code == "minor" for flag in self.flags)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict: dates as ISO strings, problems as lists of dicts."""
        return {
            "format": self.format,
            "document_type": self.document_type,
            "issuer": self.issuer,
            "document_number": self.document_number,
            "surname": self.surname,
            "given_names": self.given_names,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
            "valid": self.valid,
            "expired": self.expired,
            "minor": self.minor,
            "problems": [p.to_dict() for p in self.problems],
            "flags": [f.to_dict() for f in self.flags],
            "repairs": [r.to_dict() for r in self.repairs],
            "lines": list(self.lines),
        }
