"""The ICAO Doc 9303 specimens read correctly, and the builders write them back exactly."""

from __future__ import annotations

import json
from datetime import date

import pytest

from borderpost.documents.mrz.parser import (
    check_digit,
    make_mrz_mrva,
    make_mrz_mrvb,
    make_mrz_td1,
    make_mrz_td2,
    make_mrz_td3,
    parse_mrz,
)
from borderpost.documents.mrz.specimens import SPECIMENS

ON = date(2026, 11, 23)

ANNA = {
    "issuer": "UTO",
    "surname": "ERIKSSON",
    "given_names": "ANNA MARIA",
    "sex": "F",
}
PETER = {
    "document_type": "I",
    "issuer": "UTO",
    "surname": "STEVENSON",
    "given_names": "PETER JOHN",
    "nationality": "UTO",
    "document_number": "D23145890734",
    "birth_date": date(1934, 7, 12),
    "sex": "M",
    "expiry_date": date(1995, 7, 12),
    "optional_data": "",
}

EXPECTED: dict[str, dict[str, object]] = {
    "TD3": {
        **ANNA,
        "format": "TD3",
        "document_type": "P",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "expiry_date": date(2012, 4, 15),
        "optional_data": "ZE184226B",
    },
    "TD1": {
        **ANNA,
        "format": "TD1",
        "document_type": "I",
        "document_number": "D23145890",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "expiry_date": date(2012, 4, 15),
        "optional_data": "",
        "optional_data_2": "",
    },
    "TD2": {
        **ANNA,
        "format": "TD2",
        "document_type": "I",
        "document_number": "D23145890",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "expiry_date": date(2012, 4, 15),
        "optional_data": "",
    },
    "MRVA": {
        **ANNA,
        "format": "MRVA",
        "document_type": "V",
        "document_number": "L8988901C",
        "nationality": "XXX",
        "birth_date": date(1940, 9, 7),
        "expiry_date": date(1996, 12, 10),
        "optional_data": "6ZE184226B",
    },
    "MRVB": {
        **ANNA,
        "format": "MRVB",
        "document_type": "V",
        "document_number": "L8988901C",
        "nationality": "XXX",
        "birth_date": date(1940, 9, 7),
        "expiry_date": date(1996, 12, 10),
        "optional_data": "",
    },
    "TD1_LONG_NUMBER": {**PETER, "format": "TD1", "optional_data_2": ""},
    "TD2_LONG_NUMBER": {**PETER, "format": "TD2"},
}


def test_every_specimen_reads_correctly(specimen: tuple[str, tuple[str, ...]]) -> None:
    name, lines = specimen
    result = parse_mrz("\n".join(lines), on=ON)
    assert result.valid, result.problems
    assert result.problems == ()
    for field, value in EXPECTED[name].items():
        assert getattr(result, field) == value, field
    # Every specimen is from Utopia, long expired on the reference date.
    assert {flag.code for flag in result.flags} == {"specimen", "expired"}
    assert result.expired
    assert not result.minor
    assert result.lines == lines


def test_specimen_as_list_of_lines_gives_the_same(specimen: tuple[str, tuple[str, ...]]) -> None:
    _, lines = specimen
    assert parse_mrz(list(lines), on=ON) == parse_mrz("\n".join(lines), on=ON)


def test_to_dict_is_json_ready() -> None:
    result = parse_mrz(SPECIMENS["TD3"], on=ON)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["birth_date"] == "1974-08-12"
    assert data["expiry_date"] == "2012-04-15"
    assert data["expired"] is True
    assert {"field": "expiry_date", "code": "expired"}.items() <= data["flags"][0].items()
    assert data["problems"] == []
    assert data["lines"] == list(SPECIMENS["TD3"])


@pytest.mark.parametrize(
    ("data", "digit"),
    [
        ("L898902C3", 6),
        ("740812", 2),
        ("120415", 9),
        ("ZE184226B<<<<<", 1),
        ("L898902C3674081221204159ZE184226B<<<<<1", 0),  # the TD3 composite
        ("D23145890734", 9),  # the long TD1 number
        ("", 0),
        ("<<<<<<<<<", 0),
    ],
)
def test_check_digit_examples_of_doc_9303(data: str, digit: int) -> None:
    assert check_digit(data) == digit


@pytest.mark.parametrize("data", ["l898902c3", "74 0812", "ÄB", "?"])
def test_check_digit_raises_only_on_characters_it_cannot_weigh(data: str) -> None:
    with pytest.raises(ValueError, match="not an MRZ character"):
        check_digit(data)


def test_builders_write_every_specimen_exactly() -> None:
    anna = {"issuer": "UTO", "surname": "ERIKSSON", "given_names": "ANNA MARIA", "sex": "F"}
    assert (
        make_mrz_td3(
            **anna,
            document_number="L898902C3",
            nationality="UTO",
            birth_date=date(1974, 8, 12),
            expiry_date=date(2012, 4, 15),
            optional_data="ZE184226B",
        )
        == SPECIMENS["TD3"]
    )
    common = {
        **anna,
        "document_number": "D23145890",
        "nationality": "UTO",
        "birth_date": "740812",
        "expiry_date": "120415",
    }
    assert make_mrz_td1(**common) == SPECIMENS["TD1"]
    assert make_mrz_td2(**common) == SPECIMENS["TD2"]
    visa = {
        **anna,
        "document_number": "L8988901C",
        "nationality": "XXX",
        "birth_date": date(1940, 9, 7),
        "expiry_date": date(1996, 12, 10),
    }
    assert make_mrz_mrva(**visa, optional_data="6ZE184226B") == SPECIMENS["MRVA"]
    assert make_mrz_mrvb(**visa) == SPECIMENS["MRVB"]
    peter = {
        "issuer": "UTO",
        "surname": "STEVENSON",
        "given_names": "PETER JOHN",
        "sex": "M",
        "document_number": "D23145890734",
        "nationality": "UTO",
        "birth_date": date(1934, 7, 12),
        "expiry_date": date(1995, 7, 12),
    }
    assert make_mrz_td1(**peter) == SPECIMENS["TD1_LONG_NUMBER"]
    assert make_mrz_td2(**peter) == SPECIMENS["TD2_LONG_NUMBER"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"document_number": "1234567890"}, "longer than 9"),
        ({"surname": "MÜLLER"}, "Latin letters"),
        ({"surname": ""}, "surname is empty"),
        ({"issuer": "U1O"}, "code of 1 to 3 letters"),
        ({"sex": "Q"}, "sex"),
        ({"birth_date": "74-08-12"}, "YYMMDD"),
        ({"optional_data": "X" * 15}, "longer than 14"),
        ({"document_type": "V"}, "must start with P"),
    ],
)
def test_builders_refuse_what_an_mrz_cannot_hold(kwargs: dict[str, str], message: str) -> None:
    fields: dict[str, object] = {
        "issuer": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "sex": "F",
        "expiry_date": date(2031, 4, 15),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        make_mrz_td3(**fields)  # type: ignore[arg-type]


def test_builder_names_turn_spaces_hyphens_and_apostrophes_into_mrz_form() -> None:
    line1, _ = make_mrz_td3(
        issuer="D",
        surname="Müller-Lüdenscheidt".replace("ü", "ue"),
        given_names="Jean-Luc O'Neil",
        document_number="C01X00T47",
        nationality="D",
        birth_date=date(1964, 8, 12),
        sex="M",
        expiry_date=date(2031, 10, 31),
    )
    assert line1 == "P<D<<MUELLER<LUEDENSCHEIDT<<JEAN<LUC<ONEIL<<"
    result = parse_mrz([line1, _], on=ON)
    assert result.valid, result.problems
    assert (result.issuer, result.surname, result.given_names) == (
        "D",
        "MUELLER LUEDENSCHEIDT",
        "JEAN LUC ONEIL",
    )


@pytest.mark.parametrize("builder", [make_mrz_td3, make_mrz_td1])
def test_builders_name_a_misspelt_or_missing_field(builder: object) -> None:
    fields: dict[str, object] = {
        "issuer": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA",
        "document_numbr": "L898902C3",
        "nationality": "UTO",
        "birth_date": date(1974, 8, 12),
        "sex": "F",
        "expiry_date": date(2031, 4, 15),
    }
    with pytest.raises(TypeError, match=r"unknown fields \['document_numbr'\], missing fields"):
        builder(**fields)  # type: ignore[operator]
