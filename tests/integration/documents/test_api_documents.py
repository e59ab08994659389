"""POST /api/v1/documents/check: the JSON of `document check --json`, over HTTP."""

from __future__ import annotations

import json
import string

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_post
from tests.web_support import add_user, bearer
from typer.testing import CliRunner

from borderpost.accounts.model import Role
from borderpost.app import create_app
from borderpost.cli import app as cli_app
from borderpost.config import Settings
from borderpost.documents.mrz.specimens import SPECIMENS
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
URL = "/api/v1/documents/check"
TD3 = list(SPECIMENS["TD3"])


def _client(factory: Factory, role: Role = Role.OFFICER) -> tuple[TestClient, dict[str, str]]:
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    token = add_user(factory, f"doc-{role.value}", role, ["P-A"])
    app = create_app(Settings(database_url="sqlite://", secret_key="docs"), factory)
    return TestClient(app), bearer(token)


def test_the_api_answers_what_the_cli_prints(session_factory: Factory) -> None:
    client, headers = _client(session_factory)
    response = client.post(URL, json={"lines": TD3, "on": "2026-11-23"}, headers=headers)
    assert response.status_code == 200, response.text
    printed = CliRunner().invoke(
        cli_app, ["document", "check", *TD3, "--on", "2026-11-23", "--json"]
    )
    assert response.json() == json.loads(printed.output)
    assert response.json()["surname"] == "ERIKSSON"
    assert response.json()["valid"] is True


def test_text_with_newlines_reads_like_lines(session_factory: Factory) -> None:
    client, headers = _client(session_factory)
    body = {"text": "\n".join(SPECIMENS["TD1"]), "on": "2026-11-23"}
    data = client.post(URL, json=body, headers=headers).json()
    assert data["format"] == "TD1"
    assert data["document_number"] == "D23145890"


def test_a_broken_check_digit_is_a_problem_by_field(session_factory: Factory) -> None:
    client, headers = _client(session_factory)
    broken = [TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]
    data = client.post(URL, json={"lines": broken, "on": "2010-01-01"}, headers=headers).json()
    assert data["valid"] is False
    problem = next(p for p in data["problems"] if p["field"] == "expiry_date")
    assert "expected 9" in problem["message"]


def test_a_repair_is_made_only_when_asked_and_is_listed(session_factory: Factory) -> None:
    client, headers = _client(session_factory)
    # The reader saw the letter O for the digit 0 in the document number's check digit area.
    misread = [TD3[0], TD3[1].replace("L898902C3", "L8989O2C3")]
    plain = client.post(URL, json={"lines": misread, "on": "2010-01-01"}, headers=headers).json()
    assert plain["valid"] is False
    body = {"lines": misread, "on": "2010-01-01", "repair": True}
    repaired = client.post(URL, json=body, headers=headers).json()
    assert repaired["valid"] is True
    assert repaired["document_number"] == "L898902C3"
    assert repaired["repairs"][0]["field"] == "document_number"
    assert (repaired["repairs"][0]["before"], repaired["repairs"][0]["after"]) == ("O", "0")


def test_a_bad_body_is_422_naming_the_field(session_factory: Factory) -> None:
    client, headers = _client(session_factory)
    cases = {
        "lines": {},
        "text": {"lines": TD3, "text": "x"},
        "on": {"lines": TD3, "on": "yesterday"},
        "lines[0]": {"lines": [1, 2]},
        "colour": {"lines": TD3, "colour": "blue"},
    }
    for field, body in cases.items():
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code == 422, (field, response.text)
        fields = [p["field"] for p in response.json()["problems"]]
        assert field in fields, (field, fields)


def test_roles_that_do_not_record_may_not_check(session_factory: Factory) -> None:
    client, headers = _client(session_factory, Role.OBSERVER)
    response = client.post(URL, json={"lines": TD3}, headers=headers)
    assert response.status_code == 403
    assert client.post(URL, json={"lines": TD3}).status_code == 401


MRZ_ALPHABET = string.ascii_uppercase + string.digits + "<"
ANY_LINE = st.one_of(
    st.text(alphabet=MRZ_ALPHABET, max_size=50),
    st.text(max_size=60),
    st.sampled_from([line for lines in SPECIMENS.values() for line in lines]),
)


def test_no_input_makes_the_api_fail(session_factory: Factory) -> None:
    client, headers = _client(session_factory)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(lines=st.lists(ANY_LINE, max_size=4), swap=st.integers(0, 43), char=st.characters())
    def check(lines: list[str], swap: int, char: str) -> None:
        if lines:  # a mutated specimen line is the likeliest garbage a reader sends
            line = lines[0]
            lines[0] = line[:swap] + char + line[swap + 1 :]
        response = client.post(URL, json={"lines": lines}, headers=headers)
        assert response.status_code in {200, 422}, response.text
        data = response.json()
        if response.status_code == 422:
            assert all(p["field"] for p in data["problems"])
            return
        if not data["valid"]:
            assert data["problems"]
            assert all(p["field"] and p["message"] for p in data["problems"])

    check()
