"""The booth's scan field over HTTP: an MRZ fills the form, problems and repairs are shown."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.web_support import add_user, sign_in
from tests.web_support import make_app as _app

from borderpost import clock
from borderpost.crossings.model import Crossing
from borderpost.documents.mrz.specimens import SPECIMENS
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}
TD3 = SPECIMENS["TD3"]
SCAN = {"kind": "person", "direction": "out", "category": "civilian", "lane": ""}


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "off", "officer", ["P-A"])
    return session_factory


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input name="{name}" id="{name}" type="text" value="([^"]*)"', page)
    assert found, f"no field {name}"
    return html.unescape(found.group(1))


def _count(factory: Factory) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Crossing)) or 0)


def test_a_scan_fills_the_form_and_records_nothing(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        assert 'id="mrz"' in client.get("/posts/P-A/booth").text
        form = {**SCAN, "csrf_token": csrf, "mrz": "\r\n".join(TD3) + "\r\n"}
        page = client.post("/posts/P-A/booth/scan", data=form, headers=HTMX).text
    assert "<html" not in page
    filled = {
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "birth_date": "1974-08-12",
        "nationality": "UTO",
        "doc_number": "L898902C3",
        "doc_issuer": "UTO",
        "doc_expiry": "2012-04-15",
        "doc_type": "P",
    }
    assert {name: _value(page, name) for name in filled} == filled
    assert "every check digit is right" in page
    assert 'id="scan-sex">F<' in page
    assert '<option value="out" selected>' in page  # the rest of the form is kept
    assert re.search(r'id="mrz"[^>]*autofocus', page, re.S)  # Alt+A from there records
    assert _count(factory) == 0


def test_a_broken_check_digit_is_shown_at_its_field(factory: Factory) -> None:
    broken = [TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**SCAN, "csrf_token": csrf, "mrz": "\n".join(broken)}
        page = client.post("/posts/P-A/booth/scan", data=form, headers=HTMX).text
    problem = re.search(r'id="doc_expiry-problem" role="alert">([^<]*)<', page)
    assert problem
    assert "expected 9" in html.unescape(problem.group(1))
    assert re.search(r'id="doc_expiry"[^>]*aria-invalid="true"[^>]*autofocus', page, re.S)
    assert "The MRZ has problems" in page


def test_a_repair_is_shown_with_the_characters_changed(factory: Factory) -> None:
    misread = [TD3[0], TD3[1].replace("L898902C3", "L8989O2C3")]
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**SCAN, "csrf_token": csrf, "mrz": "\n".join(misread)}
        page = client.post("/posts/P-A/booth/scan", data=form, headers=HTMX).text
    assert _value(page, "doc_number") == "L898902C3"
    repair = re.search(r'<div class="repair">(.*?)</div>', page, re.S)
    assert repair, page
    text = html.unescape(re.sub(r"<[^>]+>", "", repair.group(1)))
    assert "Document number" in text
    assert "O → 0" in text


def test_garbage_is_a_problem_at_the_scan_field(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**SCAN, "csrf_token": csrf, "mrz": "HELLO\nWORLD" * 500}
        response = client.post("/posts/P-A/booth/scan", data=form, headers=HTMX)
    assert response.status_code == 200
    assert 'id="mrz-problem"' in response.text
    assert _count(factory) == 0


def test_the_scanned_type_is_recorded(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**SCAN, "csrf_token": csrf, "surname": "ERIKSSON", "doc_number": "D231458907"}
        form |= {"doc_issuer": "UTO", "doc_type": "I", "decision": "admitted"}
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert response.status_code == 200, response.text
    with factory() as session:
        crossing = session.scalars(select(Crossing)).one()
        assert crossing.document is not None
        assert (crossing.document.type, crossing.document.number) == ("I", "D231458907")


@pytest.mark.parametrize(("utc_hour", "expired"), [(12, False), (21, True)])
def test_expiry_is_checked_on_the_posts_local_date(
    factory: Factory, monkeypatch: pytest.MonkeyPatch, utc_hour: int, expired: bool
) -> None:
    # The specimen expires on 2012-04-15; P-A keeps Asia/Baku time (UTC+4), where 21:30 UTC
    # on that day is already the 16th: the document has expired at the post, not in UTC.
    moment = dt.datetime(2012, 4, 15, utc_hour, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off")
        form = {**SCAN, "csrf_token": csrf, "mrz": "\n".join(TD3)}
        page = html.unescape(client.post("/posts/P-A/booth/scan", data=form, headers=HTMX).text)
    assert ("document expired on 2012-04-15, before 2012-04-16" in page) is expired
    assert "every check digit is right" in page
