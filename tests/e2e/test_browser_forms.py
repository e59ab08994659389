"""Forms in a real browser: problems shown at their fields, never a page of JSON.

The server and browser fixtures are the ones of test_browser.py (a served two-day demo,
Debian's Chromium); this module gets its own server.
"""

from __future__ import annotations

import json
import re

import pytest
from tests.cargo_factories import declared
from tests.e2e.test_browser import _login, browser, server

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # module-scoped fixtures: this module gets its own server
WAIT = 20_000  # ms: a ceiling for a busy machine, not a timing assertion
MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _signed_in(browser: object, server: str, name: str):  # type: ignore[no-untyped-def]
    page = _login(browser, server, name)
    # Signed in once the browser has left the sign-in page, not before: no race with it.
    playwright_api.expect(page).not_to_have_url(re.compile(r"/login"), timeout=WAIT)
    return page


def test_a_truck_with_passengers_and_a_cargo_declaration(browser: object, server: str) -> None:
    expect = playwright_api.expect
    officer = _signed_in(browser, server, "officer.west")
    officer.goto(f"{server}/posts/AST-W/booth?kind=vehicle")
    officer.fill("#plate", "88-TR-808")
    officer.fill("#country", "UTN")
    officer.select_option("#vehicle_type", "truck")
    officer.select_option("#category", "commercial")
    officer.fill("#passengers", "DRIVER, ONE, E2E0808, UTN\nMATE, TWO, E2E0809, UTN")
    officer.fill("#consignments", json.dumps(declared()))
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#result")).to_contain_text("88-TR-808", timeout=WAIT)
    expect(officer.locator("#result")).to_contain_text(re.compile(r"passengers: 2"))
    officer.context.close()


def test_the_recent_crossings_filters_keep_the_table(browser: object, server: str) -> None:
    expect = playwright_api.expect
    supervisor = _signed_in(browser, server, "supervisor.west")
    supervisor.goto(f"{server}/posts/AST-W")
    expect(supervisor.locator("#crossings table")).to_be_visible(timeout=WAIT)
    # Every other filter is left at "every ...": an empty choice, not a bad one.
    with supervisor.expect_response(re.compile(r"/posts/AST-W/crossings\?")) as answer:
        supervisor.select_option("#crossings select[name=kind]", "vehicle")
    assert answer.value.status == 200
    expect(supervisor.locator("#crossings table")).to_be_visible(timeout=WAIT)
    expect(supervisor.locator("#crossings")).not_to_contain_text('"detail"')
    expect(supervisor.locator("#crossings select[name=kind]")).to_have_value("vehicle")
    supervisor.context.close()


def test_the_booth_wants_a_document_and_a_name_not_an_mrz(browser: object, server: str) -> None:
    expect = playwright_api.expect
    officer = _signed_in(browser, server, "officer.west")
    officer.goto(f"{server}/posts/AST-W/booth")
    # A reader types into the focused field: the scan field, not Surname.
    expect(officer.locator("#mrz")).to_be_focused(timeout=WAIT)
    # A whole MRZ pasted into Surname is named there, with where it belongs.
    officer.fill("#surname", MRZ)
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#surname-problem")).to_contain_text("scan field", timeout=WAIT)
    expect(officer.locator("#result")).to_have_count(0)
    # A name alone is not enough to admit a person: a document, or why there is none.
    officer.fill("#surname", "NOPAPERS")
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#doc_number-problem")).to_contain_text("document", timeout=WAIT)
    expect(officer.locator("#result")).to_have_count(0)
    officer.fill("#reasons", "medical evacuation, documents to follow")
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#result")).to_contain_text("ADMITTED", timeout=WAIT)
    officer.context.close()


def test_the_supervisors_audit_trail_link_opens_their_posts_trail(
    browser: object, server: str
) -> None:
    expect = playwright_api.expect
    supervisor = _signed_in(browser, server, "supervisor.west")
    supervisor.goto(f"{server}/posts/AST-W")
    supervisor.click("header nav a[href='/audit']")
    expect(supervisor.locator("h1")).to_have_text("Audit trail", timeout=WAIT)
    expect(supervisor.locator("select[name=post]")).to_have_value("AST-W")
    expect(supervisor.locator("table.grid tbody tr").first).to_be_visible()
    supervisor.context.close()


@pytest.mark.parametrize(
    ("path", "title"), [("/reports", "Summary report"), ("/reports/access", "Access report")]
)
def test_report_dates_out_of_order_or_malformed_are_named_at_the_field(
    browser: object, server: str, path: str, title: str
) -> None:
    expect = playwright_api.expect
    analyst = _signed_in(browser, server, "analyst")
    analyst.goto(f"{server}{path}?from=2026-11-20&to=2026-11-10")
    expect(analyst.locator("h1")).to_have_text(title, timeout=WAIT)
    expect(analyst.locator("#to-problem")).to_contain_text("before")
    analyst.goto(f"{server}{path}?from=2026-13-45&to=2026-11-10")
    expect(analyst.locator("h1")).to_have_text(title, timeout=WAIT)
    expect(analyst.locator("#from-problem")).to_contain_text("YYYY-MM-DD")
    assert '"detail"' not in analyst.content()
    analyst.context.close()
