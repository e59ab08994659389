"""Bounded input, through the API and the booth form alike: a refusal naming the field, and
nothing written (no crossing, no outbox row, no audit entry). On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import person_crossing, post_data, vehicle_crossing
from tests.integration.conftest import ClientFor, TokenFor
from tests.web_support import add_user, sign_in

from borderpost.audit.model import AuditEntry
from borderpost.cargo.rules.declaration import (
    MAX_CONSIGNMENTS,
    MAX_GOODS_ITEMS,
    MAX_PERMITS,
    MAX_SEALS,
)
from borderpost.crossings.model import Crossing
from borderpost.outbox import OutboxEvent
from borderpost.schemas import MAX_REASONS, REASON_TEXT

Factory = sessionmaker[Session]
HTMX = {"HX-Request": "true"}
NATS_MAX_PAYLOAD = 1024 * 1024  # nats-server's default max_payload


def _written(factory: Factory) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Crossing, OutboxEvent, AuditEntry)
        )


@pytest.fixture
def admin(client_for: ClientFor, token_for: TokenFor) -> TestClient:
    client = client_for(token_for("admin"))
    assert client.post("/api/v1/posts", json=post_data("P-A")).status_code == 201
    return client


def _fields(response: object) -> list[str]:
    return [p["field"] for p in response.json()["problems"]]  # type: ignore[attr-defined]


def test_fifty_thousand_reasons_are_refused_on_reasons(
    admin: TestClient, session_factory: Factory
) -> None:
    before = _written(session_factory)
    reasons = [f"reason {n}" for n in range(50_000)]
    data = person_crossing(decision="refused", reasons=reasons)
    response = admin.post("/api/v1/crossings", json=data)
    assert response.status_code == 422
    assert "reasons" in _fields(response)
    assert _written(session_factory) == before


@pytest.mark.parametrize(
    ("reasons", "field"),
    [
        (["ok"] * (MAX_REASONS + 1), "reasons"),
        (["ok", "x" * (REASON_TEXT + 1)], "reasons[1]"),
    ],
)
def test_too_many_or_too_long_reasons_name_the_field(
    admin: TestClient, session_factory: Factory, reasons: list[str], field: str
) -> None:
    before = _written(session_factory)
    response = admin.post(
        "/api/v1/crossings", json=person_crossing(decision="refused", reasons=reasons)
    )
    assert response.status_code == 422
    assert _fields(response) == [field]
    assert _written(session_factory) == before
    # At the bound, the crossing is recorded.
    fits = [r[:REASON_TEXT] for r in reasons[:MAX_REASONS]]
    ok = admin.post("/api/v1/crossings", json=person_crossing(decision="refused", reasons=fits))
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize("code", ["\u0087", "AST\u00a0W", "ÄST-W", "-AST", "A" * 33, "AST/W"])
def test_a_code_the_ledger_cannot_take_is_refused(admin: TestClient, code: str) -> None:
    response = admin.post("/api/v1/posts", json=post_data(code))
    assert response.status_code == 422, response.text
    assert _fields(response) == ["code"]
    lane = post_data("P-B", lanes=[{"code": code, "name": "Lane"}])
    assert _fields(admin.post("/api/v1/posts", json=lane)) == ["lanes[0].code"]
    organisation = {"code": code, "name": "Org", "type": "carrier"}
    assert _fields(admin.post("/api/v1/organisations", json=organisation)) == ["code"]


def test_the_booth_form_has_the_same_bounds(
    admin: TestClient, session_factory: Factory, client_for: ClientFor
) -> None:
    add_user(session_factory, "off", "officer", ["P-A"])
    booth = client_for()
    csrf = sign_in(booth, "off")
    before = _written(session_factory)
    person = {
        "csrf_token": csrf,
        "kind": "person",
        "direction": "in",
        "category": "civilian",
        "surname": "ERIKSSON",
        "doc_number": "L1234567",
        "doc_issuer": "UTO",
        "decision": "refused",
    }
    many = ";".join(["no visa"] * (MAX_REASONS + 1))
    response = booth.post("/posts/P-A/booth", data={**person, "reasons": many}, headers=HTMX)
    assert response.status_code == 422
    assert f"at most {MAX_REASONS} items" in response.text
    long = "no visa;" + "x" * (REASON_TEXT + 1)
    response = booth.post("/posts/P-A/booth", data={**person, "reasons": long}, headers=HTMX)
    assert response.status_code == 422
    assert f"at most {REASON_TEXT} characters" in response.text
    vehicle = {
        **person,
        "kind": "vehicle",
        "decision": "admitted",
        "plate": "10-AB-123",
        "country": "AZE",
        "passengers": "\n".join(f"P{n}, A, L{n}, UTO" for n in range(101)),
    }
    response = booth.post("/posts/P-A/booth", data=vehicle, headers=HTMX)
    assert response.status_code == 422
    assert "more than 100 passengers" in response.text
    assert _written(session_factory) == before


def _largest_consignment(items: int) -> dict[str, object]:
    party = {"name": "N" * 500, "identifier": "I" * 500, "address": "A" * 500}
    permit = {"type": "licence", "number": "9" * 100, "issuer": "X" * 500,
              "valid_until": "2030-01-01"}  # fmt: skip
    item = {"hs_code": "8471.30", "description": "x" * 500, "quantity": 5, "unit": "pcs",
            "gross_kg": 120, "net_kg": 100, "value": 9000, "currency": "USD",
            "origin": "GEO"}  # fmt: skip
    return {
        "id": "c" * 100,
        "carrier": party,
        "consignor": party,
        "consignee": party,
        "items": [item] * items,
        "seals": [f"S{k:03d}" + "9" * 96 for k in range(MAX_SEALS)],
        "permits": [permit] * MAX_PERMITS,
    }


def _largest_vehicle_crossing(items_each: int) -> dict[str, object]:
    return vehicle_crossing(
        decision="refused",
        reasons=["r" * REASON_TEXT] * MAX_REASONS,
        consignments=[_largest_consignment(items_each)] * MAX_CONSIGNMENTS,
    )


def test_the_largest_crossing_admitted_fits_one_nats_message(
    admin: TestClient, session_factory: Factory
) -> None:
    each = MAX_GOODS_ITEMS // MAX_CONSIGNMENTS
    response = admin.post("/api/v1/crossings", json=_largest_vehicle_crossing(each))
    assert response.status_code == 201, response.text[:500]
    with session_factory() as session:
        payload = session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.topic == "crossing.recorded")
        ).one()
        # Each consignment goes to headquarters in an event of its own.
        consignments = session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.topic == "consignment.recorded")
        ).all()
        audit = session.scalars(
            select(AuditEntry.after).where(AuditEntry.entity == "crossings")
        ).one()
    assert len(json.dumps(payload)) < NATS_MAX_PAYLOAD // 2
    assert len(consignments) == MAX_CONSIGNMENTS
    assert max(len(json.dumps(c)) for c in consignments) < NATS_MAX_PAYLOAD // 20
    assert len(json.dumps(audit)) < NATS_MAX_PAYLOAD // 50


def test_more_goods_items_than_a_crossing_takes_are_refused(
    admin: TestClient, session_factory: Factory
) -> None:
    before = _written(session_factory)
    each = MAX_GOODS_ITEMS // MAX_CONSIGNMENTS + 1
    response = admin.post("/api/v1/crossings", json=_largest_vehicle_crossing(each))
    assert response.status_code == 422
    assert _fields(response) == ["consignments"]
    assert _written(session_factory) == before
