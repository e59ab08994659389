"""The Content-Security-Policy in a real browser: every page of every role, and the things
done on them (htmx requests, the booth's keys, the language menu), break no rule of it.

An init script (run by the browser, outside the page's policy) records every
``securitypolicyviolation`` event; console errors naming the policy are collected too.
"""

from __future__ import annotations

import re

import pytest
from tests.e2e.test_browser import _login, browser, server  # noqa: F401 - fixtures

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
WAIT = 20_000  # ms: a ceiling for a busy machine, not a timing assertion

RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""

# ReDoc fetches its "powered by" logo from its CDN: the policy blocks it on purpose (nothing
# of a page is loaded from elsewhere; a post may have no Internet at all).
BLOCKED_ON_PURPOSE = "https://cdn.redoc.ly/redoc/logo-mini.svg"

PAGES = {
    "officer.west": ["/posts/AST-W/booth"],
    "supervisor.west": ["/posts", "/posts/AST-W", "/posts/AST-W/alerts", "/posts/AST-W/booth"],
    "analyst": ["/reports", "/reports/access", "/corridors", "/corridors/AST"],
    "observer": ["/observer", "/reports"],
    "admin": ["/audit", "/api/v1/docs", "/api/v1/redoc"],
}


class Watch:
    """A signed-in page whose policy violations and policy console errors are kept."""

    def __init__(self, launched: object, url: str, name: str) -> None:
        self.page = _login(launched, url, name)
        self.page.context.add_init_script(RECORD)
        self.console: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__violations || []")
        return [v for v in found + self.console if BLOCKED_ON_PURPOSE not in v]


def test_no_page_breaks_the_content_security_policy(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,  # noqa: F811 - the imported fixture
) -> None:
    expect = playwright_api.expect
    for name, paths in PAGES.items():
        watch = Watch(browser, server, name)
        for path in paths:
            watch.page.goto(f"{server}{path}")
            watch.page.wait_for_load_state("networkidle")
            assert watch.violations() == [], f"{name} on {path}"

    # The booth: htmx posts the form, the keyboard decides (borderpost.js), htmx swaps.
    watch = Watch(browser, server, "officer.west")
    page = watch.page
    page.goto(f"{server}/posts/AST-W/booth")
    # The cursor starts in the scan field; the officer types the name by hand.
    expect(page.locator("#mrz")).to_be_focused(timeout=WAIT)
    page.locator("#surname").focus()
    for value in ("POLICYTEST", "OLGA", "1985-05-05", "UTO", "CSP0001"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    page.keyboard.type("UTO")
    page.keyboard.press("Alt+A")
    expect(page.locator("#result")).to_contain_text("POLICYTEST", timeout=WAIT)
    assert watch.violations() == []

    # The language menu sends its form from borderpost.js, not from an inline handler.
    page.select_option("select[name=language]", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru", timeout=WAIT)
    page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=WAIT)
    assert watch.violations() == []

    # Signing out ends the session: the booth sends the browser back to the login page.
    page.click("text=Sign out")
    page.goto(f"{server}/posts/AST-W/booth")
    expect(page).to_have_url(re.compile(r"/login\?next="), timeout=WAIT)
    assert watch.violations() == []
