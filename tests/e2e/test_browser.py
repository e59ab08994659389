"""The real server in a real browser: Playwright driving Debian's headless Chromium.

The server runs as a subprocess on 127.0.0.1 and a free port, over a SQLite home in a temp
folder with a two-day demo. Set BORDERPOST_SCREENSHOTS=docs/screenshots to refresh the
README's pictures.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "borderpost-demo"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "borderpost.cli", *args], env=env, check=True)


def _home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh SQLite home and the environment that points the CLI and server at it."""
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "BORDERPOST_HOME": str(home)}
    env.pop("BORDERPOST_DATABASE_URL", None)
    return home, env


START_SECONDS = 60  # a loaded machine (CI, load 6+) took over 10 s to start the server


@contextlib.contextmanager
def _served(env: dict[str, str]) -> Iterator[str]:
    """``borderpost serve`` on a free port, until the block ends; its URL. A server that
    exits before it answers fails the test at once, with the end of what it printed."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "borderpost.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{url}/login", timeout=1)  # noqa: S310 - our own server
            return
        except OSError:
            exited = process.poll() is not None
            if exited or time.monotonic() > deadline:
                log.seek(0)
                said = log.read().decode(errors="replace")[-2000:]
                state = (
                    f"exited with {process.returncode}"
                    if exited
                    else f"did not answer in {START_SECONDS} s"
                )
                pytest.fail(f"the server {state}:\n{said}")
            time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _home_dir, env = _home(tmp_path_factory)
    _cli(env, "demo", "--days", "2")
    with _served(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is required: apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def _shot(page: object, name: str) -> None:
    folder = os.environ.get("BORDERPOST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _login(browser: object, server: str, name: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/login")
    _shot(page, "login") if name == "officer.west" else None
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    return page


def test_officer_supervisor_and_observer(browser: object, server: str) -> None:
    expect = playwright_api.expect
    officer = _login(browser, server, "officer.west")
    # An officer of one post starts at its booth, the cursor in the scan field (a document
    # reader types there).
    expect(officer).to_have_url(f"{server}/posts/AST-W/booth")
    expect(officer.locator("#post-status")).to_contain_text("OPEN")
    expect(officer.locator("#mrz")).to_be_focused()
    # A person, keyboard only: type, Enter to move on, one key to decide.
    officer.locator("#surname").focus()
    officer.keyboard.type("TESTPERSON")
    officer.keyboard.press("Enter")
    officer.keyboard.type("OLGA")
    officer.keyboard.press("Enter")
    officer.keyboard.type("1985-05-05")
    officer.keyboard.press("Enter")
    officer.keyboard.type("UTO")
    officer.keyboard.press("Enter")
    officer.keyboard.type("E2E0001")
    officer.keyboard.press("Enter")
    officer.keyboard.type("UTO")
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#result")).to_contain_text("ADMITTED")
    expect(officer.locator("#result")).to_contain_text("TESTPERSON")
    expect(officer.locator("#mrz")).to_be_focused()
    _shot(officer, "booth-person")

    # A mistake is named next to its field, and the cursor goes there.
    officer.locator("#surname").focus()
    officer.keyboard.type("NOREASON")
    officer.keyboard.press("Alt+X")
    expect(officer.locator("#reasons-problem")).to_contain_text("required")
    expect(officer.locator("#reasons")).to_be_focused()

    # A vehicle with two passengers.
    officer.locator("input[value=vehicle]").check()
    expect(officer.locator("#plate")).to_be_focused()
    officer.keyboard.type("77-XY-001")
    officer.fill("#country", "UTN")
    officer.fill("#passengers", "PASSONE, ANNA, E2E0002, UTN\nPASSTWO, IVAN, E2E0003, UTN")
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#result")).to_contain_text("77-XY-001")
    expect(officer.locator("#result")).to_contain_text("2")
    _shot(officer, "booth-vehicle")

    # The supervisor closes the post...
    supervisor = _login(browser, server, "supervisor.west")
    supervisor.goto(f"{server}/posts/AST-W")
    supervisor.fill("#close-reason", "Bridge inspection after the storm")
    supervisor.fill("#close-authority", "Regional road authority")
    supervisor.click("#close")
    expect(supervisor.locator("#post-status")).to_contain_text("CLOSED")
    expect(supervisor.locator("#crossings")).to_contain_text("TESTPERSON")
    _shot(supervisor, "post")

    # ...and the officer's next crossing is refused, with the closure as the reason.
    officer.reload()
    expect(officer.locator("#post-status")).to_contain_text("CLOSED")
    officer.locator("input[value=person]").check()
    expect(officer.locator("#mrz")).to_be_focused()
    officer.fill("#surname", "LATECOMER")
    officer.fill("#doc_number", "E2E0004")
    officer.fill("#doc_issuer", "UTO")
    officer.keyboard.press("Alt+A")
    expect(officer.locator("#result")).to_contain_text("REFUSED")
    expect(officer.locator("#result")).to_contain_text("Bridge inspection")
    _shot(officer, "booth-closed")

    reports = _login(browser, server, "analyst")
    expect(reports.locator("svg.chart rect").first).to_be_visible()
    _shot(reports, "reports")

    # The observer: aggregates only, not one name, document number or plate.
    observer = _login(browser, server, "observer")
    expect(observer).to_have_url(f"{server}/observer")
    expect(observer.locator("svg.chart")).to_be_visible()
    _shot(observer, "observer")
    for page_path in ("/observer", "/reports", "/posts", "/posts/AST-W"):
        observer.goto(f"{server}{page_path}")
        text = observer.content()
        for secret in ("TESTPERSON", "OLGA", "E2E0001", "77-XY-001", "PASSONE", "1985-05-05"):
            assert secret not in text, f"{page_path} shows {secret} to an observer"
    observer.goto(f"{server}/posts/AST-W/crossings")
    expect(observer.locator("h1")).to_contain_text("Not allowed")
