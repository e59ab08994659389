"""Publishing with a quorum: two real witness processes, one down, then both up."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.witnesses import free_port, start_witness, stop, witness_cli

from borderpost.app import create_app
from borderpost.config import Settings, WitnessSetting
from borderpost.crossings.services import record_crossing
from borderpost.ledger import appending, services
from borderpost.ledger import cli as ledger_cli
from borderpost.ledger.client.receipts import check_receipt
from borderpost.ledger.client.verify import Fetch
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.receipts import crossing_receipt
from borderpost.ledger.tlog.cosignature import count_cosigners
from borderpost.ledger.tlog.errors import VerificationError
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            stop(process)


def _record(factory: Factory, n: int, *, first: bool = False) -> None:
    with UnitOfWork(factory, actor="officer.a") as uow:
        if first:
            make_post(uow, "P-A")
        for _ in range(n // 2):
            record_crossing(uow, command(person_crossing("P-A")))
            record_crossing(uow, command(vehicle_crossing("P-A")))
        uow.commit()


def _fetch(client: TestClient) -> Fetch:
    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/P-A/{path}")
        return response.content if response.status_code == 200 else None

    return fetch


def test_a_checkpoint_is_published_only_with_its_quorum(
    session_factory: Factory,
    home: Path,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    log_vkey = services.ensure_log_key(home, "P-A").vkey()
    states, vkeys, ports = [], [], []
    for n in (1, 2):
        state = tmp_path / f"w{n}"
        vkeys.append(witness_cli("init", "--state", str(state), "--name", f"observer/w{n}").strip())
        witness_cli("add-log", "--state", str(state), log_vkey)
        states.append(state)
        ports.append(free_port())
    processes.append(start_witness(states[0], ports[0]))  # the second one is down
    witnesses = [
        WitnessSetting(url=f"http://127.0.0.1:{port}", vkey=vkey)
        for port, vkey in zip(ports, vkeys, strict=True)
    ]
    settings = Settings(
        home=home,
        database_url="sqlite://",
        secret_key="quorum-test",
        ledger_witnesses=witnesses,
        ledger_quorum=2,
    )
    policy = appending.witness_policy(settings)
    client = TestClient(create_app(settings, session_factory=session_factory))
    fetch = _fetch(client)

    _record(session_factory, 2, first=True)
    assert appending.append_pending(session_factory, home, policy=policy) == 2
    # Signed, cosigned by one witness of two: nothing is published.
    assert client.get("/ledger/P-A/checkpoint").status_code == 404
    assert client.get("/ledger/P-A/tile/entries/000.p/2").status_code == 404

    processes.append(start_witness(states[1], ports[1]))
    assert appending.append_pending(session_factory, home, policy=policy) == 0
    note = client.get("/ledger/P-A/checkpoint").content
    assert count_cosigners(note, load_verifiers(vkeys)) == 2
    verified = ledger_cli.verify(fetch, [log_vkey], witnesses=vkeys)
    assert verified.checkpoint.size == 2

    # More crossings while the first witness is down: the size-2 checkpoint stays served.
    stop(processes[0])
    _record(session_factory, 4)
    assert appending.append_pending(session_factory, home, policy=policy) == 4
    assert ledger_cli.verify(fetch, [log_vkey], witnesses=vkeys).checkpoint.size == 2
    # Back up, the witness takes the consistency proof from 2 to 6 and both cosign.
    processes.append(start_witness(states[0], ports[0]))
    appending.append_pending(session_factory, home, policy=policy)
    assert ledger_cli.verify(fetch, [log_vkey], witnesses=vkeys).checkpoint.size == 6

    # A restarted node knows no witness's size: it sends old 0, gets 409 with the witness's
    # size (6) and retries with the consistency proof from there.
    _record(session_factory, 2)
    fresh = appending.witness_policy(settings)
    appending.append_pending(session_factory, home, policy=fresh)
    assert ledger_cli.verify(fetch, [log_vkey], witnesses=vkeys).checkpoint.size == 8
    assert set(fresh.sizes.values()) == {8}

    # A receipt carries the cosignatures: it verifies offline with the witnesses' quorum.
    with session_factory() as session:
        first = session.scalars(select(LedgerLeaf.record_id).order_by(LedgerLeaf.id)).first()
    assert first is not None
    with UnitOfWork(session_factory) as uow:
        receipt = crossing_receipt(uow, home, first)
    checked = check_receipt(receipt, load_verifiers([log_vkey]), load_verifiers(vkeys), 2)
    assert checked.cosigners == ("observer/w1", "observer/w2")

    # A witness key that did not cosign is refused; a quorum of one of them is enough.
    stranger = witness_cli("init", "--state", str(tmp_path / "w3"), "--name", "observer/w3")
    with pytest.raises(VerificationError, match="3 required"):
        ledger_cli.verify(fetch, [log_vkey], witnesses=[*vkeys, stranger.strip()])
    ledger_cli.verify(fetch, [log_vkey], witnesses=[vkeys[0], stranger.strip()], quorum=1)
