"""A case in a real browser: a hotline call entered by a case officer, worked to a decision,
and read by the person on the public status page with the reference and secret, in Russian."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.e2e.test_browser import PASSWORD, _cli, _home, _login, _served, _shot, browser  # noqa: F401 - fixture
from tests.factories import make_post

from borderpost.db import make_engine
from borderpost.unit_of_work import UnitOfWork

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
WAIT = 20_000  # ms: a ceiling for a busy machine, not a timing assertion


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home, env = _home(tmp_path_factory)
    _cli(env, "init")
    factory: sessionmaker[Session] = sessionmaker(
        bind=make_engine(f"sqlite:///{Path(home) / 'borderpost.db'}")
    )
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    factory.kw["bind"].dispose()
    _cli(  # after the post: a user's scope names posts that exist
        env,
        "user",
        "add",
        "cases.a",
        "--role",
        "case_officer",
        "--post",
        "P-A",
        "--password",
        PASSWORD,
    )
    with _served(env) as url:
        yield url


def test_a_hotline_call_to_a_decision_the_person_reads(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    officer = _login(browser, server, "cases.a")
    officer.click("text=Cases")
    expect(officer.locator("h1")).to_contain_text("Cases", timeout=WAIT)
    officer.click("#new-case")
    # The form opens with the focus on its first field, the kind: typing can start at once.
    expect(officer.locator("#case-kind")).to_be_focused(timeout=WAIT)
    officer.select_option("#case-kind", "complaint")
    officer.select_option("#case-language", "ru")
    officer.fill("#case-name", "Humanitarian convoy 7")
    officer.fill("#case-contact", "+994 12 000 00 00")
    officer.fill("#case-summary", "The convoy waited six hours at the post.")
    _shot(officer, "case-hotline")
    officer.click("#receive-case")
    reference = officer.locator("#case-reference").inner_text(timeout=WAIT)
    secret = officer.locator("#case-secret").inner_text()
    assert reference.startswith("C-")
    officer.click("#open-case")
    officer.click("#assign-case")
    expect(officer.locator("#case-status")).to_contain_text("assigned", timeout=WAIT)
    officer.click("#start-review")
    expect(officer.locator("#case-status")).to_contain_text("under review", timeout=WAIT)
    officer.select_option("#decide-outcome", "answered")
    officer.fill("#decide-basis", "Regulation 4")
    officer.fill("#decide-reason", "Lane 2 was closed for repairs that day.")
    officer.click("#decide-case")
    expect(officer.locator("#case-status")).to_contain_text("decided", timeout=WAIT)
    expect(officer.locator("#case-decision")).to_contain_text("Lane 2 was closed")
    _shot(officer, "case")

    person = browser.new_context().new_page()  # type: ignore[attr-defined]
    person.goto(f"{server}/public/case/status")
    person.fill("#status-reference", reference.lower())
    person.fill("#status-secret", "wrong")
    person.keyboard.press("Enter")
    expect(person.locator("#reference-problem")).to_be_visible(timeout=WAIT)
    person.fill("#status-reference", reference)
    person.fill("#status-secret", secret)
    person.keyboard.press("Enter")
    expect(person.locator("#outcome")).to_contain_text("дан ответ", timeout=WAIT)
    expect(person.locator("#reason")).to_have_text("Lane 2 was closed for repairs that day.")
    expect(person.locator("html")).to_have_attribute("lang", "ru")
    expect(person.locator("body")).not_to_contain_text("Humanitarian convoy 7")
    _shot(person, "case-status")
