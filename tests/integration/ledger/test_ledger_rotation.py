"""Key rotation: a statement from the old key, both keys during the changeover, verify follows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing
from typer.testing import CliRunner

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.ledger import appending, services
from borderpost.ledger import cli as ledger_cli
from borderpost.ledger.rotation import statement_text
from borderpost.ledger.tlog.errors import VerificationError
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


def _record(factory: Factory, n: int, *, first: bool = False) -> None:
    with UnitOfWork(factory, actor="officer.a") as uow:
        if first:
            make_post(uow, "P-A")
        for _ in range(n):
            record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()


def _signers(note: bytes) -> set[int]:
    return {s.key_id for s in parse_note(note)[1]}


def test_a_rotated_key_is_followed_from_the_pinned_one(
    session_factory: Factory, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = TestClient(
        create_app(
            Settings(home=home, database_url="sqlite://", secret_key="rotation-test"),
            session_factory=session_factory,
        )
    )

    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/P-A/{path}")
        return response.content if response.status_code == 200 else None

    _record(session_factory, 2, first=True)
    appending.append_pending(session_factory, home)
    old_vkey = client.get("/ledger/P-A/vkey").text.strip()
    state = tmp_path / "seen.json"
    ledger_cli.verify(fetch, [old_vkey], state=state)

    monkeypatch.setenv("BORDERPOST_HOME", str(home))
    result = CliRunner().invoke(ledger_cli.app, ["rotate-key", "P-A"])
    assert result.exit_code == 0, result.output
    new_vkey = result.stdout.strip().splitlines()[0]
    assert client.get("/ledger/P-A/vkey").text.strip() == new_vkey
    assert client.get("/ledger/P-A/vkeys").text.split() == [old_vkey, new_vkey]
    assert client.get("/ledger/P-A/rotation/1").status_code == 200
    assert client.get("/ledger/P-A/rotation/2").status_code == 404

    # The changeover: the same tree head is signed again, by both keys.
    appending.append_pending(session_factory, home)
    old_id, new_id = parse_vkey(old_vkey).key_id, parse_vkey(new_vkey).key_id
    assert _signers(fetch("checkpoint") or b"") == {old_id, new_id}
    assert ledger_cli.verify(fetch, [old_vkey], state=state).checkpoint.size == 2
    assert json.loads(state.read_text())["learnt_keys"] == [new_vkey]

    # The old private key retired: checkpoints carry the new key only; the pin still works.
    for path in (home / "keys").glob(f"borderpost_P-A.{old_id:08x}.key"):
        path.rename(tmp_path / path.name)
    _record(session_factory, 1)
    appending.append_pending(session_factory, home)
    assert _signers(fetch("checkpoint") or b"") == {new_id}
    assert ledger_cli.verify(fetch, [old_vkey], state=state).checkpoint.size == 3
    assert ledger_cli.verify(fetch, [old_vkey]).checkpoint.size == 3

    # A statement not signed by a trusted key hands over nothing.
    stranger = Ed25519Signer.generate("borderpost/P-A")
    forged = sign_note(statement_text("borderpost/P-A", stranger.vkey(), new_vkey), [stranger])

    def forging(path: str) -> bytes | None:
        return forged if path == "rotation/1" else fetch(path)

    with pytest.raises(VerificationError, match="not trusted"):
        ledger_cli.verify(forging, [old_vkey])
