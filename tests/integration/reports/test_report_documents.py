"""Reports to hand over: the summary and access reports as PDF, the chart as an SVG file."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.integration.conftest import ClientFor
from tests.web_support import add_user

from borderpost.crossings.services import record_crossing
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
PERIOD = {"from": "2026-03-10", "to": "2026-03-10"}


def _day(factory: Factory) -> None:
    with UnitOfWork(factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        for _ in range(3):
            record_crossing(uow, command(person_crossing("P-A")))
        record_crossing(uow, command(vehicle_crossing("P-A")))
        uow.commit()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_summary_report_as_a_pdf_in_the_readers_language(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _day(session_factory)
    token = add_user(session_factory, "analyst.ru", "analyst", network=True, language="ru")
    client = client_for(token)
    response = client.get("/reports/summary.pdf", params=PERIOD)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "borderpost-summary-2026-03-10-2026-03-10.pdf" in response.headers["content-disposition"]
    text = _text(response.content)
    assert "Сводный отчёт" in text  # the reader's language, in Cyrillic
    # Who printed it and when (the test's clock), the period and the posts it covers.
    assert re.search(r"Напечатано 2026-11-28 \d\d:\d\d UTC, analyst\.ru", text)
    assert "2026-03-10 – 2026-03-10 · P-A, P-B" in text
    assert "Люди\n3\nТранспорт\n1" in text
    assert "категория гражданские 3 0" in text
    # The forms, buttons and links stay on the screen.
    assert "Экспорт CSV" not in text
    assert "Access report" not in text


def test_the_access_report_as_a_pdf_and_the_chart_as_svg(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _day(session_factory)
    token = add_user(session_factory, "obs", "observer", ["P-A"])
    client = client_for(token)
    access = client.get("/reports/access.pdf", params={**PERIOD, "post": "P-A"})
    assert access.status_code == 200
    assert "Access report" in _text(access.content)
    svg = client.get("/reports/chart.svg", params={**PERIOD, "post": "P-A"})
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)  # noqa: S314 - our own server's answer in a test
    assert root.get("aria-label") == "Crossings a day by category"
    bars = root.findall("{http://www.w3.org/2000/svg}rect")
    assert sum(1 for bar in bars if float(bar.get("height", 0)) > 0) >= 1
    # Another post's figures stay another post's, in a PDF too.
    assert client.get("/reports/access.pdf", params={**PERIOD, "post": "P-B"}).status_code == 403
    assert client.get("/reports/summary.pdf", params={**PERIOD, "post": "P-B"}).status_code == 403
