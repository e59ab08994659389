"""Server messages on the pages read in the user's language; the API stays English."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.web_support import add_user, sign_in
from tests.web_support import make_app as _app

from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}
PERSON = {
    "kind": "person",
    "direction": "in",
    "category": "civilian",
    "surname": "ERIKSSON",
    "given_names": "ANNA",
    "doc_number": "L1234567",
    "doc_issuer": "UTO",
    "decision": "admitted",
}


@pytest.fixture
def factory(session_factory: Factory) -> Factory:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    add_user(session_factory, "off.ru", "officer", ["P-A"], language="ru")
    add_user(session_factory, "off.hy", "officer", ["P-A"], language="hy")
    add_user(session_factory, "sup.az", "supervisor", ["P-A"], language="az")
    return session_factory


def test_the_booths_field_problems_read_in_russian(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off.ru")
        form = {**PERSON, "csrf_token": csrf, "doc_issuer": "U1", "decision": "refused"}
        response = client.post("/posts/P-A/booth", data=form, headers=HTMX)
    assert response.status_code == 422
    assert "не в ожидаемом виде" in response.text
    assert "is not in the expected form" not in response.text


def test_a_page_outside_the_users_scope_says_so_in_armenian(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        sign_in(client, "off.hy")
        response = client.get("/posts/P-B/booth")
    assert response.status_code == 403
    assert "P-B կետը դուրս է off.hy-ի իրավասության շրջանակից" in response.text


def test_a_closed_posts_refusal_reads_in_the_readers_language(factory: Factory) -> None:
    app = _app(factory)
    with TestClient(app) as supervisor, TestClient(app) as officer:
        csrf = sign_in(supervisor, "sup.az")
        order = {"reason": "bridge repairs", "authority": "Roads", "csrf_token": csrf}
        assert supervisor.post("/posts/P-A/close", data=order, headers=HTMX).status_code == 200
        csrf = sign_in(officer, "off.ru")
        refused = officer.post(
            "/posts/P-A/booth", data={**PERSON, "csrf_token": csrf}, headers=HTMX
        )
        assert "пост P-A закрыт: bridge repairs (распоряжение: Roads)" in refused.text
        # Read back from the database on the post's page, in the supervisor's Azerbaijani.
        page = supervisor.get("/posts/P-A/crossings", headers=HTMX)
        assert "P-A postu bağlıdır: bridge repairs (sərəncam verən: Roads)" in page.text


def test_the_api_answers_in_english(factory: Factory) -> None:
    with TestClient(_app(factory)) as client:
        csrf = sign_in(client, "off.ru")
        form = {**PERSON, "csrf_token": csrf, "doc_issuer": "U1"}
        html = client.post("/posts/P-A/booth", data=form, headers=HTMX)
        assert "не в ожидаемом виде" in html.text
        response = client.post(
            "/api/v1/crossings",
            json={"post": "P-A", "kind": "person", "direction": "in", "category": "civilian"},
            headers={"X-CSRF-Token": csrf},
        )
    assert response.status_code == 422
    reasons = [p["reason"] for p in response.json()["problems"]]
    assert "is required for a person crossing" in reasons or "is required" in reasons
