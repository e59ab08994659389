"""Problems and flags: each names its field and says what is wrong in an officer's words."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from borderpost.documents.mrz.parser import make_mrz_td1, make_mrz_td3, parse_mrz
from borderpost.documents.mrz.specimens import SPECIMENS

ON = date(2026, 11, 23)
TD3 = SPECIMENS["TD3"]


def _td3(**changes: object) -> tuple[str, str]:
    fields: dict[str, object] = {
        "issuer": "FRA",
        "surname": "MARTIN",
        "given_names": "CLAIRE",
        "document_number": "20AB12345",
        "nationality": "FRA",
        "birth_date": date(1990, 3, 4),
        "sex": "F",
        "expiry_date": date(2030, 3, 3),
        **changes,
    }
    return make_mrz_td3(**fields)  # type: ignore[arg-type]


def _codes(result: object) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in result.problems]  # type: ignore[attr-defined]


def test_a_sound_current_passport_has_no_problem_and_no_flag() -> None:
    result = parse_mrz(_td3(), on=ON)
    assert result.valid
    assert result.problems == result.flags == result.repairs == ()


def test_wrong_expiry_check_digit_is_reported_with_both_digits() -> None:
    lines = [TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]
    result = parse_mrz(lines, on=ON)
    assert not result.valid
    assert result.problems[0].field == "expiry_date"
    assert result.problems[0].message == "expiry date check digit is 4, expected 9"
    assert _codes(result) == [("expiry_date", "check_digit"), ("composite", "check_digit")]
    assert result.problems[1].message == "composite check digit is 0, expected 5"


def test_each_check_digit_names_its_field() -> None:
    line2 = TD3[1]
    for index, field in [(9, "document_number"), (19, "birth_date"), (42, "optional_data")]:
        wrong = str((int(line2[index]) + 1) % 10)
        result = parse_mrz([TD3[0], line2[:index] + wrong + line2[index + 1 :]], on=ON)
        assert result.problems[0].field == field
        assert result.problems[0].message.endswith(
            f"check digit is {wrong}, expected {line2[index]}"
        )


def test_a_filler_and_a_letter_in_a_check_digit_are_named_as_such() -> None:
    line2 = TD3[1][:19] + "<" + TD3[1][20:]
    result = parse_mrz([TD3[0], line2], on=ON)
    assert (
        result.problems[0].message == "birth date check digit is missing (a filler '<'), expected 2"
    )
    line2 = TD3[1][:19] + "Z" + TD3[1][20:]
    result = parse_mrz([TD3[0], line2], on=ON)
    assert result.problems[0].message == "birth date check digit is 'Z', not a digit; expected 2"


@pytest.mark.parametrize(
    ("text", "field", "code"),
    [
        ("", "line_count", "line_count"),
        ("\n\n  \n", "line_count", "line_count"),
        ("P<UTO", "line_count", "line_count"),
        ("\n".join(TD3 + TD3), "line_count", "line_count"),
        (TD3[0] + "\n" + TD3[1][:-1], "line_length", "line_length"),
        (TD3[0] + "<<\n" + TD3[1], "line_length", "line_length"),
    ],
)
def test_line_count_and_length(text: str, field: str, code: str) -> None:
    result = parse_mrz(text, on=ON)
    assert not result.valid
    assert (result.problems[0].field, result.problems[0].code) == (field, code)


def test_a_short_line_is_still_read_in_its_format() -> None:
    # The trailing composite digit lost: the rest is read, the length and composite reported.
    result = parse_mrz([TD3[0], TD3[1][:-1]], on=ON)
    assert result.format == "TD3"
    assert result.document_number == "L898902C3"
    assert (
        result.problems[0].message
        == "line 2 has 43 characters; a passport (TD3, 2 lines of 44) has 44"
    )
    assert [p.field for p in result.problems] == ["line_length", "composite"]


def test_whitespace_anywhere_is_tolerated() -> None:
    spaced = "\r\n  " + TD3[0][:10] + " " + TD3[0][10:] + "  \n\n\t" + TD3[1] + "\n   \n"
    assert parse_mrz(spaced, on=ON) == parse_mrz(TD3, on=ON)


def test_one_long_line_is_cut_into_the_lines_of_its_format() -> None:
    for name in ("TD1", "TD2", "TD3"):
        joined = "".join(SPECIMENS[name])
        result = parse_mrz(joined, on=ON)
        assert result.valid
        assert result.format == name


def test_lowercase_is_upper_cased_and_flagged_not_refused() -> None:
    result = parse_mrz("\n".join(TD3).lower(), on=ON)
    assert result.valid
    assert result.surname == "ERIKSSON"
    assert ("characters", "lowercase") in [(f.field, f.code) for f in result.flags]


def test_characters_outside_the_mrz_set_are_reported_where_they_are() -> None:
    line2 = TD3[1][:2] + "#" + TD3[1][3:]
    result = parse_mrz([TD3[0], line2], on=ON)
    assert ("document_number", "character") in _codes(result)
    assert "'#' at character 3" in result.problems[0].message


@pytest.mark.parametrize(
    ("issuer", "valid"),
    [
        ("D", True),
        ("GBD", True),
        ("EUE", True),
        ("XXA", True),
        ("UNK", True),
        ("RKS", True),
        ("XOM", True),
        ("ZZZ", False),
        ("QQQ", False),
    ],
)
def test_issuer_codes_of_doc_9303_part_3(issuer: str, valid: bool) -> None:
    result = parse_mrz(_td3(issuer=issuer, nationality=issuer), on=ON)
    assert result.valid is valid
    assert result.issuer == issuer
    if not valid:
        assert result.problems[0].message == (
            f"issuing State or organization {issuer!r} is not a State or organization code of "
            "ICAO Doc 9303"
        )
        assert _codes(result) == [("issuer", "unknown_code"), ("nationality", "unknown_code")]


def test_germany_is_d_padded_with_fillers() -> None:
    line1, line2 = _td3(issuer="D", nationality="D")
    assert line1.startswith("P<D<<")
    assert line2[10:13] == "D<<"
    assert parse_mrz([line1, line2], on=ON).nationality == "D"


@pytest.mark.parametrize(("raw", "sex"), [("M", "M"), ("F", "F"), ("X", "X"), ("<", "X")])
def test_sex(raw: str, sex: str) -> None:
    result = parse_mrz(_td3(sex=raw), on=ON)
    assert result.valid
    assert result.sex == sex


def test_an_impossible_sex_is_reported() -> None:
    line1, line2 = _td3()
    result = parse_mrz([line1, line2[:20] + "Q" + line2[21:]], on=ON)
    assert result.problems[0].message == "sex is 'Q'; it must be M, F, X or '<' (unspecified)"


def test_birth_century_is_the_latest_not_after_the_reference_date() -> None:
    assert parse_mrz(_td3(birth_date="261123"), on=ON).birth_date == date(2026, 11, 23)
    assert parse_mrz(_td3(birth_date="261124"), on=ON).birth_date == date(1926, 11, 24)
    assert parse_mrz(_td3(birth_date="000229"), on=ON).birth_date == date(2000, 2, 29)


def test_expiry_century_is_within_fifty_years_of_the_reference_date() -> None:
    result = parse_mrz(_td3(expiry_date="750101"), on=ON)
    assert result.expiry_date == date(2075, 1, 1)
    assert not result.expired
    result = parse_mrz(_td3(birth_date="500101", expiry_date="770101"), on=ON)
    assert result.expiry_date == date(1977, 1, 1)
    assert result.expired


def test_a_date_that_is_not_in_the_calendar() -> None:
    result = parse_mrz(_td3(expiry_date="310231"), on=ON)
    assert _codes(result) == [("expiry_date", "date")]
    assert result.problems[0].message == "expiry date 310231 is not a calendar date"
    assert result.expiry_date is None


def test_expiry_before_birth_is_a_problem() -> None:
    result = parse_mrz(_td3(birth_date=date(1990, 3, 4), expiry_date=date(1985, 1, 1)), on=ON)
    assert ("expiry_date", "date") in _codes(result)


def test_expired_is_a_flag_on_the_expiry_date_and_valid_stays_true() -> None:
    result = parse_mrz(_td3(expiry_date=date(2026, 11, 22)), on=ON)
    assert result.valid
    assert result.expired
    assert result.flags[0].message == "document expired on 2026-11-22, before 2026-11-23"
    # Valid through its expiry day.
    assert not parse_mrz(_td3(expiry_date=date(2026, 11, 23)), on=ON).expired


def test_minor_is_flagged_until_the_eighteenth_birthday() -> None:
    result = parse_mrz(_td3(birth_date=date(2008, 11, 24)), on=ON)
    assert result.valid
    assert result.minor
    assert result.flags[0].message == "holder is 17 years old on 2026-11-23: under 18"
    assert not parse_mrz(_td3(birth_date=date(2008, 11, 23)), on=ON).minor


def test_a_birth_date_printed_partly_as_fillers() -> None:
    result = parse_mrz(_td3(birth_date="74<<<<"), on=ON)
    assert result.valid
    assert result.birth_date is None
    assert [f.code for f in result.flags] == ["birth_date_unknown"]
    result = parse_mrz(_td3(birth_date="0901<<"), on=ON)
    assert [f.code for f in result.flags] == ["birth_date_unknown", "minor"]
    result = parse_mrz(_td3(birth_date="08<<<<"), on=ON)
    assert result.flags[1].message == "holder may be under 18 on 2026-11-23"


def test_the_reference_date_may_be_a_datetime_or_default_to_today() -> None:
    assert parse_mrz(TD3, on=datetime(2026, 11, 23, 12, 30)) == parse_mrz(TD3, on=ON)
    assert parse_mrz(TD3).expired


def test_names() -> None:
    result = parse_mrz(_td3(surname="DE LA CRUZ", given_names=""), on=ON)
    assert (result.surname, result.given_names) == ("DE LA CRUZ", "")
    line1, line2 = _td3()
    line1 = line1[:5] + "MART1N" + line1[11:]
    result = parse_mrz([line1, line2], on=ON)
    assert result.problems[0].field == "surname"
    assert "'1' at character 5; a name has letters and fillers only" in result.problems[0].message


def test_a_name_that_fills_its_zone_is_flagged_as_maybe_truncated() -> None:
    result = parse_mrz(_td3(surname="A" * 20, given_names="B" * 30), on=ON)
    assert result.valid
    assert [(f.field, f.code) for f in result.flags] == [("given_names", "name_truncated")]


def test_document_code_must_fit_the_format() -> None:
    line1, line2 = _td3()
    result = parse_mrz(["I" + line1[1:], line2], on=ON)
    assert _codes(result) == [("document_type", "document_code")]
    lines = make_mrz_td1(
        issuer="FRA",
        surname="MARTIN",
        given_names="CLAIRE",
        document_number="X4RTBPFW4",
        nationality="FRA",
        birth_date=date(1990, 3, 4),
        sex="F",
        expiry_date=date(2030, 3, 3),
        document_type="ID",
    )
    result = parse_mrz(lines, on=ON)
    assert result.valid
    assert result.document_type == "ID"


def test_a_long_number_announced_but_missing() -> None:
    lines = list(SPECIMENS["TD1"])
    lines[0] = lines[0][:14] + "<" + lines[0][15:]
    result = parse_mrz(lines, on=ON)
    assert result.problems[0].field == "document_number"
    assert "announces a long number" in result.problems[0].message


def test_empty_optional_data_check_digit_may_be_zero_or_filler() -> None:
    line1, line2 = _td3()
    assert line2[42] == "<"
    assert parse_mrz([line1, line2], on=ON).valid
    zero = line2[:42] + "0" + line2[43:]
    # The composite covers the optional check digit, and '<' and '0' weigh the same.
    assert parse_mrz([line1, zero], on=ON).valid


@pytest.mark.parametrize(
    "text",
    [None, 42, b"P<UTO", ["P<UTO", None], ["ok", 3.5], object()],
)
def test_input_that_is_not_text_is_a_problem_not_an_exception(text: object) -> None:
    result = parse_mrz(text, on=ON)  # type: ignore[arg-type]
    assert not result.valid
    assert result.format == "unknown"
    assert result.problems
