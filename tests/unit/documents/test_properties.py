"""Properties: no input makes the parser raise, and what the builders write reads back."""

from __future__ import annotations

import string
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderpost.documents.mrz.checkdigit import MRZ_CHARS
from borderpost.documents.mrz.model import FIELDS, PROBLEM_CODES, MrzResult
from borderpost.documents.mrz.parser import (
    make_mrz_mrva,
    make_mrz_mrvb,
    make_mrz_td1,
    make_mrz_td2,
    make_mrz_td3,
    parse_mrz,
)
from borderpost.documents.mrz.specimens import SPECIMENS

ON = date(2026, 11, 23)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _well_formed(result: MrzResult) -> None:
    assert isinstance(result, MrzResult)
    assert result.valid == (not result.problems)
    for item in result.problems + result.flags:
        assert item.field in FIELDS, item
        assert item.code in PROBLEM_CODES, item
        assert item.message
    for repair in result.repairs:
        assert repair.field in FIELDS, repair
    assert all(p.code != "internal" for p in result.problems), result.problems
    result.to_dict()


mrz_ish = st.text(alphabet=MRZ_CHARS + "abcxyz \n\t\r«»ÄßİŞ0", max_size=140)


@FAST
@given(st.text(max_size=200))
def test_any_text_never_raises(text: str) -> None:
    for repair in (False, True):
        _well_formed(parse_mrz(text, on=ON, repair=repair))


@FAST
@given(mrz_ish)
def test_mrz_like_text_never_raises(text: str) -> None:
    _well_formed(parse_mrz(text, on=ON, repair=True))


@FAST
@given(
    st.lists(st.text(alphabet=MRZ_CHARS + "?é", min_size=28, max_size=46), min_size=2, max_size=3)
)
def test_lines_of_about_the_right_size_never_raise(lines: list[str]) -> None:
    _well_formed(parse_mrz(lines, on=ON, repair=True))


@FAST
@given(
    st.sampled_from(sorted(SPECIMENS)),
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 45), st.sampled_from(MRZ_CHARS + "?ÄK0O")),
        min_size=1,
        max_size=6,
    ),
    st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)),
)
def test_mutated_specimens_never_raise(
    name: str, edits: list[tuple[int, int, str]], on: date
) -> None:
    lines = list(SPECIMENS[name])
    for line, col, char in edits:
        line %= len(lines)
        col %= len(lines[line]) + 1
        lines[line] = lines[line][:col] + char + lines[line][col + 1 :]
    _well_formed(parse_mrz(lines, on=on, repair=True))


@FAST
@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_any_reference_date_never_raises(on: date) -> None:
    for lines in SPECIMENS.values():
        _well_formed(parse_mrz(lines, on=on))


# --- builder -> parser round trip ----------------------------------------------------------

# Short enough never to fill a TD1 name zone (30), so no truncation spoils the round trip.
name_part = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=6)
names = st.lists(name_part, min_size=1, max_size=2).map(" ".join)
codes = st.sampled_from(["FRA", "DEU", "D", "GBR", "GBN", "XXA", "UNO", "EUE", "NLD", "ARM"])
alnum = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=9)


def _optional(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=string.ascii_uppercase + string.digits, max_size=size)


@st.composite
def holders(draw: st.DrawFn) -> dict[str, object]:
    birth = draw(st.dates(min_value=ON - timedelta(days=99 * 365), max_value=ON))
    earliest = max(birth, ON - timedelta(days=49 * 365))
    expiry = draw(st.dates(min_value=earliest, max_value=ON + timedelta(days=49 * 365)))
    return {
        "issuer": draw(codes),
        "surname": draw(names),
        "given_names": draw(names | st.just("")),
        "nationality": draw(codes),
        "birth_date": birth,
        "sex": draw(st.sampled_from("MFX")),
        "expiry_date": expiry,
    }


def _assert_round_trip(lines: tuple[str, ...], fields: dict[str, object], fmt: str) -> None:
    result = parse_mrz(lines, on=ON)
    _well_formed(result)
    assert result.problems == (), (lines, result.problems)
    assert result.format == fmt
    for key, value in fields.items():
        assert getattr(result, key) == value, (key, lines)
    codes_seen = {f.code for f in result.flags}
    assert ("expired" in codes_seen) == (result.expiry_date < ON)  # type: ignore[operator]
    assert codes_seen <= {"expired", "minor", "name_truncated"}


@FAST
@given(holders(), alnum, _optional(14))
def test_td3_round_trip(fields: dict[str, object], number: str, optional: str) -> None:
    lines = make_mrz_td3(**fields, document_number=number, optional_data=optional)  # type: ignore[arg-type]
    _assert_round_trip(
        lines, {**fields, "document_number": number, "optional_data": optional}, "TD3"
    )


@FAST
@given(
    holders(),
    st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=13),
    _optional(1),
)
def test_td1_round_trip_with_long_numbers(
    fields: dict[str, object], number: str, optional: str
) -> None:
    lines = make_mrz_td1(
        **fields, document_number=number, optional_data=optional, optional_data_2="X1"
    )  # type: ignore[arg-type]
    _assert_round_trip(
        lines,
        {**fields, "document_number": number, "optional_data": optional, "optional_data_2": "X1"},
        "TD1",
    )


@FAST
@given(holders(), st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=14))
def test_td2_round_trip_with_long_numbers(fields: dict[str, object], number: str) -> None:
    lines = make_mrz_td2(**fields, document_number=number)  # type: ignore[arg-type]
    _assert_round_trip(lines, {**fields, "document_number": number}, "TD2")


@FAST
@given(holders(), alnum, _optional(16), _optional(8))
def test_visa_round_trips(fields: dict[str, object], number: str, opt_a: str, opt_b: str) -> None:
    lines = make_mrz_mrva(**fields, document_number=number, optional_data=opt_a)  # type: ignore[arg-type]
    _assert_round_trip(lines, {**fields, "document_number": number, "optional_data": opt_a}, "MRVA")
    lines = make_mrz_mrvb(**fields, document_number=number, optional_data=opt_b)  # type: ignore[arg-type]
    _assert_round_trip(lines, {**fields, "document_number": number, "optional_data": opt_b}, "MRVB")


# --- repairs are never guesses ---------------------------------------------------------------

LOOKALIKES = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5"}
LOOKALIKES |= {"2": "Z", "Z": "2", "<": "K"}


@FAST
@given(
    st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]),
    holders(),
    alnum,
    st.integers(0, 10_000),
)
def test_a_repair_restores_the_document_exactly(
    fmt: str, fields: dict[str, object], number: str, where: int
) -> None:
    builders = {
        "TD1": make_mrz_td1,
        "TD2": make_mrz_td2,
        "TD3": make_mrz_td3,
        "MRVA": make_mrz_mrva,
        "MRVB": make_mrz_mrvb,
    }
    lines = builders[fmt](**fields, document_number=number)  # type: ignore[operator]
    text = "\n".join(lines)
    spots = [i for i, c in enumerate(text) if c in LOOKALIKES]
    i = spots[where % len(spots)]
    misread = text[:i] + LOOKALIKES[text[i]] + text[i + 1 :]
    result = parse_mrz(misread, on=ON, repair=True)
    _well_formed(result)
    if result.repairs:
        assert result.lines == lines, (misread, result.repairs)
