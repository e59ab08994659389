"""Parties attest their crossings: receipts with openings, signed statements, the log keeps them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import post_data, vehicle_crossing
from tests.live_node import ledger_home
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.ledger import appending, services
from borderpost.ledger.attestations import tool
from borderpost.ledger.attestations.figures import sentence
from borderpost.ledger.attestations.logbook import read_logbook
from borderpost.ledger.client.recount import recount
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.tlog.note import Ed25519Signer, sign_note
from borderpost.parties.services import add_party
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
DAY = "2026-03-10"


# A home folder whose logs are closed afterwards (tests/live_node.py), used by name.
__all__ = ["ledger_home"]


class World:
    def __init__(self, client: TestClient, factory: Factory, home: Path) -> None:
        self.client, self.factory, self.home = client, factory, home
        self.keys: dict[str, Ed25519Signer] = {}
        self.tokens: dict[str, str] = {}

    def party(self, code: str, organisation: str, kind: str) -> None:
        admin = self.tokens["admin"]
        org = {"code": organisation, "name": organisation, "type": kind}
        assert self.client.post("/api/v1/organisations", json=org, headers=bearer(admin)).is_success
        self.tokens[code] = add_user(self.factory, f"{code.lower()}-liaison", "party", ["P-A"])
        self.keys[code] = Ed25519Signer.generate(code)
        with UnitOfWork(self.factory, actor="test") as uow:
            add_party(uow, code, organisation, self.keys[code].vkey(), f"{code.lower()}-liaison")
            uow.commit()

    def cross(self, organisation: str | None, time: str, plate: str, direction: str = "in") -> None:
        data = vehicle_crossing("P-A", time=time, direction=direction)
        data["vehicle"]["plate"] = plate
        data["category"] = "civilian"
        if organisation:
            data["organisation"] = organisation
        officer = self.tokens["officer"]
        answer = self.client.post("/api/v1/crossings", json=data, headers=bearer(officer))
        assert answer.status_code == 201, answer.text

    def append(self) -> None:
        appending.append_pending(self.factory, self.home)

    def attest(self, code: str, logbook: str | None = None) -> tuple[tool.Statement, bytes]:
        _, statement, note = tool.attest_once(
            self.client,
            tool.Target("http://testserver", "P-A"),
            self.tokens[code],
            self.keys[code],
            load_verifiers(services.vkeys(self.home, "P-A")),
            *(_day(DAY), _day(DAY)),
            read_logbook(logbook) if logbook is not None else None,
        )
        return statement, note


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def world(session_factory: Factory, ledger_home: Path) -> World:
    home = ledger_home
    settings = Settings(home=home, database_url="sqlite://", secret_key="attest-test")
    client = TestClient(create_app(settings, session_factory=session_factory))
    w = World(client, session_factory, home)
    w.tokens["admin"] = add_user(session_factory, "api-admin", "admin", network=True)
    for code in ("P-A", "P-B"):
        created = client.post(
            "/api/v1/posts", json=post_data(code), headers=bearer(w.tokens["admin"])
        )
        assert created.status_code == 201, created.text
    w.tokens["officer"] = add_user(session_factory, "officer.a", "officer", posts=["P-A"])
    w.party("IFOR", "IFOR", "international_force")
    w.party("AID", "AIDORG", "humanitarian")
    return w


def test_a_party_gets_its_own_receipts_with_openings_only(world: World) -> None:
    world.cross("IFOR", "2026-03-10T09:30:00+04:00", "IF-001")
    world.cross("AIDORG", "2026-03-10T09:31:00+04:00", "AID-77")
    world.cross(None, "2026-03-10T09:32:00+04:00", "10-XY-999")
    world.cross("IFOR", "2026-03-10T09:33:00+04:00", "IF-002")
    world.append()
    ifor = world.client.get(
        "/api/v1/parties/receipts",
        params={"post": "P-A", "from": DAY, "to": DAY},
        headers=bearer(world.tokens["IFOR"]),
    )
    assert ifor.status_code == 200, ifor.text
    body = ifor.json()
    assert [r["index"] for r in body["receipts"]] == [0, 3]
    assert all("IF-00" in r["opening"] for r in body["receipts"])
    assert "AID-77" not in ifor.text
    assert "10-XY-999" not in ifor.text
    aid = world.client.get(
        "/api/v1/parties/receipts",
        params={"post": "P-A", "from": DAY, "to": DAY},
        headers=bearer(world.tokens["AID"]),
    ).json()
    assert [r["index"] for r in aid["receipts"]] == [1]

    # Side doors: another post, a crossing's own receipt route, the crossings list.
    token = bearer(world.tokens["IFOR"])
    other = world.client.get(
        "/api/v1/parties/receipts", params={"post": "P-B", "from": DAY, "to": DAY}, headers=token
    )
    assert other.status_code == 403
    crossings = world.client.get("/api/v1/crossings", params={"post": "P-A"}, headers=token)
    assert crossings.status_code == 403
    for index in range(4):
        guessed = world.client.get(
            "/api/v1/parties/receipts",
            params={
                "post": "P-A",
                "from": DAY,
                "to": DAY,
                "index": index,
                "organisation": "AIDORG",
            },
            headers=token,
        )
        assert [r["index"] for r in guessed.json()["receipts"]] == [0, 3]


def test_a_statement_is_checked_appended_and_served(world: World) -> None:
    world.cross("IFOR", "2026-03-10T09:30:00+04:00", "IF-001")
    world.cross("IFOR", "2026-03-10T09:40:00+04:00", "IF-002")
    world.cross("IFOR", "2026-03-10T10:00:00+04:00", "IF-003", direction="out")
    world.cross("AIDORG", "2026-03-10T09:31:00+04:00", "AID-77")
    world.append()
    logbook = (
        "ref,time,direction,kind,plate\n"
        "M1,2026-03-10T09:31:00+04:00,in,vehicle,IF 001\n"
        "M2,2026-03-10T11:40:00+04:00,in,vehicle,IF-002\n"
        "M3,2026-03-10T10:00:00+04:00,out,vehicle,IF-003\n"
        "M4,2026-03-10T12:00:00+04:00,out,vehicle,IF-004\n"
    )
    statement, note = world.attest("IFOR", logbook)
    assert statement.confirmed == {0, 2}
    assert statement.disputed == {1: "time"}
    assert [m.reference for m in statement.missing] == ["M4"]

    headers = {**bearer(world.tokens["IFOR"]), "Content-Type": "text/plain"}
    # Tampered: one confirmed index more, the signature no longer holds.
    tampered = note.replace(b"confirmed 2\n", b"confirmed 3\n").replace(b"0,2", b"0-2", 1)
    refused = world.client.post("/ledger/P-A/attestations", content=tampered, headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["problems"][0]["field"] == "statement"
    # Signed by a key the post does not know for this party.
    stranger = sign_note(statement.encode(), [Ed25519Signer.generate("IFOR")])
    refused = world.client.post("/ledger/P-A/attestations", content=stranger, headers=headers)
    assert refused.status_code == 422
    # Another party's account cannot send IFOR's statement either.
    aid = {**bearer(world.tokens["AID"]), "Content-Type": "text/plain"}
    assert (
        world.client.post("/ledger/P-A/attestations", content=note, headers=aid).status_code == 422
    )
    # An officer's account is no party.
    officer = {**bearer(world.tokens["officer"]), "Content-Type": "text/plain"}
    assert (
        world.client.post("/ledger/P-A/attestations", content=note, headers=officer).status_code
        == 403
    )

    accepted = world.client.post("/ledger/P-A/attestations", content=note, headers=headers)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["confirmed"] == 2
    world.append()
    listing = world.client.get("/ledger/P-A/attestations/")
    assert listing.text == "4 IFOR 4 2 1 1\n"
    served = world.client.get("/ledger/P-A/attestations/4")
    assert served.content == note
    parties = world.client.get("/ledger/P-A/attestations/parties").text
    assert f"IFOR international_force {world.keys['IFOR'].vkey()}\n" in parties

    # The recount from the public log alone says what the statement says.
    def fetch(path: str) -> bytes | None:
        answer = world.client.get(f"/ledger/P-A/{path}")
        return answer.content if answer.status_code == 200 else None

    vkeys = services.vkeys(world.home, "P-A")
    result = recount([(fetch, vkeys)], _day(DAY), _day(DAY), attested=True)
    figures = {(f["kind"], f["organisation_type"]): f for f in result["attestations"]}
    force = figures[("vehicle", "international_force")]
    assert force["total"] == 3
    assert force["not_attested"] == 0
    assert force["parties"] == [{"party": "IFOR", "confirmed": 2, "disputed": 1, "missing": 1}]
    aid = figures[("vehicle", "humanitarian")]
    assert aid["total"] == 1
    assert aid["not_attested"] == 1
    assert aid["parties"] == []
    assert sentence(force) == (
        "3 international_force vehicles: 2 confirmed by IFOR, 1 disputed, 1 missing; "
        "0 not yet attested"
    )
