"""Changing the language comes back to the page it was changed on: its path and query only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.web_support import add_user, make_app, sign_in

from borderpost.accounts.model import Role

Factory = sessionmaker[Session]


@pytest.mark.parametrize(
    ("back", "location"),
    [
        (
            "/reports/access?from=2026-11-20&to=2026-11-27",
            "/reports/access?from=2026-11-20&to=2026-11-27",
        ),
        ("/posts/P-A/booth?kind=vehicle", "/posts/P-A/booth?kind=vehicle"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("/\\elsewhere.example/", "/"),  # a browser reads it as //elsewhere.example/
        ("/\t/elsewhere.example/", "/"),  # browsers drop the tab: //elsewhere.example/
        ("/reports?" + "x" * 3000, "/"),
    ],
)
def test_the_language_form_goes_back_to_a_local_page_with_its_query(
    session_factory: Factory, back: str, location: str
) -> None:
    add_user(session_factory, "analyst", Role.ANALYST, network=True)
    with TestClient(make_app(session_factory)) as client:
        csrf = sign_in(client, "analyst")
        answer = client.post(
            "/account/language",
            data={"language": "ru", "back": back, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == location
        assert 'lang="ru"' in client.get("/reports").text
