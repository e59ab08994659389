"""The corridor page in a real browser: an analyst sees overdue transits first and filters.

The demo builds the Aster corridor with trucks through it; the analyst opens it from the menu.
"""

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
    _cli(env, "demo", "--days", "5")
    with _served(env) as url:
        yield url


def test_the_analyst_sees_overdue_first_and_filters_by_state(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    analyst = _login(browser, server, "analyst")
    analyst.click("nav >> text=Transits")  # type: ignore[attr-defined]
    analyst.click("#corridors >> text=Aster corridor")  # type: ignore[attr-defined]
    expect(analyst).to_have_url(f"{server}/corridors/AST", timeout=WAIT)
    rows = analyst.locator("#transit-table tbody tr")  # type: ignore[attr-defined]
    expect(rows.first).to_be_visible(timeout=WAIT)
    expect(analyst.locator("svg.chart rect").first).to_be_attached()  # type: ignore[attr-defined]
    # Overdue first: no row after a non-overdue one is overdue.
    classes = rows.evaluate_all("rows => rows.map(r => r.className)")
    overdue = [c == "state-overdue" for c in classes]
    assert overdue == sorted(overdue, reverse=True)
    _shot(analyst, "transits")

    analyst.select_option("#state", "completed")  # type: ignore[attr-defined]
    expect(analyst.locator("#transit-table tbody tr.state-overdue")).to_have_count(0, timeout=WAIT)  # type: ignore[attr-defined]
    expect(analyst.locator("#transit-table tbody tr.state-completed").first).to_be_visible()  # type: ignore[attr-defined]
    expect(analyst).to_have_url(re.compile(r"state=completed"), timeout=WAIT)

    observer = _login(browser, server, "observer")
    expect(observer.locator("nav >> text=Transits")).to_have_count(0)  # type: ignore[attr-defined]
