"""Check every field of MRZ lines already split, sized and upper-cased (see mrz.py).

Every finding becomes a Problem (the MRZ is wrong) or a flag (the MRZ is sound but the officer
should know something); nothing here raises on any line content.
"""

from __future__ import annotations

from datetime import date

from borderpost.messages import N_, Message

from . import fields as f
from .checkdigit import CHUNKS, DIGIT_VALUE, compute
from .icao_codes import SPECIMEN_CODE
from .layouts import Layout
from .model import MrzResult, Problem, Repair

_SPECIMEN = N_("UTO (Utopia) is the imaginary State of the ICAO specimens: not a real document")
_LONG_NUMBER_MISSING = N_(
    "document number check digit is a filler '<', which announces a long number "
    "continued in the optional data, but the optional data does not continue it"
)


def _short_ok(data: str, cd: str) -> bool:
    """Fast check digit test for the 6- and 9-character fields; False sends to verify()."""
    try:
        if len(data) == 9:
            total = CHUNKS[data[:3]] + CHUNKS[data[3:6]] + CHUNKS[data[6:]]
        elif len(data) == 6:
            total = CHUNKS[data[:3]] + CHUNKS[data[3:]]
        else:
            return compute(data) == DIGIT_VALUE.get(cd)
        return total % 10 == DIGIT_VALUE[cd]
    except KeyError:  # a character that is not an MRZ character, or a check digit that is none
        return False


def check_lines(
    layout: Layout,
    lines: tuple[str, ...],
    on: date,
    problems: list[Problem],
    flags: list[Problem],
    repairs: tuple[Repair, ...] = (),
) -> MrzResult:
    """Check every field of ``lines`` (already the right count and width) against ``layout``."""
    parts = layout.split("".join(lines))
    (
        code_raw,
        issuer_raw,
        zone,
        number,
        number_cd,
        nationality_raw,
        birth_raw,
        birth_cd,
        sex_raw,
        expiry_raw,
        expiry_cd,
        optional,
        optional_cd,
        optional_2,
        composite_cd,
    ) = parts[:15]

    document_type = f.doc_code(layout, code_raw, problems)
    issuer = f.code("issuer", issuer_raw, problems)
    surname, given_names = f.names(zone, problems, flags)

    # The document number, long numbers included (TD1, TD2), then the optional data.
    number, number_cd, optional, ext = f.split_number(layout, number, number_cd, optional)
    if number.strip(f.ALNUM_FILLER):
        bad = f.first_bad(number, f.ALNUM_FILLER)
        problems.append(f.bad_char("document_number", number, bad, "not an MRZ character"))
    if ext < 0:
        problems.append(Problem("document_number", Message(_LONG_NUMBER_MISSING), "check_digit"))
    elif not _short_ok(number, number_cd):
        f.verify("document_number", number, number_cd, problems)
    if not number.strip("<"):
        problems.append(Problem("document_number", Message("document number is empty"), "missing"))
    if optional.strip(f.ALNUM_FILLER):
        bad = f.first_bad(optional, f.ALNUM_FILLER)
        problems.append(f.bad_char("optional_data", optional, bad, "not an MRZ character"))
    if optional_cd and compute(optional) != DIGIT_VALUE.get(optional_cd):
        f.verify("optional_data", optional, optional_cd, problems, not optional.strip("<"))

    if not _short_ok(birth_raw, birth_cd):
        f.verify("birth_date", birth_raw, birth_cd, problems)
    birth = f.birth_date(birth_raw, on, problems, flags)

    sex = f.SEX.get(sex_raw, "")
    if not sex:
        message = Message("sex is {sex!r}; it must be M, F, X or '<' (unspecified)", sex=sex_raw)
        problems.append(Problem("sex", message, "character"))

    if not _short_ok(expiry_raw, expiry_cd):
        f.verify("expiry_date", expiry_raw, expiry_cd, problems)
    expiry = f.expiry_date(expiry_raw, on, problems)

    nationality = f.code("nationality", nationality_raw, problems)

    if optional_2 and optional_2.strip(f.ALNUM_FILLER):
        bad = f.first_bad(optional_2, f.ALNUM_FILLER)
        problems.append(f.bad_char("optional_data_2", optional_2, bad, "not an MRZ character"))

    if composite_cd:
        data = "".join(parts[15:])
        if compute(data) != DIGIT_VALUE.get(composite_cd):
            f.verify("composite", data, composite_cd, problems)

    if birth is not None:
        if expiry is not None and expiry < birth:
            message = Message(
                "expiry date {expiry} is before the birth date {birth}",
                expiry=expiry.isoformat(),
                birth=birth.isoformat(),
            )
            problems.append(Problem("expiry_date", message, "date"))
        elif (years := f.age(birth, on)) < 18:
            message = Message(
                "holder is {years} years old on {day}: under 18", years=years, day=on.isoformat()
            )
            flags.append(Problem("birth_date", message, "minor"))
    if expiry is not None and expiry < on:
        message = Message(
            "document expired on {expiry}, before {day}",
            expiry=expiry.isoformat(),
            day=on.isoformat(),
        )
        flags.append(Problem("expiry_date", message, "expired"))
    if issuer == SPECIMEN_CODE or nationality == SPECIMEN_CODE:
        field = "issuer" if issuer == SPECIMEN_CODE else "nationality"
        flags.append(Problem(field, Message(_SPECIMEN), "specimen"))

    return MrzResult.fast(
        {
            "format": layout.name,
            "document_type": document_type,
            "issuer": issuer,
            "document_number": number.rstrip("<"),
            "surname": surname,
            "given_names": given_names,
            "nationality": nationality,
            "birth_date": birth,
            "sex": sex,
            "expiry_date": expiry,
            "optional_data": optional.rstrip("<"),
            "optional_data_2": optional_2.rstrip("<"),
            "valid": not problems,
            "problems": tuple(problems),
            "flags": tuple(flags),
            "repairs": repairs,
            "lines": lines,
        }
    )


def number_parts(layout: Layout, lines: tuple[str, ...]) -> tuple[str, str, str, int]:
    """The document number, its check digit, the optional data and the long-number length
    (see fields.split_number)."""
    line, start, end = layout.number
    number = lines[line][start:end]
    line, col = layout.number_cd
    cd = lines[line][col]
    line, start, end = layout.optional
    return f.split_number(layout, number, cd, lines[line][start:end])
