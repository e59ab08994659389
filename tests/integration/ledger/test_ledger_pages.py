"""The observer's ledger pages: a log, who signed its checkpoint, its bulletin, how to verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing

from borderpost.app import create_app
from borderpost.config import Settings, WitnessSetting
from borderpost.crossings.services import record_crossing
from borderpost.ledger import appending, services
from borderpost.ledger.bulletins.services import issue_bulletin
from borderpost.ledger.overview import SignerKind, checkpoint_signers
from borderpost.ledger.tlog.cosignature import CosignatureSigner
from borderpost.ledger.tlog.note import Ed25519Signer, parse_note, sign_note
from borderpost.ledger.tlog.vkeys import parse_vkey
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


def _client(
    factory: Factory, home: Path, witnesses: list[WitnessSetting] | None = None
) -> TestClient:
    settings = Settings(
        home=home,
        database_url="sqlite://",
        secret_key="ledger-pages",
        ledger_witnesses=witnesses or [],
    )
    return TestClient(create_app(settings, session_factory=factory))


def _published(factory: Factory, home: Path) -> None:
    with UnitOfWork(factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        record_crossing(uow, command(person_crossing("P-A", time="2026-03-10T09:00:00+04:00")))
        record_crossing(uow, command(vehicle_crossing("P-A", time="2026-03-10T10:00:00+04:00")))
        uow.commit()
    assert appending.append_pending(factory, home) == 2
    issue_bulletin(home, "P-A", "Asia/Baku", dt.date(2026, 3, 10), dt.date(2026, 3, 10))


def test_a_post_log_page_shows_its_checkpoint_signer_bulletin_and_commands(
    session_factory: Factory, home: Path
) -> None:
    _published(session_factory, home)
    vkey = services.vkeys(home, "P-A")[-1]
    with _client(session_factory, home) as client:  # no sign-in: the log is public
        page = client.get("/ledger/P-A/")
        index = client.get("/ledger/")
        other = client.get("/ledger/P-B/")
        unknown = client.get("/ledger/NOPE/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<dt>Leaves</dt><dd>2</dd>" in html
    # The log's own signature, checked on the node, not read off the file.
    assert "the log's own key" in html
    assert "Verified" in html
    assert "Verified against the log" in html  # the bulletin recounts from the leaves
    assert vkey in html
    assert f"borderpost ledger verify http://testserver/ledger/P-A/ --vkey '{vkey}'" in html
    assert index.status_code == 200
    assert 'href="/ledger/P-A/"' in index.text
    # P-B has recorded nothing yet: its page says so; an unknown post is an HTML 404.
    assert other.status_code == 200
    assert "No checkpoint has been published yet." in other.text
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("text/html")
    assert "knows no post NOPE" in unknown.text


def test_signers_are_classified_and_checked() -> None:
    log_key = Ed25519Signer.generate("borderpost.example/P-A")
    witness = CosignatureSigner.generate("observer/w1", clock=lambda: 1_773_100_000.0)
    stranger = CosignatureSigner.generate("observer/w9")
    text = "borderpost.example/P-A\n2\n" + "A" * 43 + "=\n"
    note = sign_note(text, [log_key, witness, stranger])
    verifiers = [parse_vkey(log_key.vkey()), parse_vkey(witness.vkey())]
    signers = {s.name: s for s in checkpoint_signers(note, verifiers)}
    assert signers["borderpost.example/P-A"].kind is SignerKind.LOG
    assert signers["borderpost.example/P-A"].verified
    assert signers["observer/w1"].kind is SignerKind.WITNESS
    assert signers["observer/w1"].verified
    assert signers["observer/w1"].at == dt.datetime.fromtimestamp(1_773_100_000, dt.UTC)
    assert signers["observer/w9"].kind is SignerKind.UNKNOWN
    assert not signers["observer/w9"].verified
    # A signature that does not match the text it claims is shown as not verifying.
    forged = note.replace(b"\n2\n", b"\n3\n", 1)
    assert not any(s.verified for s in checkpoint_signers(forged, verifiers))
    assert parse_note(forged)[0].startswith("borderpost.example/P-A\n3\n")
