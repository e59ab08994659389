"""The ledger wired into the system: leaves with their records, appended, served, verified."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, vehicle_crossing
from typer.testing import CliRunner

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.ledger import appending, leaves, services
from borderpost.ledger import cli as ledger_cli
from borderpost.ledger.client.verify import Fetch
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.tlog.errors import VerificationError
from borderpost.posts.schemas import ClosureCreate, ClosureEnd
from borderpost.posts.services import close_post, reopen_post
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


def _rows(factory: Factory) -> list[LedgerLeaf]:
    with factory() as session:
        return list(session.scalars(select(LedgerLeaf).order_by(LedgerLeaf.id)))


def _leaves(home: Path, code: str) -> list[dict[str, object]]:
    held = services.open_log(home, code, create=False)
    assert held is not None
    return [leaves.parse_leaf(held.log.entry(i)) for i in range(held.log.size)]


def _record_some(factory: Factory) -> dict[str, Any]:
    """A person, a vehicle, a closure and its reopening at P-A; returns the person's input."""
    person = person_crossing("P-A")
    with UnitOfWork(factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        record_crossing(uow, command(person))
        record_crossing(uow, command(vehicle_crossing("P-A")))
        closure = close_post(
            uow,
            "P-A",
            ClosureCreate(
                starts_at="2026-03-01T00:00:00Z", ends_at=None, reason="storm", authority="gov"
            ),
        )
        uow.commit()
    with UnitOfWork(factory, actor="supervisor.a") as uow:
        reopen_post(
            uow,
            "P-A",
            closure.id,
            ClosureEnd(
                ends_at=dt.datetime(2026, 3, 2, 6, 30, 59, tzinfo=dt.UTC),
                reason="open again",
                authority="gov",
            ),
        )
        uow.commit()
    return person


def test_crossings_and_closures_become_leaves(session_factory: Factory, home: Path) -> None:
    presented = _record_some(session_factory)
    rows = _rows(session_factory)
    assert [r.record_type for r in rows] == ["crossing", "crossing", "closure", "closure"]
    assert all(r.log_index is None and 16 <= len(r.salt) <= 32 for r in rows)

    assert appending.append_pending(session_factory, home) == 4
    assert appending.append_pending(session_factory, home) == 0
    assert [r.log_index for r in _rows(session_factory)] == [0, 1, 2, 3]

    person, vehicle, closed, reopened = _leaves(home, "P-A")
    assert person == {
        "v": 2,
        "type": "crossing",
        "post": "P-A",
        "zone": "Asia/Baku",
        "time": "2026-03-10T05:30Z",
        "direction": "in",
        "kind": "person",
        "category": "civilian",
        "organisation_type": None,
        "vehicle_type": None,
        "decision": "admitted",
        "cargo": [],
        "commitment": person["commitment"],
    }
    assert vehicle["kind"] == "vehicle"
    assert vehicle["vehicle_type"] is not None
    assert closed["ends_at"] is None
    assert "corrects" not in closed
    assert reopened == {**closed, "ends_at": "2026-03-02T06:30Z", "corrects": 2,
                        "commitment": reopened["commitment"]}  # fmt: skip

    # An auditor given the record as presented and its salt recomputes the commitment.
    row = _rows(session_factory)[0]
    traveller = command(presented).traveller
    assert traveller is not None
    personal = {"traveller": traveller.model_dump(mode="json"), "vehicle": None}
    expected = hashlib.sha256(row.salt + leaves.personal_bytes(row.record_id, personal))
    assert person["commitment"] == expected.hexdigest()


def test_a_rolled_back_crossing_leaves_no_leaf(session_factory: Factory) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    with UnitOfWork(session_factory) as uow:
        record_crossing(uow, command(person_crossing("P-A")))
        # no commit
    assert _rows(session_factory) == []


def test_append_after_a_crash_never_appends_twice(
    session_factory: Factory, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        for _ in range(3):
            record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    # The process dies after the durable append, before the indexes are committed.
    monkeypatch.setattr(appending, "_SET_INDEX", text("UPDATE no_such_table SET x = 1"))
    with pytest.raises(Exception, match="no_such_table"):
        appending.append_pending(session_factory, home)
    monkeypatch.undo()
    held = services.open_log(home, "P-A")
    assert held is not None
    assert held.log.size == 3
    assert all(r.log_index is None for r in _rows(session_factory))
    services.close_logs(home)  # a new process: the log is reopened from disk

    with UnitOfWork(session_factory) as uow:
        record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    assert appending.append_pending(session_factory, home) == 4
    rows = _rows(session_factory)
    held = services.open_log(home, "P-A")
    assert held is not None
    assert held.log.size == 4
    assert sorted(r.log_index for r in rows if r.log_index is not None) == [0, 1, 2, 3]
    for r in rows:
        assert r.log_index is not None
        assert held.log.entry(r.log_index) == r.leaf
    assert held.log.last_checkpoint is not None
    assert held.log.last_checkpoint.size == 4


def test_a_log_entry_the_database_does_not_know_stops_the_append(
    session_factory: Factory, home: Path
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    held = services.open_log(home, "P-A")
    assert held is not None
    held.log.append([b"bp-leaf/1\nnot from this database"])
    with pytest.raises(Exception, match="match no pending record"):
        appending.append_pending(session_factory, home)
    assert held.log.size == 1


def _client(factory: Factory, home: Path) -> TestClient:
    settings = Settings(home=home, database_url="sqlite://", secret_key="ledger-test")
    return TestClient(create_app(settings, session_factory=factory))


def _fetch(client: TestClient, code: str) -> Fetch:
    def fetch(path: str) -> bytes | None:
        response = client.get(f"/ledger/{code}/{path}")
        return response.content if response.status_code == 200 else None

    return fetch


def test_the_log_is_served_as_tlog_tiles_and_verifies(
    session_factory: Factory, home: Path, tmp_path: Path
) -> None:
    _record_some(session_factory)
    appending.append_pending(session_factory, home)
    with _client(session_factory, home) as client:
        cp = client.get("/ledger/P-A/checkpoint")
        assert cp.status_code == 200
        assert cp.headers["content-type"] == "text/plain; charset=utf-8"
        assert cp.headers["cache-control"] == "public, max-age=5"
        assert cp.text.startswith("borderpost/P-A\n4\n")
        tile = client.get("/ledger/P-A/tile/0/000.p/4")
        assert tile.status_code == 200
        assert len(tile.content) == 4 * 32
        bundle = client.get("/ledger/P-A/tile/entries/000.p/4")
        assert bundle.status_code == 200
        assert client.get("/ledger/P-A/tile/0/000.p/5").status_code == 404  # past the checkpoint
        assert client.get("/ledger/P-A/tile/0/000").status_code == 404
        assert client.get("/ledger/NOPE/checkpoint").status_code == 404
        assert client.get("/ledger/..%2F..%2Fetc/checkpoint").status_code == 404
        vkey = client.get("/ledger/P-A/vkey")
        assert vkey.status_code == 200
        assert vkey.text.startswith("borderpost/P-A+")

        state = tmp_path / "state.json"
        verified = ledger_cli.verify(_fetch(client, "P-A"), [vkey.text.strip()], state=state)
        assert verified.checkpoint.size == 4
        assert json.loads(state.read_text())["size"] == 4

        # The log grows: still consistent with the view kept in the state file.
        with UnitOfWork(session_factory) as uow:
            record_crossing(uow, command(person_crossing("P-A")))
            uow.commit()
        appending.append_pending(session_factory, home)
        assert (
            ledger_cli.verify(_fetch(client, "P-A"), [vkey.text], state=state).checkpoint.size == 5
        )

        # A fork: the state file remembers a different tree of the same size.
        forged = json.loads(state.read_text())
        forged["root"] = "A" * 43 + "="
        state.write_text(json.dumps(forged))
        with pytest.raises(VerificationError, match="inconsistent"):
            ledger_cli.verify(_fetch(client, "P-A"), [vkey.text], state=state)


@pytest.mark.parametrize("target", ["entries.bundles", "checkpoint"])
def test_tampering_with_the_stored_log_is_detected(
    session_factory: Factory, home: Path, target: str
) -> None:
    _record_some(session_factory)
    appending.append_pending(session_factory, home)
    vkey = services.vkeys(home, "P-A")
    directory = services.log_dir(home, "P-A")
    if target == "checkpoint":
        services.close_logs(home)  # the checkpoint is read when the log is opened
        note = (directory / "checkpoint").read_bytes()
        sig = note.rindex(b" ") + 10
        swapped = b"B" if note[sig : sig + 1] != b"B" else b"C"
        (directory / "checkpoint").write_bytes(note[:sig] + swapped + note[sig + 1 :])
    else:
        path = directory / target
        data = bytearray(path.read_bytes())
        data[data.find(b'"direction":"in"') + len(b'"direction":"')] ^= 0x01
        with path.open("r+b") as handle:  # in place, as a disk or an intruder would
            handle.write(bytes(data))
    with _client(session_factory, home) as client, pytest.raises(VerificationError):
        ledger_cli.verify(_fetch(client, "P-A"), vkey)


@pytest.mark.parametrize("path", ["tile/0/000.p/4", "tile/entries/000.p/4", "checkpoint"])
def test_a_mirror_serving_a_changed_file_is_detected(
    session_factory: Factory, home: Path, path: str
) -> None:
    # The right edge of the stored tiles lives in memory, and the store re-derives and
    # checks the hash tiles from the entries when it opens; so tiles are changed in transit.
    _record_some(session_factory)
    appending.append_pending(session_factory, home)
    vkey = services.vkeys(home, "P-A")
    with _client(session_factory, home) as client:
        honest = _fetch(client, "P-A")
        assert ledger_cli.verify(honest, vkey).checkpoint.size == 4

        def mirror(asked: str) -> bytes | None:
            data = honest(asked)
            if asked != path or data is None:
                return data
            changed = bytearray(data)
            changed[len(changed) // 3] ^= 0x01
            return bytes(changed)

        with pytest.raises(VerificationError):
            ledger_cli.verify(mirror, vkey)


def test_verify_command_exits_1_on_tampering(
    session_factory: Factory, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record_some(session_factory)
    appending.append_pending(session_factory, home)
    vkey = services.vkeys(home, "P-A")[0]
    runner = CliRunner()
    with _client(session_factory, home) as client:
        monkeypatch.setattr(ledger_cli, "http_fetch", lambda url: _fetch(client, "P-A"))
        ok = runner.invoke(ledger_cli.app, ["verify", "http://x/ledger/P-A/", "--vkey", vkey])
        assert ok.exit_code == 0, ok.output
        assert "size 4" in ok.output
        bundles = services.log_dir(home, "P-A") / "entries.bundles"
        data = bytearray(bundles.read_bytes())
        data[-3] ^= 0x01
        with bundles.open("r+b") as handle:
            handle.write(bytes(data))
        bad = runner.invoke(ledger_cli.app, ["verify", "http://x/ledger/P-A/", "--vkey", vkey])
        assert bad.exit_code == 1


def test_appender_thread_appends_on_stop(session_factory: Factory, home: Path) -> None:
    appender = appending.Appender(session_factory, home, interval=3600)
    appender.start()
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        record_crossing(uow, command(person_crossing("P-A")))
        uow.commit()
    appender.stop()
    with session_factory() as session:
        pending = session.scalar(
            select(func.count()).select_from(LedgerLeaf).where(LedgerLeaf.log_index.is_(None))
        )
    assert pending == 0
    assert (services.log_dir(home, "P-A") / "checkpoint").exists()


def test_init_keys_makes_one_key_per_post(session_factory: Factory, home: Path) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()
    assert services.init_keys(session_factory, home, "P-C") == 3
    assert services.init_keys(session_factory, home, "P-C") == 0
    key = next((home / "keys").glob("borderpost_P-A.*.key"))
    assert key.stat().st_mode & 0o077 == 0
    assert services.vkeys(home, "P-B")[0].startswith("borderpost/P-B+")


def test_a_post_code_that_cannot_name_a_log_holds_back_no_other_post(
    session_factory: Factory, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A post made before codes were checked (its code written straight to the database,
    sorting before the others): its leaves wait, and every other post's are appended."""
    with UnitOfWork(session_factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        record_crossing(uow, command(person_crossing("P-A")))
        record_crossing(uow, command(person_crossing("P-B")))
        uow.commit()
    with session_factory() as session, session.begin():
        session.execute(text("UPDATE posts SET code = '-A' WHERE code = 'P-A'"))
    appending._UNLOGGABLE.clear()  # what this process has said already
    assert appending.append_pending(session_factory, home) == 1
    assert appending.append_pending(session_factory, home) == 0  # the next round: said once
    assert [r.getMessage() for r in caplog.records if "'-A'" in r.getMessage()] == [
        "post code '-A' cannot name a log: its leaves wait until renamed"
    ]
    assert len(_leaves(home, "P-B")) == 1
    assert [r.log_index is None for r in _rows(session_factory)] == [True, False]
