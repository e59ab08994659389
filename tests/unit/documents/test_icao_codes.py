"""The issuer and nationality codes of Doc 9303 Part 3."""

from __future__ import annotations

import pytest

from borderpost.documents.mrz.icao_codes import (
    ICAO_SPECIAL_CODES,
    ISO_3166_ALPHA3,
    KNOWN_CODES,
    PRACTICE_CODES,
    SPECIMEN_CODE,
    is_known_code,
    iso_codes_from_pycountry,
)


def test_the_iso_list_matches_pycountry_when_it_is_installed() -> None:
    pytest.importorskip("pycountry")
    assert iso_codes_from_pycountry() == ISO_3166_ALPHA3


def test_the_iso_list_is_whole() -> None:
    assert len(ISO_3166_ALPHA3) == 249
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in ISO_3166_ALPHA3)
    assert {"DEU", "FRA", "GBR", "USA", "ARM", "AZE", "GEO", "TUR", "PSE", "TWN"} <= ISO_3166_ALPHA3


@pytest.mark.parametrize(
    "code",
    [
        "D",
        "GBD",
        "GBN",
        "GBO",
        "GBP",
        "GBS",
        "EUE",
        "UNO",
        "UNA",
        "UNK",
        "XBA",
        "XIM",
        "XCC",
        "XCE",
        "XCO",
        "XEC",
        "XPO",
        "XES",
        "XMP",
        "XOM",
        "XDC",
        "XXA",
        "XXB",
        "XXC",
        "XXX",
    ],
)
def test_every_special_code_of_part_3_is_known(code: str) -> None:
    assert code in ICAO_SPECIAL_CODES
    assert is_known_code(code)


def test_codes_outside_part_3_are_kept_apart() -> None:
    assert set(PRACTICE_CODES) == {"RKS"}
    assert SPECIMEN_CODE == "UTO"
    assert not (set(PRACTICE_CODES) | {SPECIMEN_CODE}) & (set(ICAO_SPECIAL_CODES) | ISO_3166_ALPHA3)
    assert set(KNOWN_CODES) == ISO_3166_ALPHA3 | set(ICAO_SPECIAL_CODES) | {"RKS", "UTO"}


@pytest.mark.parametrize("code", ["DE", "UK", "EU", "XSA", "XSM", "ZZZ", "", "D<<", "deu"])
def test_what_is_not_a_code(code: str) -> None:
    assert not is_known_code(code)
