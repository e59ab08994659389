"""Parse and check the machine readable zone (MRZ) of travel documents, ICAO Doc 9303.

Formats: TD1 identity cards (3 lines of 30), TD2 documents (2 x 36), TD3 passports (2 x 44)
and the visas MRV-A (2 x 44) and MRV-B (2 x 36), told apart from TD3/TD2 by a document code
starting with 'V'. A pure module: no I/O, no framework, nothing global but constant tables.

    result = parse_mrz(text, on=crossing_date, repair=True)
    result.valid, result.problems, result.flags, result.repairs, result.to_dict()

What is checked
    Every field, every check digit (7-3-1) including the composite one over the right
    ranges for each format (visas have none); TD1 and TD2 document numbers longer than
    9 characters (a filler in the check digit position, the rest of the number and its
    check digit at the start of the optional data); names split into surname and given
    names ('<<' separates them, '<' becomes a space); dates; sex (M, F, X; '<' is read as
    'X', unspecified); issuer and nationality against Doc 9303 Part 3 (icao_codes.py).

Dates and the reference date ``on`` (the crossing date; today when not given)
    Birth: the latest century that does not put the birth after ``on``. Expiry: the year
    within [on - 50 years, on + 49 years], so a document can expire in the future. A birth
    date printed partly or wholly as fillers (Doc 9303 allows it for unknown dates) is a
    flag, not a problem, and leaves ``birth_date`` None.

Problems and flags
    ``problems`` are what is wrong with the MRZ; any problem makes ``valid`` False.
    ``flags`` are what the officer must know about a sound MRZ; they never touch ``valid``:
    ``expired`` (expiry before ``on``: whether an expired document is acceptable is a rule
    of the post, not a property of the MRZ), ``minor`` (under 18 on ``on``; "may be" when
    the birth date is partly unknown), ``specimen`` (the ICAO specimen State UTO),
    ``lowercase``, ``name_truncated`` (the name fills its zone), ``birth_date_unknown``.
    Each Problem has ``field``, an officer's ``message`` and a ``code`` for programs.
    Fields named in problems, flags and repairs (model.FIELDS):
        document_type, issuer, document_number, birth_date, sex, expiry_date, nationality,
        optional_data, optional_data_2 (TD1 line 2), surname, given_names, composite,
        line_count, line_length, characters (the text as a whole).

Input
    A string (lines separated by any newline) or a sequence of lines. Whitespace anywhere is
    dropped (it is never MRZ data; readers and people insert it), empty lines are skipped, and
    a single line of 90, 88 or 72 characters is cut into 3 or 2 lines. Lowercase ASCII letters
    are upper-cased and flagged ``lowercase``: no State prints them, they come from typing,
    and the check digits still verify the result. A line of the wrong length is reported
    (``line_length``) and padded with fillers or cut so the rest can still be read.
    ``parse_mrz`` never raises on any input: a failure of the parser itself comes back as an
    ``internal`` problem.

OCR repair (``repair=True``): see ocr_repair.py. Every repair is listed in ``repairs``; a
repaired MRZ with no problem left is valid, and the officer sees what was changed.

Why our own parser rather than the ``mrz`` package (PyPI, 0.6.2, last released 2020-08)
    benchmarks/bench_mrz.py runs both in one process on the same 20,000 generated documents
    (2026-11-23, this project's 2-core x86_64 machine, Python 3.11, other jobs running):

    ========================================  ==================  ==================
                                              ours                mrz 0.6.2
    ========================================  ==================  ==================
    valid documents checked per second        52,000 (19 us)      9,300 (107 us)
    valid documents accepted                  20,000 / 20,000     14,676 / 20,000
    Doc 9303 specimens accepted               7 / 7               5 / 7 (no long
                                                                  TD1/TD2 numbers)
    one change in a covered field, rejected   4,811 / 5,000       4,811 / 5,000
    lowercase, stray spaces, a lost
    character, garbage, unicode: raised       0 / 25,000          25,000 / 25,000
    ========================================  ==================  ==================

    Both catch the same number of single changes: the ones missed are those no 7-3-1 digit
    can see (a value changed by a multiple of 10 in a field that allows both characters,
    enumerated in test_mutations.py). Beyond that ``mrz`` rejects sex 'X', TD1/TD2 long
    document numbers and DEU (the generator leaves DEU out: Doc 9303 writes Germany D),
    wants the caller to pick the checker class for the format, raises (LengthError,
    FieldError) on any input of the wrong length or case, reports "false document number
    hash" without the expected digit, infers no century, repairs nothing, and is GPL-3.0,
    which this Apache-2.0 project cannot take in as a dependency.
    So we keep ours; ``mrz`` stays a benchmark-only comparison.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from borderpost import clock
from borderpost.messages import N_, Message

from .builders import make_mrz_mrva, make_mrz_mrvb, make_mrz_td1, make_mrz_td2, make_mrz_td3
from .checkdigit import MRZ_CHARS, check_digit
from .checker import check_lines
from .layouts import Layout, choose_layout
from .model import FIELDS, MrzResult, Problem, Repair
from .ocr_repair import repair_lines

__all__ = [
    "FIELDS",
    "MrzResult",
    "Problem",
    "Repair",
    "check_digit",
    "make_mrz_mrva",
    "make_mrz_mrvb",
    "make_mrz_td1",
    "make_mrz_td2",
    "make_mrz_td3",
    "parse_mrz",
]

_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_DROP_MRZ = str.maketrans("", "", MRZ_CHARS)
_LOWER = frozenset(string.ascii_lowercase)
_ONE_LINE = {90: 30, 88: 44, 72: 36}  # a whole MRZ read as one line -> width of its lines
_WIDTH_OF = {2: {44: 44, 36: 36}, 3: {30: 30}}  # line count -> the widths it may have
_DROP_MRZ_AND_SPACE = str.maketrans("", "", MRZ_CHARS + " \t\n\r")


def parse_mrz(
    text: str | Sequence[str], *, on: date | None = None, repair: bool = False
) -> MrzResult:
    """Parse and check an MRZ; never raises.

    ``text``: the MRZ as one string or as its lines. ``on``: the reference date for century
    inference and the ``expired``/``minor`` flags (today when None). ``repair``: undo OCR
    look-alike confusions where the MRZ proves them (each reported in ``repairs``).
    """
    try:
        if on is None:
            on = clock.today()
        elif isinstance(on, datetime):
            on = on.date()
        return _parse(text, on, repair)
    except Exception as exc:  # the booth must get an answer, whatever it was given
        message = f"the MRZ could not be read (internal error {type(exc).__name__})"
        problem = Problem("characters", message, "internal")
        return _unknown([problem], [], ())


def _parse(text: object, on: date, repair: bool) -> MrzResult:
    if type(text) is str:
        # The common case, an MRZ exactly as printed, skips the cleaning below.
        parts = text.split()
        count = len(parts)
        if (
            (count == 2 or count == 3)
            and (width := len(parts[0])) == _WIDTH_OF[count].get(width, 0)
            and all(len(part) == width for part in parts)
            and not text.translate(_DROP_MRZ_AND_SPACE)
        ):
            layout = choose_layout([width] * count, parts[0][0])
            if layout is not None:  # always, for these widths
                return _check(layout, tuple(parts), on, [], [], repair)

    problems: list[Problem] = []
    flags: list[Problem] = []
    lines = _lines(text, problems, flags)
    if problems:
        return _unknown(problems, flags, tuple(lines))

    layout = choose_layout([len(line) for line in lines], lines[0][:1] if lines else "")
    if layout is None:
        count = len(lines)
        if count == 1:
            template = N_(
                "the MRZ has 1 line; a passport, visa or TD2 document has 2, "
                "an identity card (TD1) has 3"
            )
        else:
            template = N_(
                "the MRZ has {count} lines; a passport, visa or TD2 document has 2, "
                "an identity card (TD1) has 3"
            )
        problems.append(Problem("line_count", Message(template, count=count), "line_count"))
        return _unknown(problems, flags, tuple(lines))

    width = layout.line_length
    for i, line in enumerate(lines):
        if len(line) != width:
            problems.append(
                Problem(
                    "line_length",
                    Message(
                        "line {line} has {length} characters; {layout} has {width}",
                        line=i + 1,
                        length=len(line),
                        layout=layout.label,
                        width=width,
                    ),
                    "line_length",
                )
            )
            lines[i] = line[:width].ljust(width, "<")
    return _check(layout, tuple(lines), on, problems, flags, repair)


def _check(
    layout: Layout,
    lines: tuple[str, ...],
    on: date,
    problems: list[Problem],
    flags: list[Problem],
    repair: bool,
) -> MrzResult:
    result = check_lines(layout, lines, on, problems[:], flags[:])
    if repair and not result.valid:
        repaired, repairs = repair_lines(layout, lines)
        if repairs:
            result = check_lines(layout, repaired, on, problems, flags, tuple(repairs))
    return result


def _lines(text: object, problems: list[Problem], flags: list[Problem]) -> list[str]:
    """Split, clean and upper-case the input lines (see the module docstring)."""
    if isinstance(text, str):
        raw: Iterable[object] = text.splitlines()
    elif isinstance(text, Iterable) and not isinstance(text, (bytes, bytearray)):
        raw = [
            part
            for item in text
            for part in (item.splitlines() if isinstance(item, str) else [item])
        ]
    else:
        problems.append(Problem("characters", "the MRZ must be given as text", "character"))
        return []
    lines: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            problems.append(Problem("characters", "every MRZ line must be text", "character"))
            return []
        line = "".join(item.split())
        if line:
            lines.append(line)
    if len(lines) == 1 and len(lines[0]) in _ONE_LINE:
        single = lines[0]
        step = _ONE_LINE[len(single)]
        lines = [single[i : i + step] for i in range(0, len(single), step)]
    lowered = False
    for i, line in enumerate(lines):
        if line.translate(_DROP_MRZ) and not _LOWER.isdisjoint(line):
            lines[i] = line.translate(_UPPER)
            lowered = True
    if lowered:
        flags.append(
            Problem(
                "characters",
                "the MRZ was typed or read in lowercase; it was upper-cased before checking",
                "lowercase",
            )
        )
    return lines


def _unknown(problems: list[Problem], flags: list[Problem], lines: tuple[str, ...]) -> MrzResult:
    return MrzResult(
        format="unknown",
        document_type="",
        issuer="",
        document_number="",
        surname="",
        given_names="",
        nationality="",
        birth_date=None,
        sex="",
        expiry_date=None,
        optional_data="",
        optional_data_2="",
        valid=False,
        problems=tuple(problems),
        flags=tuple(flags),
        repairs=(),
        lines=lines,
    )
