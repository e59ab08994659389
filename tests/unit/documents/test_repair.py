"""OCR repair: only what the MRZ proves, and every change reported."""

from __future__ import annotations

from datetime import date

from borderpost.documents.mrz.ocr_repair import SWAP
from borderpost.documents.mrz.parser import Repair, make_mrz_td1, make_mrz_td3, parse_mrz
from borderpost.documents.mrz.specimens import SPECIMENS

ON = date(2026, 11, 23)
TD3 = SPECIMENS["TD3"]


def _swap(lines: tuple[str, ...], line: int, col: int, new: str) -> list[str]:
    out = list(lines)
    out[line] = lines[line][:col] + new + lines[line][col + 1 :]
    return out


def test_repair_is_off_unless_asked() -> None:
    misread = _swap(TD3, 1, 15, "O")  # birth date 74O812
    result = parse_mrz(misread, on=ON)
    assert not result.valid
    assert result.repairs == ()


def test_letters_in_dates_and_check_digits_become_digits() -> None:
    misread = _swap(_swap(TD3, 1, 15, "O"), 1, 43, "O")  # 74O812 ... composite O
    result = parse_mrz(misread, on=ON, repair=True)
    assert result.valid, result.problems
    assert result.repairs == (
        Repair("birth_date", 2, "O", "0", line=2, column=16),
        Repair("composite", 0, "O", "0", line=2, column=44),
    )
    assert result.lines == TD3


def test_digits_in_names_and_codes_become_letters() -> None:
    misread = ("P<UT0ER1KSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<", TD3[1].replace("UTO", "UT0"))
    result = parse_mrz(misread, on=ON, repair=True)
    assert result.valid, result.problems
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    fields = [(r.field, r.before, r.after) for r in result.repairs]
    assert fields == [
        ("issuer", "0", "O"),
        ("surname", "1", "I"),
        ("surname", "0", "O"),
        ("given_names", "1", "I"),
        ("nationality", "0", "O"),
    ]


def test_a_code_is_repaired_only_to_a_known_code() -> None:
    line1, line2 = make_mrz_td3(
        issuer="D",
        surname="MUELLER",
        given_names="ANNA",
        document_number="C01X00T47",
        nationality="D",
        birth_date=date(1980, 1, 2),
        sex="F",
        expiry_date=date(2030, 1, 2),
    )
    misread = [line1.replace("P<D<<", "P<DKK"), line2]
    result = parse_mrz(misread, on=ON, repair=True)
    assert result.valid
    assert result.issuer == "D"
    assert [(r.position, r.before, r.after) for r in result.repairs] == [
        (1, "K", "<"),
        (2, "K", "<"),
    ]
    # No look-alike spelling of QQQ is a code: nothing changed, the problem stays.
    unknown = parse_mrz([line1.replace("P<D<<", "P<QQQ"), line2], on=ON, repair=True)
    assert unknown.repairs == ()
    assert unknown.problems[0].code == "unknown_code"


def test_document_number_repaired_when_its_check_digit_allows_one_reading_only() -> None:
    misread = _swap(TD3, 1, 5, "O")  # L8989O2C3: the reader took 0 for O
    plain = parse_mrz(misread, on=ON)
    assert [p.field for p in plain.problems] == ["document_number", "composite"]
    result = parse_mrz(misread, on=ON, repair=True)
    assert result.valid
    assert result.document_number == "L898902C3"
    assert result.repairs == (Repair("document_number", 5, "O", "0", line=2, column=6),)


def test_no_repair_where_two_readings_satisfy_the_check_digit() -> None:
    # D23I45890734: I -> 1 and 8 -> B both satisfy the number's check digit, and the
    # composite weighs both the same way: ambiguous, so nothing is changed.
    lines = _swap(SPECIMENS["TD1_LONG_NUMBER"], 0, 8, "I")
    result = parse_mrz(lines, on=ON, repair=True)
    assert result.repairs == ()
    assert not result.valid
    assert result.document_number == "D23I45890734"


def test_every_single_lookalike_in_the_specimen_number_is_repaired_or_left_alone() -> None:
    # Whatever the field, a repair is never a wrong guess: it restores the specimen exactly.
    for name in ("TD3", "TD1", "TD2", "MRVA", "MRVB"):
        lines = SPECIMENS[name]
        line = 0 if name == "TD1" else 1
        start = 5 if name == "TD1" else 0
        for col in range(start, start + 9):
            before = lines[line][col]
            if before not in SWAP:
                continue
            result = parse_mrz(_swap(lines, line, col, SWAP[before]), on=ON, repair=True)
            if result.repairs:
                assert result.lines == lines, (name, col)
                assert result.valid
            else:
                assert not result.valid


def test_composite_only_data_is_repaired_when_the_composite_allows_one_reading() -> None:
    lines = make_mrz_td1(
        issuer="FRA",
        surname="MARTIN",
        given_names="CLAIRE",
        document_number="X4RTBPFW4",
        nationality="FRA",
        birth_date=date(1990, 3, 4),
        sex="F",
        expiry_date=date(2030, 3, 3),
        optional_data_2="AB12",
    )
    misread = _swap(lines, 1, 20, "I")  # optional data 2: AB12 -> ABI2
    result = parse_mrz(misread, on=ON, repair=True)
    assert result.valid, result.problems
    assert result.optional_data_2 == "AB12"
    assert result.repairs == (Repair("optional_data_2", 2, "I", "1", line=2, column=21),)


def test_k_for_a_filler_in_the_long_number_marker() -> None:
    lines = _swap(SPECIMENS["TD1_LONG_NUMBER"], 0, 14, "K")
    result = parse_mrz(lines, on=ON, repair=True)
    assert result.valid
    assert result.document_number == "D23145890734"
    assert result.repairs == (Repair("document_number", 9, "K", "<", line=1, column=15),)


def test_k_for_a_filler_after_the_given_names_but_never_inside_a_name() -> None:
    lines = list(SPECIMENS["TD1"])
    lines[2] = "ERIKSSON<<ANNA<MARIA<<<K<<<K<<"
    result = parse_mrz(lines, on=ON, repair=True)
    assert result.valid
    assert result.given_names == "ANNA MARIA"
    assert [(r.field, r.position) for r in result.repairs] == [
        ("given_names", 23),
        ("given_names", 27),
    ]
    lines[2] = "NOVAK<<ANNA<K<<<<<<<<<<<<<<<<<"  # "ANNA K": a name, left alone
    result = parse_mrz(lines, on=ON, repair=True)
    assert (result.surname, result.given_names) == ("NOVAK", "ANNA K")
    assert result.repairs == ()


def test_a_misread_that_no_lookalike_explains_is_left_to_the_officer() -> None:
    misread = _swap(TD3, 1, 16, "3")  # 740312 for 740812: a digit for a digit
    result = parse_mrz(misread, on=ON, repair=True)
    assert not result.valid
    assert result.repairs == ()


def test_the_first_letter_of_the_document_code() -> None:
    lines = _swap(SPECIMENS["TD1"], 0, 0, "1")
    result = parse_mrz(lines, on=ON, repair=True)
    assert result.valid
    assert result.document_type == "I"
    assert result.repairs == (Repair("document_type", 0, "1", "I", line=1, column=1),)
