"""The cargo API: check a declaration or a rule set, search the HS nomenclature."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.cargo_factories import declared, gold_concentrate, goods, medical_supplies, mine
from tests.factories import make_organisation, make_post
from tests.integration.conftest import ClientFor, TokenFor
from tests.web_support import bearer

from borderpost.cargo.model import Consignment
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]

BROKEN_POST_FILE = """\
[ruleset]
id = "post-a"
version = "1"
effective_from = 2025-01-01
post = "P-A"

[[rule]]
id = "R-A-1"
effect = "inspect"
legal_basis = "Post order 1"
hs = ["84"]

[[rule]]
id = "R-A-2"
effect = "forbid"
legal_basis = "Post order 2"
hs = ["85"]
"""


@pytest.fixture
def client(
    session_factory: Factory, client_for: ClientFor, token_for: TokenFor
) -> tuple[TestClient, str]:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_organisation(uow, "AID", "humanitarian")
        uow.commit()
    return client_for(), token_for("officer", ["P-A"])


def test_check_gives_lane_rules_and_items_and_records_nothing(
    client: tuple[TestClient, str], session_factory: Factory
) -> None:
    http, token = client
    body = {"post": "P-A", "direction": "out", "declaration": gold_concentrate()}
    response = http.post("/api/v1/cargo/check", json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["lane"] == "red"
    assert all({"id", "effect", "legal_basis"} <= set(r) for r in result["rules"])
    assert result["items"][0]["outcome"] == "inspect"
    assert result["random"]["draw"] is None
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Consignment)) == 0


def test_check_uses_the_organisation_on_record(client: tuple[TestClient, str]) -> None:
    http, token = client
    body = {"post": "P-A", "category": "humanitarian", "organisation": "AID",
            "declaration": medical_supplies()}  # fmt: skip
    assert (
        http.post("/api/v1/cargo/check", json=body, headers=bearer(token)).json()["lane"] == "green"
    )
    refused = http.post(
        "/api/v1/cargo/check", json={"post": "P-A", "declaration": mine()}, headers=bearer(token)
    ).json()
    assert refused["refused"] is True


def test_check_names_the_bad_field(client: tuple[TestClient, str]) -> None:
    http, token = client
    body = {"post": "P-A", "declaration": declared(goods(), goods(hs_code="0000.00"))}
    response = http.post("/api/v1/cargo/check", json=body, headers=bearer(token))
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "declaration.items[1].hs_code"


def test_rules_check_reports_the_line_rule_and_field(client: tuple[TestClient, str]) -> None:
    http, token = client
    response = http.post(
        "/api/v1/rules/check", json={"toml": BROKEN_POST_FILE}, headers=bearer(token)
    )
    assert response.status_code == 200
    result = response.json()
    assert result["ok"] is False
    [error] = result["errors"]
    assert error["line"] == 15  # effect = "forbid"
    assert error["rule"] == "R-A-2"
    assert error["field"] == "effect"
    fixed = BROKEN_POST_FILE.replace('"forbid"', '"prohibit"')
    ok = http.post("/api/v1/rules/check", json={"toml": fixed}, headers=bearer(token)).json()
    assert ok["ok"] is True
    assert ok["rules"] > 2  # merged over the network's (default) set


def test_hs_search_and_describe(client: tuple[TestClient, str]) -> None:
    http, token = client
    found = http.get("/api/v1/cargo/hs", params={"q": "copper ores"}, headers=bearer(token))
    assert found.status_code == 200
    assert "260300" in [h["code"] for h in found.json()]
    one = http.get("/api/v1/cargo/hs/2616.90", headers=bearer(token)).json()
    assert one["heading_code"] == "2616"
    assert "ores" in one["heading"].lower()
    missing = http.get("/api/v1/cargo/hs/999999", headers=bearer(token))
    assert missing.status_code == 404
    assert missing.json()["problems"][0]["field"] == "code"
