"""Every single-character change inside every check-digit-covered field of every specimen.

Each change must be caught, except the ones no 7-3-1 check digit can see: a character whose
value differs from the original by a multiple of 10 ('0' -> 'A', '<' -> 'K', '1' -> 'L'...)
leaves every weighted sum unchanged modulo 10. The test enumerates those explicitly: where
the field's own format forbids the new character (a letter in a date or a check digit, any
character in the filler that ends a long document number) it must still be caught, and where
the format allows it (a letter for a digit in a document number) it is, by design of Doc 9303,
invisible, and the test asserts that too, so the model below is exact.

The map of covered positions is written here from Doc 9303's tables, independently of the
parser's own layouts.
"""

from __future__ import annotations

from datetime import date

import pytest

from borderpost.documents.mrz.checkdigit import MRZ_CHARS, VALUES
from borderpost.documents.mrz.model import FIELDS
from borderpost.documents.mrz.parser import parse_mrz
from borderpost.documents.mrz.specimens import SPECIMENS

ON = date(2026, 11, 23)

DIGITS = "0123456789"
ALLOWED = {
    "alnum": MRZ_CHARS,  # document number, optional data
    "date": DIGITS,
    "cd": DIGITS,  # a check digit
    "cd_or_filler": DIGITS + "<",  # TD1/TD2 number check digit: '<' announces a long number
    "filler": "<",  # the fillers that announce and end a long number
}

Kinds = dict[tuple[int, int], str]  # (line, column) -> kind


def _run(line: int, start: int, end: int, kind: str) -> Kinds:
    return {(line, col): kind for col in range(start, end)}


def _two_line_common() -> Kinds:
    return {
        **_run(1, 0, 9, "alnum"),
        (1, 9): "cd",
        **_run(1, 13, 19, "date"),
        (1, 19): "cd",
        **_run(1, 21, 27, "date"),
        (1, 27): "cd",
    }


COVERED: dict[str, Kinds] = {
    "TD3": {**_two_line_common(), **_run(1, 28, 42, "alnum"), (1, 42): "cd", (1, 43): "cd"},
    "MRVA": _two_line_common(),
    "MRVB": _two_line_common(),
    "TD2": {
        **_two_line_common(),
        (1, 9): "cd_or_filler",
        **_run(1, 28, 35, "alnum"),
        (1, 35): "cd",
    },
    "TD1": {
        **_run(0, 5, 14, "alnum"),
        (0, 14): "cd_or_filler",
        **_run(0, 15, 30, "alnum"),
        **_run(1, 0, 6, "date"),
        (1, 6): "cd",
        **_run(1, 8, 14, "date"),
        (1, 14): "cd",
        **_run(1, 18, 29, "alnum"),
        (1, 29): "cd",
    },
}
# In the long number specimens the '<' in the check digit position announces the long number
# (a digit there would end the number at 9 characters and be checked as its check digit);
# "734" continues the number, "9" is its check digit, and a filler ends it.
COVERED["TD1_LONG_NUMBER"] = {
    **COVERED["TD1"],
    (0, 14): "filler",
    (0, 18): "cd",
    (0, 19): "filler",
}
COVERED["TD2_LONG_NUMBER"] = {
    **COVERED["TD2"],
    (1, 9): "filler",
    (1, 31): "cd",
    (1, 32): "filler",
}


def _mutations(name: str) -> list[tuple[int, int, str, str, str]]:
    lines = SPECIMENS[name]
    out = []
    for (line, col), kind in sorted(COVERED[name].items()):
        before = lines[line][col]
        out += [(line, col, before, after, kind) for after in MRZ_CHARS if after != before]
    return out


def _blind(before: str, after: str) -> bool:
    return (VALUES[after] - VALUES[before]) % 10 == 0


@pytest.mark.parametrize("name", sorted(SPECIMENS))
def test_every_single_change_in_covered_fields(name: str) -> None:
    lines = SPECIMENS[name]
    invisible: list[str] = []
    for line, col, before, after, kind in _mutations(name):
        mutated = list(lines)
        mutated[line] = lines[line][:col] + after + lines[line][col + 1 :]
        result = parse_mrz(mutated, on=ON)
        where = f"{name} line {line + 1} column {col + 1}: {before!r} -> {after!r} ({kind})"
        assert all(p.field in FIELDS for p in result.problems), where
        if not _blind(before, after) or after not in ALLOWED[kind]:
            assert not result.valid, f"not caught: {where}"
        else:
            # Invisible to 7-3-1 and allowed by the format: Doc 9303 cannot catch it.
            assert result.valid, f"unexpected problem for a blind change: {where}"
            invisible.append(where)
    # Only alphanumeric fields have invisible changes, and each of their characters has some.
    alnum = sum(1 for kind in COVERED[name].values() if kind == "alnum")
    assert len({w.split(":")[0] for w in invisible}) == alnum


def test_the_blind_spots_are_exactly_the_multiples_of_ten() -> None:
    # '0', 'A', 'K', 'U' and '<' weigh 0, 10, 20, 30 and 0: one class of look-alikes.
    assert {c for c in MRZ_CHARS if _blind("0", c)} == {"0", "A", "K", "U", "<"}
    assert {c for c in MRZ_CHARS if _blind("1", c)} == {"1", "B", "L", "V"}


def test_a_letter_in_a_date_is_caught_even_where_the_check_digit_is_blind() -> None:
    lines = list(SPECIMENS["TD3"])
    lines[1] = lines[1].replace("7408122", "74O8122")  # '0' -> 'O' weighs 0 -> 24: seen
    assert not parse_mrz(lines, on=ON).valid
    lines = list(SPECIMENS["TD3"])
    lines[1] = lines[1].replace("7408122", "74K8122")  # '0' -> 'K' weighs 0 -> 20: blind
    result = parse_mrz(lines, on=ON)
    assert [(p.field, p.code) for p in result.problems] == [("birth_date", "character")]
    assert "'K' at character 3; a date has digits only" in result.problems[0].message
