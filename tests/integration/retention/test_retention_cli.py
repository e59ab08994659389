"""The commands end to end on a node's SQLite file: a person's export (JSON and PDF), then
``retention run``; ``ledger verify`` and ``ledger recount`` say the same before and after, and
neither the database file, nor any file of the node's home, nor the logs hold the erased data.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from pypdf import PdfReader
from tests.factories import command, make_post, person_crossing, traveller
from typer.testing import CliRunner

from borderpost.app import create_app
from borderpost.cli import app as cli_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.ledger import services
from borderpost.unit_of_work import UnitOfWork


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "home"
    monkeypatch.setenv("BORDERPOST_HOME", str(path))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", f"sqlite:///{path / 'bp.db'}")
    monkeypatch.setenv("BORDERPOST_NODE_POST", "P-A")
    monkeypatch.setenv("BORDERPOST_SECRET_KEY", "retention-cli-test")
    monkeypatch.setenv("BORDERPOST_RETENTION_DAYS", '{"crossing": 30}')
    yield path
    services.close_logs(path)


def _ok(args: list[str]) -> str:
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_export_then_erase_keeps_the_proof_and_leaves_no_trace(
    home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _ok(["init"])
    vkey = str(next((home / "keys").glob("borderpost_P-A.*.vkey")))
    person = traveller(surname="VANISHING", given_names="PERSONA")
    number = person["document"]["number"]
    factory = make_session_factory(make_engine(Settings().resolved_database_url))
    with UnitOfWork(factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        for day in ("10", "11"):
            data = person_crossing("P-A", time=f"2026-03-{day}T09:30:00+04:00", traveller=person)
            record_crossing(uow, command(data))
        record_crossing(uow, command(person_crossing("P-A", time="2026-11-27T09:30:00+04:00")))
        uow.commit()
    _ok(["ledger", "append"])

    pdf = tmp_path / "person.pdf"
    exported = json.loads(
        _ok(["person", "export", "--document", number, "--issuer", "UTO", "--pdf", str(pdf)])
    )
    assert [t["surname"] for t in exported["travellers"]] == ["VANISHING"]
    assert len(exported["crossings"]) == 2
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "VANISHING" in printed
    assert number in printed
    pdf.unlink()

    with _Serving(home) as url:
        state = tmp_path / "seen.json"
        verify = ["ledger", "verify", url, "--vkey", vkey, "--state", str(state)]
        recount = ["ledger", "recount", url, "--from", "2026-03-01", "--to", "2026-11-30"]
        verified = _ok(verify)
        counted = _ok([*recount, "--vkey", vkey, "--json"])
        assert "would erase 2" in _ok(["retention", "run", "--dry-run"])
        assert "erased 2, held 0" in _ok(["retention", "run"])
        assert _ok(verify) == verified
        assert _ok([*recount, "--vkey", vkey, "--json"]) == counted
        assert json.loads(counted)["persons"]["total"] == 3

    result = CliRunner().invoke(
        cli_app, ["person", "export", "--document", number, "--issuer", "UTO"]
    )
    assert result.exit_code == 2
    assert "no traveller with this document" in result.output

    secrets = [b"VANISHING", b"PERSONA", number.encode()]
    for path in home.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret not in content, f"{secret!r} in {path}"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in secrets:
        assert secret.decode() not in logged


class _Serving:
    """The node's server on a free port while the commands talk to it."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def __enter__(self) -> str:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        port = self.sock.getsockname()[1]
        config = uvicorn.Config(create_app(Settings()), log_level="info", lifespan="on")
        self.uv = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.uv.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        return f"http://127.0.0.1:{port}/ledger/P-A/"

    def __exit__(self, *exc: object) -> None:
        self.uv.should_exit = True
        self.thread.join()
        self.sock.close()
