"""Keystrokes and time at the booth, in Debian's Chromium, as an officer works.

Three routines on a served demo (SQLite), keyboard only, every key counted:
- a routine admission with a document reader: the reader types the MRZ (its keys are the
  reader's, counted apart), then the officer's keys to the decision;
- a person typed by hand (name, given names, birth date, nationality, document, issuer);
- a truck with two passengers typed by hand (plate, country, passengers).
Time is from the first key to the result on screen, the median of ``--runs``.

    PYTHONPATH=src:. .venv/bin/python -m benchmarks.bench_booth_keys --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect, sync_playwright
from tests.e2e.test_browser import ARGS, CHROMIUM, PASSWORD, _served

from borderpost.documents.mrz.specimens import SPECIMENS


class Keys:
    """The page's keyboard, counting what the officer presses (a typed text: one a character)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def enter_until(self, selector: str, limit: int = 12) -> None:
        """Enter (the booth's "next field") until ``selector`` holds the cursor."""
        for _ in range(limit):
            if self.page.evaluate(
                "s => document.activeElement === document.querySelector(s)", selector
            ):
                return
            self.press("Enter")
        raise AssertionError(f"Enter never reached {selector}")


def _booth(context: Any, server: str) -> Any:
    page = context.new_page()
    page.goto(f"{server}/posts/AST-W/booth")
    page.wait_for_load_state("networkidle")
    return page


def reader_admission(page: Any, n: int) -> tuple[int, int]:
    keys = Keys(page)
    expect(page.locator("#mrz")).to_be_focused()  # the cursor waits in the scan field
    reader = 0
    for line in SPECIMENS["TD3"]:  # the reader's own keys
        page.keyboard.type(line)
        page.keyboard.press("Enter")
        reader += len(line) + 1
    expect(page.locator("#surname")).to_have_value("ERIKSSON")
    keys.press("Alt+A")
    expect(page.locator("#result")).to_contain_text("ERIKSSON")
    return keys.count, reader


def person_by_hand(page: Any, n: int) -> tuple[int, int]:
    keys = Keys(page)
    keys.press("Tab")  # from the scan field to Surname
    expect(page.locator("#surname")).to_be_focused()
    for value in (f"HANDTYPED{chr(65 + n % 26)}", "OLGA", "1985-05-05", "UTO", f"KB{n:05d}"):
        keys.type(value)
        keys.press("Enter")
    keys.type("UTO")  # the document's issuer
    keys.press("Alt+A")
    expect(page.locator("#result")).to_contain_text("HANDTYPED")
    return keys.count, 0


def truck_with_two_passengers(page: Any, n: int) -> tuple[int, int]:
    keys = Keys(page)
    keys.press("Alt+V")
    expect(page.locator("#plate")).to_be_focused()
    keys.type(f"77-KB-{n:03d}")
    keys.press("Enter")
    keys.type("UTN")  # the country of registration
    keys.enter_until("#passengers")
    keys.type(f"PASSONE, ANNA, KBP{n:04d}, UTN")
    keys.press("Enter")  # a new line in the passengers' box
    keys.type(f"PASSTWO, IVAN, KBQ{n:04d}, UTN")
    keys.press("Alt+A")
    expect(page.locator("#result")).to_contain_text(f"77-KB-{n:03d}")
    return keys.count, 0


ROUTINES: dict[str, Callable[[Any, int], tuple[int, int]]] = {
    "reader admission (scan + decision)": reader_admission,
    "person typed by hand": person_by_hand,
    "truck + 2 passengers typed by hand": truck_with_two_passengers,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "BORDERPOST_HOME": home}
        env.pop("BORDERPOST_DATABASE_URL", None)
        command = [sys.executable, "-m", "borderpost.cli"]
        subprocess.run([*command, "demo", "--days", "1"], env=env, check=True, capture_output=True)
        with _served(env) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1280, "height": 860})
            login = context.new_page()
            login.goto(f"{server}/login")
            login.fill("#name", "officer.west")
            login.fill("#password", PASSWORD)
            login.keyboard.press("Enter")
            login.wait_for_load_state("networkidle")
            print(f"{'routine':40} {'officer keys':>12} {'reader keys':>11} {'median s':>9}")
            for name, routine in ROUTINES.items():
                counts, seconds, reader = set(), [], 0
                for n in range(args.runs):
                    page = _booth(context, server)
                    started = time.perf_counter()
                    officer, reader = routine(page, n)
                    seconds.append(time.perf_counter() - started)
                    counts.add(officer)
                    page.close()
                keys = "/".join(str(c) for c in sorted(counts))
                print(f"{name:40} {keys:>12} {reader:>11} {statistics.median(seconds):>9.2f}")
            browser.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
