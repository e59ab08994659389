"""The ledger commands end to end: init makes the key, append, then verify and recount over HTTP.

The server is a real uvicorn on 127.0.0.1 (a socket bound by the test, so no waiting for a port)
over a SQLite file: the commands read their settings from the environment and commit, so they
do not run on the shared PostgreSQL test database.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.factories import command, make_post, person_crossing, vehicle_crossing
from tests.live_node import node_home, node_server
from typer.testing import CliRunner

from borderpost.cli import app as cli_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.unit_of_work import UnitOfWork

# The served node (tests/live_node.py): fixtures used by name.
__all__ = ["node_home", "node_server"]


def test_init_append_verify_recount(node_home: Path, node_server: str, tmp_path: Path) -> None:
    home, server = node_home, node_server
    runner = CliRunner()
    result = runner.invoke(cli_app, ["init"])
    assert result.exit_code == 0, result.output
    vkey_files = list((home / "keys").glob("borderpost_P-A.*.vkey"))
    assert len(vkey_files) == 1  # the node's post has its log key before any crossing

    factory = make_session_factory(make_engine(Settings().resolved_database_url))
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        first = record_crossing(
            uow, command(person_crossing("P-A", time="2026-03-10T23:30:00+04:00"))
        )
        record_crossing(uow, command(vehicle_crossing("P-A", time="2026-03-11T00:30:00+04:00")))
        uow.commit()
    result = runner.invoke(cli_app, ["ledger", "append"])
    assert result.exit_code == 0, result.output
    assert "2 entries appended" in result.output
    result = runner.invoke(cli_app, ["ledger", "receipt", str(first.crossing.id)])
    assert result.exit_code == 0, result.output
    receipt = tmp_path / "receipt"
    receipt.write_text(result.output)
    check = ["ledger", "check-receipt", str(receipt), "--vkey", str(vkey_files[0])]
    result = runner.invoke(cli_app, check)
    assert result.exit_code == 0, result.output
    assert "ok: entry 0 of borderpost/P-A at size 2" in result.output
    result = runner.invoke(cli_app, ["ledger", "bulletin", "--post", "P-A", "--from", "2026-03-10"])
    assert result.exit_code == 0, result.output
    assert "persons total 1\n" in result.output
    check = ["ledger", "check-bulletin", server, "--vkey", str(vkey_files[0])]
    result = runner.invoke(cli_app, check)
    assert result.exit_code == 0, result.output
    assert "ok: bulletin of P-A 2026-03-10..2026-03-10 = entries 0..2" in result.output
    result = runner.invoke(cli_app, ["ledger", "receipt", "not-a-uuid"])
    assert result.exit_code == 1
    assert "crossing_id" in result.output

    state = tmp_path / "seen.json"
    verify = ["ledger", "verify", server, "--vkey", str(vkey_files[0]), "--state", str(state)]
    result = runner.invoke(cli_app, verify)
    assert result.exit_code == 0, result.output
    assert "ok: borderpost/P-A size 2" in result.output
    assert json.loads(state.read_text())["size"] == 2

    recount = ["ledger", "recount", server, "--from", "2026-03-10", "--to", "2026-03-10"]
    result = runner.invoke(cli_app, [*recount, "--vkey", str(vkey_files[0]), "--json"])
    assert result.exit_code == 0, result.output
    counted = json.loads(result.output)
    # Local days: 23:30 on the 10th is the 10th, 00:30 on the 11th is not, at UTC+4.
    assert counted["posts"] == ["P-A"]
    assert counted["persons"]["total"] == 1
    assert counted["vehicles"]["total"] == 0

    # A view the log cannot extend (the state file claims a longer log): exit 1.
    state.write_text(json.dumps({**json.loads(state.read_text()), "size": 7}))
    result = runner.invoke(cli_app, verify)
    assert result.exit_code == 1
    assert "shrank" in result.output
