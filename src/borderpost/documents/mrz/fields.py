"""Checks of single MRZ fields; each appends Problems or flags and never raises.

Written for the hot path: the common case (a sound field) costs a few C-level string calls,
and the wording of a problem is only built when there is one.
"""

from __future__ import annotations

from datetime import date

from borderpost.messages import N_, Message

from .checkdigit import compute
from .icao_codes import KNOWN_CODES
from .layouts import Layout
from .model import Problem

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS_FILLER = LETTERS + "<"
ALNUM_FILLER = LETTERS + DIGITS + "<"
SEX = {"M": "M", "F": "F", "X": "X", "<": "X"}

LABELS = {
    "document_type": N_("document code"),
    "issuer": N_("issuing State or organization"),
    "document_number": N_("document number"),
    "birth_date": N_("birth date"),
    "sex": N_("sex"),
    "expiry_date": N_("expiry date"),
    "nationality": N_("nationality"),
    "optional_data": N_("optional data"),
    "optional_data_2": N_("optional data (line 2)"),
    "surname": N_("surname"),
    "given_names": N_("given names"),
    "composite": N_("composite"),
}


def first_bad(value: str, allowed: str) -> int:
    """Index of the first character of ``value`` not in ``allowed``, or -1."""
    if not value.strip(allowed):
        return -1
    for i, c in enumerate(value):
        if c not in allowed:
            return i
    return -1  # pragma: no cover - strip() said there was one


def bad_char(field: str, value: str, index: int, what: str) -> Problem:
    """The problem of a character the field's format forbids."""
    return Problem(
        field,
        Message(
            "{label} {value!r} has {char!r} at character {position}; {what}",
            label=Message.of(LABELS[field]),
            value=value,
            char=value[index],
            position=index + 1,
            what=Message.of(what),
        ),
        "character",
    )


def verify(
    field: str, data: str, cd: str, problems: list[Problem], filler_ok: bool = False
) -> bool:
    """Check ``cd`` against ``data``; report a mismatch in the officer's words."""
    expected = compute(data)
    if expected is not None and (cd == DIGITS[expected] or (filler_ok and cd == "<")):
        return True
    label = Message.of(LABELS[field])
    if expected is None:
        msg = Message(
            "{label} check digit cannot be verified: the data holds characters "
            "that cannot appear in an MRZ",
            label=label,
        )
    elif cd in DIGITS:
        msg = Message(
            "{label} check digit is {cd}, expected {expected}",
            label=label,
            cd=cd,
            expected=expected,
        )
    elif cd == "<":
        msg = Message(
            "{label} check digit is missing (a filler '<'), expected {expected}",
            label=label,
            expected=expected,
        )
    else:
        msg = Message(
            "{label} check digit is {cd!r}, not a digit; expected {expected}",
            label=label,
            cd=cd,
            expected=expected,
        )
    problems.append(Problem(field, msg, "check_digit"))
    return False


def code(field: str, raw: str, problems: list[Problem]) -> str:
    """An issuer or nationality code: known to Doc 9303 Part 3, fillers stripped."""
    value = raw.rstrip("<")
    if value in KNOWN_CODES:
        return value
    label = Message.of(LABELS[field])
    if not value:
        problems.append(Problem(field, Message("{label} is empty", label=label), "missing"))
    elif (bad := first_bad(raw, LETTERS_FILLER)) >= 0:
        problems.append(bad_char(field, raw, bad, "a State or organization code has letters only"))
    else:
        problems.append(
            Problem(
                field,
                Message(
                    "{label} {value!r} is not a State or organization code of ICAO Doc 9303",
                    label=label,
                    value=value,
                ),
                "unknown_code",
            )
        )
    return value


def age(born: date, on: date) -> int:
    """Age in whole years on ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def birth_date(raw: str, on: date, problems: list[Problem], flags: list[Problem]) -> date | None:
    """YYMMDD in the latest century that does not put it after ``on``."""
    if raw.isdigit() and raw.isascii():
        value = int(raw)
        mm, dd = value // 100 % 100, value % 100
        year = on.year - on.year % 100 + value // 10000
        if (year, mm, dd) > (on.year, on.month, on.day):
            year -= 100
        try:
            return date(year, mm, dd)
        except ValueError:
            problems.append(
                Problem(
                    "birth_date",
                    Message("birth date {raw} is not a calendar date", raw=raw),
                    "date",
                )
            )
            return None
    _partial_birth(raw, on, problems, flags)
    return None


def _partial_birth(raw: str, on: date, problems: list[Problem], flags: list[Problem]) -> None:
    # Doc 9303 Part 3 lets an issuer print an unknown day, month or year as fillers.
    known = raw.rstrip("<")
    if not known or (len(known) in (2, 4) and known.isdigit() and known.isascii()):
        message = Message("birth date is not fully known (printed as {raw})", raw=raw)
        flags.append(Problem("birth_date", message, "birth_date_unknown"))
        if len(known) >= 2:
            _minor_from_partial(known, on, flags)
        return
    bad = first_bad(raw, DIGITS)
    problems.append(bad_char("birth_date", raw, max(bad, 0), "a date has digits only"))


def _minor_from_partial(known: str, on: date, flags: list[Problem]) -> None:
    yy = int(known[0:2])
    month = int(known[2:4]) if len(known) == 4 else 0
    if month > 12:
        return
    year = on.year - on.year % 100 + yy
    if (year, max(month, 1), 1) > (on.year, on.month, on.day):
        year -= 100
    if year < 1:
        return
    earliest = date(year, max(month, 1), 1)
    last_day = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    latest = date(year, month or 12, last_day)
    if age(earliest, on) < 18:
        message = Message("holder is under 18 on {day}", day=on.isoformat())
        flags.append(Problem("birth_date", message, "minor"))
    elif age(latest, on) < 18:
        message = Message("holder may be under 18 on {day}", day=on.isoformat())
        flags.append(Problem("birth_date", message, "minor"))


def expiry_date(raw: str, on: date, problems: list[Problem]) -> date | None:
    """YYMMDD with the year within [on - 50, on + 49]: documents expire in the future too."""
    if raw.isdigit() and raw.isascii():
        value = int(raw)
        base = on.year - 50
        year = base + (value // 10000 - base) % 100
        try:
            return date(year, value // 100 % 100, value % 100)
        except ValueError:
            message = Message("expiry date {raw} is not a calendar date", raw=raw)
            problems.append(Problem("expiry_date", message, "date"))
            return None
    if raw == "<<<<<<":
        problems.append(Problem("expiry_date", Message("expiry date is missing"), "missing"))
    else:
        bad = first_bad(raw, DIGITS)
        problems.append(bad_char("expiry_date", raw, max(bad, 0), "a date has digits only"))
    return None


def names(zone: str, problems: list[Problem], flags: list[Problem]) -> tuple[str, str]:
    """SURNAME<<GIVEN<NAMES -> ("SURNAME", "GIVEN NAMES")."""
    text = zone.rstrip("<")
    sep = text.find("<<")
    if sep < 0:
        surname, given_raw = text.replace("<", " "), ""
    else:
        surname, given_raw = text[:sep].replace("<", " "), text[sep + 2 :]
    given = given_raw.replace("<", " ")
    if zone.strip(LETTERS_FILLER):
        bad = first_bad(zone, LETTERS_FILLER)
        field = "surname" if sep < 0 or bad < sep else "given_names"
        problems.append(bad_char(field, zone, bad, "a name has letters and fillers only"))
    elif given_raw[:1] == "<" or "<<" in given_raw:
        # Doc 9303 Part 3: one filler between name parts, two only before the given names,
        # so letters after a further double filler are a misread filler or a malformed name.
        end = sep + 2 if given_raw[:1] == "<" else text.find("<<", sep + 2)
        stray = len(text) - len(text[end:].lstrip("<"))
        problems.append(
            Problem(
                "given_names",
                Message(
                    "the name field has {char!r} at character {position}, after the "
                    "fillers that end the name: a misread filler or a malformed name",
                    char=text[stray],
                    position=stray + 1,
                ),
                "character",
            )
        )
    if surname[:1] == " " or given[:1] == " " or "  " in given:
        surname, given = " ".join(surname.split()), " ".join(given.split())
    if not surname:
        problems.append(Problem("surname", Message("surname is empty"), "missing"))
    if zone and zone[-1] != "<":
        flags.append(
            Problem(
                "given_names" if given else "surname",
                Message("the name fills the whole name field and may have been truncated"),
                "name_truncated",
            )
        )
    return surname, given


def doc_code(layout: Layout, raw: str, problems: list[Problem]) -> str:
    """The document code, e.g. 'P<' -> 'P', 'ID' -> 'ID'; its first letter fits the format."""
    if raw[0] not in layout.first_letters or raw[1] not in LETTERS_FILLER:
        allowed = " or ".join(layout.first_letters)
        problems.append(
            Problem(
                "document_type",
                Message(
                    "document code {raw!r} does not fit {layout}: "
                    "it must be a letter {allowed}, then a letter or '<'",
                    raw=raw,
                    layout=layout.label,
                    allowed=allowed,
                ),
                "document_code",
            )
        )
    return raw.rstrip("<")


def split_number(layout: Layout, number: str, cd: str, optional: str) -> tuple[str, str, str, int]:
    """Split a long document number from the optional data (TD1 and TD2).

    Returns (number data, its check digit, rest of the optional data, length of the part
    taken from the optional data with its check digit; -1 when a long number is announced
    but not there, 0 when the number is not long).
    """
    if not (layout.overflow and cd == "<"):
        return number, cd, optional, 0
    # Doc 9303 Parts 5 and 6: a number longer than 9 characters puts a filler in the check
    # digit position and continues in the optional data, ending with its own check digit.
    ext = optional.split("<", 1)[0]
    if not ext:
        return number, cd, optional, -1
    return number + ext[:-1], ext[-1], optional[len(ext) + 1 :], len(ext)
