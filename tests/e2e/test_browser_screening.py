"""Screening in a real browser: a listed name typed in another script refers the crossing.

The list names the person in Latin letters; the officer types the name in Cyrillic and in
Armenian letters; the supervisor resolves the hits on the alerts page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.e2e.test_browser import _cli, _home, _login, _served, _shot, browser  # noqa: F401 - fixture

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
WAIT = 20_000  # ms

LISTED = {
    "id": "e2e-listed-1",
    "schema": "Person",
    "properties": {
        "name": ["Armen Petrosyan"],
        "birthDate": ["1981-03-04"],
        "nationality": ["am"],
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home, env = _home(tmp_path_factory)
    _cli(env, "demo", "--days", "1")
    listing = home / "wanted.jsonl"
    listing.write_text(json.dumps(LISTED) + "\n", encoding="utf-8")
    _cli(env, "watchlist", "import", str(listing), "--list", "wanted-persons", "--version", "e2e")
    with _served(env) as url:
        yield url


def _record(officer: object, surname: str, given: str, number: str) -> None:
    officer.goto(officer.url)  # type: ignore[attr-defined]
    officer.fill("#surname", surname)  # type: ignore[attr-defined]
    officer.fill("#given_names", given)  # type: ignore[attr-defined]
    officer.fill("#birth_date", "1981-03-04")  # type: ignore[attr-defined]
    officer.fill("#doc_number", number)  # type: ignore[attr-defined]
    officer.fill("#doc_issuer", "ARM")  # type: ignore[attr-defined]
    officer.keyboard.press("Alt+A")  # type: ignore[attr-defined]


def test_a_name_in_another_script_is_referred_and_resolved(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    officer = _login(browser, server, "officer.west")
    expect(officer).to_have_url(f"{server}/posts/AST-W/booth")
    _record(officer, "ПЕТРОСЯН", "АРМЕН", "E2ES0001")
    result = officer.locator("#result")
    # A wait ceiling, not a timing assertion: the machine running the tests may be busy.
    expect(result).to_contain_text("REFERRED", timeout=WAIT)
    expect(result).to_contain_text("watchlist hit: wanted-persons")
    hit = officer.locator("article.hit").first
    expect(hit).to_contain_text("wanted-persons")
    expect(hit).to_contain_text("Armen Petrosyan")
    expect(hit).to_contain_text("surname ПЕТРОСЯН matched Petrosyan")
    expect(hit).to_contain_text("birth date 1981-03-04 equal")
    expect(officer.locator("form.resolve")).to_have_count(0)
    _shot(officer, "booth-watchlist-hit")

    _record(officer, "ՊԵՏՐՈՍՅԱՆ", "ԱՐՄԵՆ", "E2ES0002")
    expect(officer.locator("#result")).to_contain_text("REFERRED", timeout=WAIT)
    expect(officer.locator("article.hit").first).to_contain_text("Armenian")

    supervisor = _login(browser, server, "supervisor.west")
    supervisor.goto(f"{server}/posts/AST-W/alerts?origin=crossing")
    # The demo's own list refers some of the demo's travellers too: the two hits of this test
    # are those on its list.
    hits = supervisor.locator("article.hit", has_text="wanted-persons")
    expect(hits).to_have_count(2, timeout=WAIT)
    expect(supervisor.locator("#alerts-count")).to_contain_text("open hits")
    # Each hit says who, when and where: the crossing it concerns, listed with the name typed.
    mine = supervisor.locator("section.alert-group", has_text="ПЕТРОСЯН АРМЕН")
    expect(mine).to_have_count(1)
    expect(mine.locator("caption")).to_have_text("1 crossing")
    # A radio button sits on its label's line (it stood above it).
    choice = hits.first.locator("label.choice").first
    radio, label = choice.locator("input").bounding_box(), choice.bounding_box()
    assert radio is not None
    assert label is not None
    assert label["height"] < 2 * radio["height"]
    _shot(supervisor, "alerts")
    first = hits.first
    first.locator("input[value=false_match]").check()
    first.locator("input[name=reason]").fill("Different father's name in the register")
    first.locator("button[type=submit]").click()
    resolved = supervisor.locator("article.hit.state-false_match")
    expect(resolved).to_contain_text("Different father's name in the register", timeout=WAIT)
    expect(resolved).to_contain_text("supervisor.west")
