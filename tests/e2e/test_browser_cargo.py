"""The inspection page in a real browser: a referred truck, undeclared goods, a refusal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.cargo_factories import gold_concentrate
from tests.e2e.test_browser import _login, _shot, browser, server

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
__all__ = ["browser", "server"]  # module-scoped fixtures: this module gets its own server


def test_inspector_finds_undeclared_goods_and_refuses_the_truck(
    browser: object, server: str, tmp_path: Path
) -> None:
    expect = playwright_api.expect
    page = _login(browser, server, "inspector.west")
    # Signed in once the browser has left the sign-in page (the first page is the booth).
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(f"{server}/posts/AST-W/booth")
    page.locator("input[value=vehicle]").check()
    expect(page.locator("#plate")).to_be_focused()
    page.keyboard.type("55-CG-550")
    page.fill("#country", "UTN")
    page.select_option("#direction", "out")
    page.select_option("#category", "commercial")
    # A declaration read from a document (or pasted) goes in the JSON box, folded under the form.
    page.click("#paste-declaration summary")
    page.fill("#consignments", json.dumps(gold_concentrate()))
    page.keyboard.press("Alt+A")
    # The lane drives the decision: red, so referred, with the rule and its legal basis.
    expect(page.locator("#result")).to_contain_text("REFERRED")
    expect(page.locator("#result [data-lane=red]")).to_contain_text("R-ORE-1")
    _shot(page, "booth-cargo")

    # The truck waits on the inspectors' work list, reached from the menu.
    page.click('header nav a[href="/posts/AST-W/inspections"]')
    waiting = page.locator("#waiting tbody tr", has_text="55-CG-550")
    expect(waiting).to_have_count(1)
    expect(waiting.locator(".lane-colour")).to_have_text("red")
    waiting.locator("a").click()
    page.click("#open-inspection")
    page.select_option("#finding-kind", "undeclared")
    page.fill("#finding-hs", "9306.30")
    page.fill("#finding-description", "rifle cartridges")
    page.fill("#finding-quantity", "400")
    page.fill("#finding-unit", "pcs")
    page.click("#record-finding")
    expect(page.locator("#findings")).to_contain_text("rifle cartridges")

    photo = tmp_path / "load.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n the load as found")
    page.set_input_files("#evidence-file", str(photo))
    page.click("#add-evidence")
    expect(page.locator("#evidence")).to_contain_text("load.png")

    page.select_option("#seizure-finding", label="930630 rifle cartridges")
    page.fill("#seizure-quantity", "400")
    page.fill("#seizure-unit", "pcs")
    page.fill("#seizure-basis", "Arms law, article 5")
    page.fill("#seizure-seals", "SZ-1, SZ-2")
    page.click("#record-seizure")
    expect(page.locator("#seizures")).to_contain_text("SZ-1, SZ-2")

    page.select_option("#close-outcome", "refused")
    page.fill("#close-reason", "undeclared ammunition")
    page.click("#close-inspection")
    expect(page.locator("#closed")).to_contain_text("undeclared ammunition")
    expect(page.locator("#decision")).to_contain_text("REFUSED")
    _shot(page, "inspection")


def test_officer_declares_a_truck_s_goods_in_rows_with_hs_search(
    browser: object, server: str
) -> None:
    expect = playwright_api.expect
    page = _login(browser, server, "officer.west")
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(f"{server}/posts/AST-W/booth")
    page.locator("input[value=vehicle]").check()
    expect(page.locator("#plate")).to_be_focused()
    page.keyboard.type("55-CG-551")
    page.fill("#country", "UTN")
    page.select_option("#direction", "out")
    page.select_option("#category", "commercial")
    page.fill("#carrier-name", "Mountain Freight")
    page.fill("#consignor-name", "Sender Ltd")
    page.fill("#consignee-name", "Receiver LLC")

    # The HS code by its words: the nomenclature's matches are offered as the officer types.
    page.locator("#items-0-hs_code").press_sequentially("precious metal ores")
    expect(page.locator('#hs-codes option[value="2616.90"]')).to_have_count(1)
    page.fill("#items-0-hs_code", "2616.90")  # the offered code, chosen
    row = {"description": "gold concentrate", "quantity": "20", "unit": "t",
           "gross_kg": "20600", "net_kg": "20500", "value": "90000", "currency": "USD",
           "origin": "ARM"}  # fmt: skip
    for key, value in row.items():
        page.fill(f"#items-0-{key}", value)

    # A second line, and a third added by mistake and removed again.
    page.click("#add-item")
    expect(page.locator("#items-1-hs_code")).to_be_focused()
    page.click("#add-item")
    expect(page.locator("#items-rows tr")).to_have_count(3)
    page.locator("#items-rows tr").nth(2).locator("[data-remove-row]").click()
    expect(page.locator("#items-rows tr")).to_have_count(2)
    laptops = {**row, "description": "laptop computers", "quantity": "10", "unit": "pcs",
               "gross_kg": "", "net_kg": "20", "value": "5000", "origin": "DEU"}  # fmt: skip
    page.fill("#items-1-hs_code", "8471.30")
    for key, value in laptops.items():
        page.fill(f"#items-1-{key}", value)

    # The missing weight is shown at its line and field, in words; nothing is recorded.
    page.keyboard.press("Alt+A")
    problem = page.locator("#items-1-gross_kg-problem")
    expect(problem).to_have_text("line 2, gross weight: is required")
    expect(page.locator("#items-1-gross_kg")).to_be_focused()
    expect(page.locator("#result")).to_have_count(0)
    expect(page.locator("#items-0-description")).to_have_value("gold concentrate")
    _shot(page, "booth-cargo-form-problem")

    page.fill("#items-1-gross_kg", "25")
    page.keyboard.press("Alt+A")
    expect(page.locator("#result")).to_contain_text("REFERRED")
    expect(page.locator("#result [data-lane=red]")).to_contain_text("R-ORE-1")
    _shot(page, "booth-cargo-form")
