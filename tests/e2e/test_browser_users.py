"""Users in a real browser: an admin adds a user, who then signs in at their post's booth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import sessionmaker
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
    _cli(env, "user", "add", "hq.admin", "--role", "admin", "--network", "--password", PASSWORD)
    engine = make_engine(f"sqlite:///{home / 'borderpost.db'}")
    with UnitOfWork(sessionmaker(bind=engine)) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    engine.dispose()
    with _served(env) as url:
        yield url


def test_an_admin_adds_a_user_who_then_signs_in(
    browser: object,  # noqa: F811 - the imported fixture
    server: str,
) -> None:
    expect = playwright_api.expect
    admin = _login(browser, server, "hq.admin")
    admin.click("header nav >> text=Users")
    expect(admin.locator("h1")).to_have_text("Users", timeout=WAIT)
    admin.click("#add-user")
    expect(admin.locator("h1")).to_have_text("Add a user", timeout=WAIT)
    admin.fill("#name", "nina")
    admin.select_option("#role", "officer")
    admin.check('input[name=posts][value="P-A"]')
    admin.select_option("#language", "en")
    admin.fill("#password", PASSWORD)
    _shot(admin, "users-new")
    admin.click("#add")
    expect(admin.locator("[role=status]")).to_have_text("The user is added.", timeout=WAIT)
    expect(admin.locator("#user-facts")).to_contain_text("P-A")
    admin.click("#issue-token")
    expect(admin.locator("#token-value")).not_to_be_empty(timeout=WAIT)
    _shot(admin, "users-user")
    admin.click("text=Users")
    expect(admin.locator("#users")).to_contain_text("nina", timeout=WAIT)

    nina = _login(browser, server, "nina")
    # An officer of one post starts the day at its booth.
    expect(nina).to_have_url(f"{server}/posts/P-A/booth", timeout=WAIT)
    expect(nina.locator("header .who")).to_contain_text("nina")
    nina.context.close()
    admin.context.close()
