"""The booth fills itself from a document reader: Playwright typing an MRZ line by line.

A reader types like a keyboard, each line followed by Enter. The server and browser fixtures
are the ones of test_browser.py (a served demo, Debian's Chromium).
"""

from __future__ import annotations

import pytest
from tests.e2e.test_browser import _login, _shot, browser, server

from borderpost.documents.mrz.specimens import SPECIMENS

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # the fixtures this module uses
TD3 = SPECIMENS["TD3"]


def _scan(page: object, lines: list[str] | tuple[str, ...]) -> None:
    page.locator("#mrz").click()  # type: ignore[attr-defined]
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.press("Delete")  # type: ignore[attr-defined]
    for line in lines:
        page.keyboard.type(line)  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]


def test_a_scan_fills_the_booth_and_the_crossing_is_recorded(browser: object, server: str) -> None:
    expect = playwright_api.expect
    officer = _login(browser, server, "officer.west")
    expect(officer).to_have_url(f"{server}/posts/AST-W/booth")

    # A check digit the reader got wrong: the form is filled, the field is named, nothing sent.
    broken = [TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]
    _scan(officer, broken)
    expect(officer.locator("#doc_expiry-problem")).to_contain_text("expected 9")
    expect(officer.locator("#scan-result")).to_contain_text("problems")
    expect(officer.locator("#doc_expiry")).to_be_focused()
    # The A and R the reader typed stayed in the field: no decision was taken.
    expect(officer.locator("#result")).to_have_count(0)

    # A look-alike letter (O for 0) that the check digits prove: repaired, and it says so.
    misread = [TD3[0], TD3[1].replace("L898902C3", "L8989O2C3")]
    _scan(officer, misread)
    expect(officer.locator("#doc_number")).to_have_value("L898902C3")
    expect(officer.locator("#scan-result .repair")).to_contain_text("O → 0")

    # The specimen as printed: every field filled at once, the cursor back in the scan field.
    _scan(officer, TD3)
    filled = {
        "#surname": "ERIKSSON",
        "#given_names": "ANNA MARIA",
        "#birth_date": "1974-08-12",
        "#nationality": "UTO",
        "#doc_number": "L898902C3",
        "#doc_issuer": "UTO",
        "#doc_expiry": "2012-04-15",
        "#doc_type": "P",
    }
    for selector, value in filled.items():
        expect(officer.locator(selector)).to_have_value(value)
    expect(officer.locator("#scan-result")).to_contain_text("every check digit is right")
    expect(officer.locator("#scan-sex")).to_have_text("F")
    expect(officer.locator("#mrz")).to_be_focused()
    _shot(officer, "booth-scan")

    # The officer corrects a field and records with one key.
    officer.locator("#given_names").fill("ANNA")
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#result")).to_contain_text("ADMITTED")
    expect(officer.locator("#result")).to_contain_text("ERIKSSON ANNA")
    expect(officer.locator("#mrz")).to_have_value("")
