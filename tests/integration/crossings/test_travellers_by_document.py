"""A traveller is found again by document only at the same post and only as the same holder.

A document number typed at one post never links the crossing to a traveller recorded at
another, shows nothing of them back, or changes their document; the same number with another
name records what was typed. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import person_crossing, post_data, traveller
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.crossings.model import Crossing
from borderpost.people.model import TravelDocument

Factory = sessionmaker[Session]


@pytest.fixture
def clients(client_for: ClientFor, token_for: TokenFor) -> dict[str, TestClient]:
    admin = client_for(token_for("admin"))
    for code in ("P-W", "P-E"):
        assert admin.post("/api/v1/posts", json=post_data(code)).status_code == 201
    return {
        "west": client_for(token_for("officer", ["P-W"])),
        "east": client_for(token_for("officer", ["P-E"])),
    }


def _record(client: TestClient, post: str, person: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/crossings", json=person_crossing(post, traveller=person))
    assert response.status_code == 201, response.text
    return client.get(f"/api/v1/crossings/{response.json()['id']}").json()


def _ids(factory: Factory, crossing_id: str) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    with factory() as session:
        crossing = session.get(Crossing, uuid.UUID(crossing_id))
        assert crossing is not None
        return crossing.traveller_id, crossing.document_id


def _expiry(factory: Factory, document_id: uuid.UUID | None) -> dt.date | None:
    with factory() as session:
        return session.scalar(select(TravelDocument.expiry).where(TravelDocument.id == document_id))


def test_another_posts_document_number_links_nothing_and_changes_nothing(
    clients: dict[str, TestClient], session_factory: Factory
) -> None:
    west_person = traveller()
    west = _record(clients["west"], "P-W", west_person)
    typed = {"surname": "X", "document": {**west_person["document"], "expiry": "2031-01-01"}}
    east = _record(clients["east"], "P-E", typed)
    # The crossing keeps what was typed; nothing of the west traveller is shown back.
    assert east["traveller"]["surname"] == "X"
    assert east["traveller"]["given_names"] == ""
    assert east["traveller"]["birth_date"] is None
    assert "ERIKSSON" not in str(east)
    west_ids, east_ids = _ids(session_factory, west["id"]), _ids(session_factory, east["id"])
    assert west_ids[0] != east_ids[0]
    assert west_ids[1] != east_ids[1]
    # The west post's document keeps its expiry.
    assert _expiry(session_factory, west_ids[1]) == dt.date(2030, 4, 15)
    assert _expiry(session_factory, east_ids[1]) == dt.date(2031, 1, 1)


def test_the_same_number_with_another_name_at_the_same_post_is_not_merged(
    clients: dict[str, TestClient], session_factory: Factory
) -> None:
    first_person = traveller()
    first = _record(clients["west"], "P-W", first_person)
    other = traveller(surname="PETROSYAN", given_names="ARAM", document=first_person["document"])
    second = _record(clients["west"], "P-W", {**other, "birth_date": "1990-01-02"})
    assert second["traveller"]["surname"] == "PETROSYAN"
    assert second["traveller"]["birth_date"] == "1990-01-02"
    assert _ids(session_factory, first["id"])[0] != _ids(session_factory, second["id"])[0]
    assert clients["west"].get(f"/api/v1/crossings/{first['id']}").json() == first


def test_the_same_holder_at_the_same_post_is_found_again_with_the_renewed_expiry(
    clients: dict[str, TestClient], session_factory: Factory
) -> None:
    person = traveller()
    first = _record(clients["west"], "P-W", person)
    renewed = {**person, "document": {**person["document"], "expiry": "2036-04-15"}}
    second = _record(clients["west"], "P-W", renewed)
    assert _ids(session_factory, first["id"]) == _ids(session_factory, second["id"])
    assert second["traveller"]["document"]["expiry"] == "2036-04-15"
