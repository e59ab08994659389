"""The one CSV writer neutralises text that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

import borderpost
from borderpost.csvfile import csv_text, safe_cell


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://e.x/","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=", "-"],
)
def test_text_that_could_start_a_formula_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["10-AB-001", "P-A", "", "O'Brien", " =1", "2026-11-28"])
def test_other_text_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_numbers_stay_numbers_so_negatives_still_add_up() -> None:
    text = csv_text(["a", "b", "c", "d"], [[-3, -1.5, Decimal("-2.25"), None]])
    assert text.splitlines() == ["a,b,c,d", "-3,-1.5,-2.25,"]


def test_a_whole_file_reads_back_with_the_quote_in_front() -> None:
    text = csv_text(["plate"], [["=1+1"], ["a,b\n=c"]])
    assert list(csv.reader(io.StringIO(text))) == [["plate"], ["'=1+1"], ["a,b\n=c"]]


def test_no_other_module_writes_csv() -> None:
    # Every export goes through csvfile; a second writer would skip the neutralising.
    src = Path(borderpost.__file__).parent
    writers = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\b", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["csvfile.py"]
