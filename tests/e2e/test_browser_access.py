"""The access report in a real browser: an observer picks a post and reads its charts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from tests.e2e.test_browser import _cli, _home, _login, _served, _shot, browser  # noqa: F401 - fixture

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
WAIT = 20_000  # ms: a ceiling for a busy machine, not a timing assertion


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _home_dir, env = _home(tmp_path_factory)
    _cli(env, "demo", "--days", "2")  # the demo's crossings carry queue-ticket times
    with _served(env) as url:
        yield url


def test_an_observer_reads_hours_open_and_waiting_times(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    observer = _login(browser, server, "observer")
    # Signed in once the sign-in has landed on the overview, not before: no race with it.
    expect(observer).to_have_url(f"{server}/observer", timeout=WAIT)
    observer.goto(f"{server}/reports")
    observer.click("#to-access")
    expect(observer.locator("h1")).to_have_text("Access report", timeout=WAIT)
    # Every post: the hours chart only (percentiles of several posts do not add up).
    expect(observer.locator("svg.chart")).to_have_count(1)
    observer.select_option("#post", "AST-W")
    observer.click("form.filters button[type=submit]")
    expect(observer).to_have_url(re.compile(r"post=AST-W"), timeout=WAIT)
    expect(observer.locator("svg.chart")).to_have_count(2, timeout=WAIT)
    waiting = observer.locator("svg.chart").nth(1).locator("rect title")
    expect(waiting.first).to_contain_text("median")
    expect(observer.locator("table.days tbody tr").first).to_be_visible()
    assert "post=AST-W" in (observer.locator("#csv").get_attribute("href") or "")
    _shot(observer, "access-report")
    observer.context.close()


def test_an_observer_reads_a_post_log_and_how_to_verify_it(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    observer = _login(browser, server, "observer")
    expect(observer).to_have_url(f"{server}/observer", timeout=WAIT)
    observer.locator('#bulletins a[href="/ledger/AST-W/"]').click()
    expect(observer.locator("h1")).to_contain_text("Ledger AST-W", timeout=WAIT)
    # The server's appender signs a checkpoint within seconds of starting; reload until then.
    for _ in range(40):
        if observer.locator("#signers td.open").count():
            break
        observer.wait_for_timeout(500)
        observer.reload()
    expect(observer.locator("#signers td.open").first).to_have_text("Verified")
    expect(observer.locator("#commands")).to_contain_text(
        f"borderpost ledger verify {server}/ledger/AST-W/ --vkey"
    )
    _shot(observer, "ledger-page")
    observer.context.close()


def test_a_supervisor_reopens_a_post_with_its_reason_and_authority(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    supervisor = _login(browser, server, "supervisor.west")
    supervisor.goto(f"{server}/posts/AST-W")
    supervisor.fill("#close-reason", "Flooded approach road")
    supervisor.fill("#close-authority", "Regional road authority")
    supervisor.click("#close")
    expect(supervisor.locator("#post-status")).to_contain_text("CLOSED", timeout=WAIT)
    # One click no longer reopens: the step asks for the order first.
    expect(supervisor.locator("#reopen")).not_to_be_visible()
    supervisor.locator("#reopen-step summary").click()
    supervisor.fill("#reopen-reason", "Road cleared")
    supervisor.fill("#reopen-authority", "Regional road authority")
    supervisor.click("#reopen")
    expect(supervisor.locator("#post-status")).to_contain_text("OPEN", timeout=WAIT)
    expect(supervisor.locator("#closures table")).to_contain_text("Road cleared")
    _shot(supervisor, "post-reopened")
    supervisor.context.close()


def test_an_observer_downloads_the_summary_as_pdf_and_its_chart_as_svg(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    observer = _login(browser, server, "observer")
    playwright_api.expect(observer).to_have_url(f"{server}/observer", timeout=WAIT)
    observer.goto(f"{server}/reports")
    with observer.expect_download(timeout=WAIT) as pdf:
        observer.click("#pdf")
    assert pdf.value.suggested_filename.startswith("borderpost-summary-")
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with observer.expect_download(timeout=WAIT) as svg:
        observer.click("#chart-svg")
    assert svg.value.suggested_filename.endswith(".svg")
    with open(svg.value.path(), "rb") as handle:
        assert b"<svg" in handle.read()
    observer.context.close()
