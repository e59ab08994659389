"""Forms in a real browser: problems shown at their fields, never a page of JSON.

The server and browser fixtures are the ones of test_browser.py (a served two-day demo,
Debian's Chromium); this module gets its own server.
"""

from __future__ import annotations

import json
import re

import pytest
from tests.cargo_factories import declared, gold_concentrate
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
    officer.locator("#paste-declaration summary").click()  # the JSON box is folded
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
    # htmx binds the filters' change listener once the page has settled; a change before that
    # sends nothing (seen once in a full browser run).
    supervisor.wait_for_load_state("networkidle")
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
    # The cursor goes to the problem once htmx has settled: only then type elsewhere.
    expect(officer.locator("#doc_number")).to_be_focused(timeout=WAIT)
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


def test_the_language_moves_with_the_arrows_and_is_sent_by_enter_to_the_same_page(
    browser: object, server: str
) -> None:
    expect = playwright_api.expect
    analyst = _signed_in(browser, server, "analyst")
    period = "/reports/access?from=2026-11-20&to=2026-11-27"
    analyst.goto(f"{server}{period}")
    sent: list[str] = []
    analyst.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    language = analyst.locator("header select[name=language]")
    # Arrows walk the list, sending nothing; Enter sends the choice, back to this report.
    language.focus()
    analyst.keyboard.press("ArrowDown")
    analyst.keyboard.press("ArrowDown")
    expect(language).to_have_value("hy")
    with analyst.expect_navigation(timeout=WAIT):
        analyst.keyboard.press("Enter")
    expect(analyst.locator("html")).to_have_attribute("lang", "hy", timeout=WAIT)
    assert analyst.url == f"{server}{period}"
    expect(analyst.locator("p.period")).to_contain_text("2026-11-20")
    assert [url for url in sent if url.endswith("/account/language")] == [
        f"{server}/account/language"
    ]
    # A choice made with the pointer is sent at once, and the query stays too.
    with analyst.expect_navigation(timeout=WAIT):
        language.select_option("en")
    expect(analyst.locator("html")).to_have_attribute("lang", "en", timeout=WAIT)
    assert analyst.url == f"{server}{period}"
    analyst.context.close()


def test_alt_p_v_and_m_switch_the_booth_and_reach_the_scan_field(
    browser: object, server: str
) -> None:
    expect = playwright_api.expect
    officer = _signed_in(browser, server, "officer.west")
    officer.goto(f"{server}/posts/AST-W/booth")
    # One heading names the booth and its post.
    expect(officer.locator("h1")).to_have_count(1)
    expect(officer.locator("h1")).to_contain_text("Booth")
    # The keys are written next to their controls, key by key.
    vehicle_keys = officer.locator("label:has(input[value=vehicle]) kbd")
    expect(vehicle_keys).to_have_text(["Alt", "V"])
    expect(officer.locator("label:has(#mrz) kbd")).to_have_text(["Alt", "M"])
    expect(officer.locator("#mrz")).to_be_focused(timeout=WAIT)
    officer.keyboard.press("Alt+V")
    expect(officer.locator("#plate")).to_be_focused(timeout=WAIT)
    expect(officer.locator("input[value=vehicle]")).to_be_checked()
    # Alt+M from a vehicle: back to a person, the cursor in the scan field.
    officer.keyboard.press("Alt+M")
    expect(officer.locator("input[value=person]")).to_be_checked(timeout=WAIT)
    expect(officer.locator("#mrz")).to_be_focused(timeout=WAIT)
    officer.fill("#surname", "SHORTCUT")
    officer.locator("#surname").focus()
    officer.keyboard.press("Alt+M")
    expect(officer.locator("#mrz")).to_be_focused(timeout=WAIT)
    expect(officer.locator("#surname")).to_have_value("SHORTCUT")  # Alt+M typed nothing
    officer.keyboard.press("Alt+V")
    expect(officer.locator("#plate")).to_be_focused(timeout=WAIT)
    officer.keyboard.press("Alt+P")
    expect(officer.locator("input[value=person]")).to_be_checked(timeout=WAIT)
    expect(officer.locator("#mrz")).to_be_focused(timeout=WAIT)
    officer.context.close()


def test_a_medical_evacuation_passes_a_closed_post_and_says_so(
    browser: object, server: str
) -> None:
    expect = playwright_api.expect
    admin = _signed_in(browser, server, "admin")
    admin.goto(f"{server}/posts/AST-E")
    admin.fill("#close-reason", "Flooded road")
    admin.fill("#close-authority", "Regional road authority")
    admin.click("#close")
    expect(admin.locator("#post-status")).to_contain_text("CLOSED", timeout=WAIT)
    officer = _signed_in(browser, server, "officer.east")
    officer.goto(f"{server}/posts/AST-E/booth")
    officer.select_option("#category", "medical_evacuation")
    officer.fill("#surname", "PATIENT")
    officer.fill("#doc_number", "E2E7001")
    officer.fill("#doc_issuer", "UTO")
    officer.keyboard.press("Alt+A")
    result = officer.locator("#result")
    expect(result).to_contain_text("ADMITTED", timeout=WAIT)
    expect(result.locator(".flag")).to_have_text("passed the closure (exempt category)")
    # The access report: the closure in the post's local time (UTC+4), classes as words.
    analyst = _signed_in(browser, server, "analyst")
    analyst.goto(f"{server}/reports/access?post=AST-E")
    started = analyst.locator("table.closures tbody td").first
    expect(started).to_have_text(re.compile(r"^2026-11-28 12:\d\d$"), timeout=WAIT)
    classes = analyst.locator("#refusal-classes td:first-child")
    expect(classes).to_have_text(["closed post", "cargo prohibited", "documents", re.compile("or")])
    admin.click("#reopen-step summary")
    admin.fill("#reopen-reason", "Road open again")
    admin.fill("#reopen-authority", "Regional road authority")
    admin.click("#reopen")
    expect(admin.locator("#post-status")).to_contain_text("OPEN", timeout=WAIT)
    for page in (admin, officer, analyst):
        page.context.close()


def test_the_inspection_is_closed_only_with_a_chosen_decision(browser: object, server: str) -> None:
    expect = playwright_api.expect
    page = _signed_in(browser, server, "inspector.west")
    page.goto(f"{server}/posts/AST-W/booth?kind=vehicle")
    page.fill("#plate", "66-IN-660")
    page.fill("#country", "UTN")
    page.select_option("#direction", "out")  # gold ore going out: the red lane, referred
    page.select_option("#category", "commercial")
    page.locator("#paste-declaration summary").click()  # the JSON box is folded
    page.fill("#consignments", json.dumps(gold_concentrate()))
    page.keyboard.press("Alt+A")
    expect(page.locator("#result")).to_contain_text("REFERRED", timeout=WAIT)
    page.click("#to-inspection")
    page.click("#open-inspection")
    outcome = page.locator("#close-outcome")
    expect(outcome).to_have_value("", timeout=WAIT)  # nothing chosen for the inspector
    page.fill("#close-reason", "looked at in a hurry")
    page.click("#close-inspection")
    expect(page.locator("#close-outcome + .problem")).to_be_visible(timeout=WAIT)
    expect(page.locator("#closed")).to_have_count(0)
    expect(page.locator("#close-reason")).to_have_value("looked at in a hurry")
    page.select_option("#close-outcome", "admitted")
    page.click("#close-inspection")
    expect(page.locator("#closed")).to_contain_text("looked at in a hurry", timeout=WAIT)
    page.context.close()


def test_the_icon_is_served(browser: object, server: str) -> None:
    officer = _signed_in(browser, server, "officer.west")
    missing: list[str] = []
    officer.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    officer.goto(f"{server}/posts/AST-W/booth")
    href = officer.locator("link[rel=icon]").get_attribute("href")
    answer = officer.request.get(f"{server}{href}")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert missing == []
    officer.context.close()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("officer.west", "/posts/AST-W/booth"),
        ("officer.west", "/posts/AST-W/booth?kind=vehicle"),
        ("supervisor.west", "/posts/AST-W"),
        ("analyst", "/reports"),
        ("analyst", "/reports/access?post=AST-W"),
    ],
)
def test_no_page_scrolls_sideways_at_640_px(
    browser: object, server: str, name: str, path: str
) -> None:
    page = _signed_in(browser, server, name)
    page.set_viewport_size({"width": 640, "height": 900})
    page.goto(f"{server}{path}")
    playwright_api.expect(page.locator("main h1, main #booth").first).to_be_visible(timeout=WAIT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    page.context.close()
