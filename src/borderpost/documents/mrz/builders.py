"""Builders: MRZ lines from fields, with every check digit computed (Doc 9303 Parts 4 to 7).

Used by the tests, the demo data generator and the image rendering tests. They take names
already in the Latin letters of the MRZ (transliteration is the caller's business) and raise
ValueError on anything that cannot be written, since they are for producing documents, not
for reading them. Names too long for the zone are cut at the end; Doc 9303's finer truncation
rules are not applied.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict, Unpack

from .checkdigit import check_digit
from .fields import DIGITS, LETTERS

_FILLER_CHARS = " -'"  # written as '<' (apostrophes simply dropped)


def _pad(value: str, width: int, what: str) -> str:
    if len(value) > width:
        raise ValueError(f"{what} {value!r} is longer than {width} characters")
    return value + "<" * (width - len(value))


def _text(value: str, width: int, what: str) -> str:
    """Upper-case, spaces to fillers, check the characters, pad to ``width``."""
    text = value.upper().replace(" ", "<")
    if text.strip(LETTERS + DIGITS + "<"):
        raise ValueError(f"{what} {value!r} has characters an MRZ cannot hold")
    return _pad(text, width, what)


def _code(value: str, what: str) -> str:
    code = value.upper()
    if not code or code.strip(LETTERS) or len(code) > 3:
        raise ValueError(f"{what} {value!r} is not a code of 1 to 3 letters")
    return _pad(code, 3, what)


def _date(value: date | str, what: str, unknown_ok: bool = False) -> str:
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    ok = len(value) == 6 and not value.strip(DIGITS + ("<" if unknown_ok else ""))
    if not ok:
        raise ValueError(f"{what} {value!r} is neither a date nor YYMMDD")
    return value


def _sex(value: str) -> str:
    if value not in ("M", "F", "X", "<"):
        raise ValueError(f"sex {value!r} must be M, F, X or '<'")
    return value


def _name_part(value: str, what: str) -> str:
    part = value.upper().replace("'", "")
    for c in _FILLER_CHARS:
        part = part.replace(c, "<")
    if part.strip(LETTERS + "<"):
        raise ValueError(f"{what} {value!r} has characters other than Latin letters")
    return part


def name_zone(surname: str, given_names: str, width: int) -> str:
    """The name field: SURNAME<<GIVEN<NAMES, cut to ``width`` and padded with fillers."""
    zone = _name_part(surname.strip(), "surname")
    if not zone.strip("<"):
        raise ValueError("surname is empty; a holder with one name has it as the surname")
    given = _name_part(given_names.strip(), "given names")
    if given:
        zone += "<<" + given
    return zone[:width].ljust(width, "<")


def _doc_code(value: str, first_letters: str) -> str:
    code = value.upper()
    if not code or code[0] not in first_letters or len(code) > 2 or code.strip(LETTERS):
        raise ValueError(f"document code {value!r} must start with {' or '.join(first_letters)}")
    return _pad(code, 2, "document code")


def _number(value: str, width: int = 9) -> str:
    return _text(value, width, "document number")


def _cd(data: str) -> str:
    return str(check_digit(data))


class Holder(TypedDict):
    """The fields every format writes the same way: the keyword arguments of each builder."""

    issuer: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date | str
    sex: str
    expiry_date: date | str


def _known(holder: Holder) -> None:
    # Keyword arguments gathered by **holder are not checked by Python itself.
    given, wanted = set(holder), set(Holder.__annotations__)
    if given != wanted:
        unknown, missing = sorted(given - wanted), sorted(wanted - given)
        raise TypeError(f"unknown fields {unknown}, missing fields {missing}")


def _two_line(
    width: int, first_letters: str, document_type: str, **holder: Unpack[Holder]
) -> tuple[str, str]:
    _known(holder)
    line1 = (
        _doc_code(document_type, first_letters)
        + _code(holder["issuer"], "issuer")
        + name_zone(holder["surname"], holder["given_names"], width - 5)
    )
    number = _number(holder["document_number"])
    birth = _date(holder["birth_date"], "birth date", unknown_ok=True)
    expiry = _date(holder["expiry_date"], "expiry date")
    line2 = (
        number
        + _cd(number)
        + _code(holder["nationality"], "nationality")
        + birth
        + _cd(birth)
        + _sex(holder["sex"])
        + expiry
        + _cd(expiry)
    )
    return line1, line2


def make_mrz_td3(
    *, optional_data: str = "", document_type: str = "P", **holder: Unpack[Holder]
) -> tuple[str, str]:
    """Return the two 44-character lines of a passport (TD3)."""
    line1, line2 = _two_line(44, "P", document_type, **holder)
    optional = _text(optional_data, 14, "optional data")
    line2 += optional + ("<" if not optional.strip("<") else _cd(optional))
    line2 += _cd(line2[0:10] + line2[13:20] + line2[21:43])
    return line1, line2


def make_mrz_td2(
    *, optional_data: str = "", document_type: str = "I", **holder: Unpack[Holder]
) -> tuple[str, str]:
    """Return the two 36-character lines of a TD2; a number over 9 characters continues in
    the optional data (Doc 9303 Part 6)."""
    number = holder["document_number"].upper()
    first_nine: Holder = {**holder, "document_number": number[:9]}
    line1, line2 = _two_line(36, "ACI", document_type, **first_nine)
    if len(number) > 9:
        line2 = line2[:9] + "<" + line2[10:]
        optional = number[9:] + _cd(_number(number, len(number))) + "<" + optional_data.upper()
    else:
        optional = optional_data
    line2 += _text(optional, 7, "optional data")
    line2 += _cd(line2[0:10] + line2[13:20] + line2[21:35])
    return line1, line2


def make_mrz_td1(
    *,
    optional_data: str = "",
    optional_data_2: str = "",
    document_type: str = "I",
    **holder: Unpack[Holder],
) -> tuple[str, str, str]:
    """Return the three 30-character lines of an identity card (TD1); a number over 9
    characters continues in the optional data (Doc 9303 Part 5)."""
    _known(holder)
    number = holder["document_number"].upper()
    line1 = _doc_code(document_type, "ACI") + _code(holder["issuer"], "issuer")
    if len(number) > 9:
        full = _number(number, len(number))
        optional = number[9:] + _cd(full) + "<" + optional_data.upper()
        line1 += full[:9] + "<" + _text(optional, 15, "optional data")
    else:
        padded = _number(number)
        line1 += padded + _cd(padded) + _text(optional_data, 15, "optional data")
    birth = _date(holder["birth_date"], "birth date", unknown_ok=True)
    expiry = _date(holder["expiry_date"], "expiry date")
    line2 = (
        birth
        + _cd(birth)
        + _sex(holder["sex"])
        + expiry
        + _cd(expiry)
        + _code(holder["nationality"], "nationality")
        + _text(optional_data_2, 11, "optional data 2")
    )
    line2 += _cd(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return line1, line2, name_zone(holder["surname"], holder["given_names"], 30)


def make_mrz_mrva(
    *, optional_data: str = "", document_type: str = "V", **holder: Unpack[Holder]
) -> tuple[str, str]:
    """Return the two 44-character lines of a type A visa (MRV-A; no composite digit)."""
    line1, line2 = _two_line(44, "V", document_type, **holder)
    return line1, line2 + _text(optional_data, 16, "optional data")


def make_mrz_mrvb(
    *, optional_data: str = "", document_type: str = "V", **holder: Unpack[Holder]
) -> tuple[str, str]:
    """Return the two 36-character lines of a type B visa (MRV-B; no composite digit)."""
    line1, line2 = _two_line(36, "V", document_type, **holder)
    return line1, line2 + _text(optional_data, 8, "optional data")
