"""In a real browser at a post: an officer of headquarters' users signs in at the post, and a
name added to a watchlist at headquarters a moment before refers the crossing at its booth.

Headquarters and the post are two homes run by the command line, as in the README: enrol,
join, serve; NATS from BORDERPOST_TEST_NATS_URL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.test_browser import _cli, _home, _login, _served, browser  # noqa: F401 - fixture
from tests.e2e.test_browser_screening import _record
from tests.network.downstream_support import NATS_URL

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
WAIT = 30_000  # ms
CEILING = 120.0  # s, a loaded machine

LISTED = {
    "id": "net-listed-1",
    "schema": "Person",
    "properties": {"name": ["Armen Petrosyan"], "birthDate": ["1981-03-04"], "nationality": ["am"]},
}


def _output(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "borderpost.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """Headquarters (the demo's posts and users) and post AST-W served, joined by enrolment."""
    stream = f"BPDOWNE2E_{uuid.uuid4().hex[:8].upper()}"
    _, hq = _home(tmp_path_factory)
    hq |= {"BORDERPOST_SYNC_URL": NATS_URL, "BORDERPOST_SYNC_STREAM": stream}
    _cli(hq, "demo", "--days", "1")
    line = _output(hq, "network", "enrol", "AST-W").strip()
    _cli(hq, "network", "publish")
    _, post = _home(tmp_path_factory)
    _cli(post, "network", "join", line)
    _cli(post, "init")
    with _served(post) as url:
        yield url, hq


def test_a_name_added_at_headquarters_is_a_hit_at_the_post(
    browser: object,  # noqa: F811 - the imported fixture
    network: tuple[str, dict[str, str]],
) -> None:
    expect = playwright_api.expect
    url, hq = network
    officer = _login(browser, url, "officer.west")  # an account made at headquarters
    expect(officer).to_have_url(f"{url}/posts/AST-W/booth", timeout=WAIT)

    listing = Path(hq["BORDERPOST_HOME"]) / "added.jsonl"
    listing.write_text(json.dumps(LISTED) + "\n", encoding="utf-8")
    _cli(hq, "watchlist", "import", str(listing), "--list", "added-at-hq", "--version", "e2e")
    _cli(hq, "network", "publish")
    # The post's server follows headquarters by itself; wait (with a ceiling) for the version.
    deadline = time.monotonic() + CEILING
    while "list:added-at-hq" not in _post_status(url, officer):
        assert time.monotonic() < deadline, "the post did not take the list"
        time.sleep(0.5)

    officer.goto(f"{url}/posts/AST-W/booth")
    _record(officer, "ПЕТРОСЯН", "АРМЕН", "NETE0001")
    result = officer.locator("#result")
    expect(result).to_contain_text("REFERRED", timeout=WAIT)
    expect(officer.locator("article.hit", has_text="added-at-hq").first).to_contain_text(
        "Armen Petrosyan"
    )


def _post_status(url: str, page: object) -> str:
    """The post page's table of versions, as the officer's browser reads it."""
    page.goto(f"{url}/posts/AST-W")  # type: ignore[attr-defined]
    return str(page.locator("#network-versions").inner_text())  # type: ignore[attr-defined]
