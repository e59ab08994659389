"""A party's tool, run as a process of its own with its own key, against a served log; its
statement checked by Go's golang.org/x/mod/sumdb/note (Debian's golang-go and
golang-golang-x-mod-dev, installed by ``scripts/ensure-tools.sh``), an implementation not ours.

The server is a real uvicorn on 127.0.0.1 over a SQLite file, as in the ledger's CLI test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.factories import command, make_organisation, make_post, vehicle_crossing
from tests.live_node import node_home, node_server
from tests.web_support import add_user
from typer.testing import CliRunner

from borderpost.cli import app as cli_app
from borderpost.config import Settings
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine, make_session_factory
from borderpost.ledger import services
from borderpost.unit_of_work import UnitOfWork

GO_NOTE = Path(__file__).with_name("note_open.go")
DAY = "2026-03-10"


# The served node (tests/live_node.py): fixtures used by name.
__all__ = ["node_home", "node_server"]


def _own_process(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``borderpost ARGS`` in a process of its own, with nothing of the post's environment."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "HOME": str(cwd),
    }
    cmd = [sys.executable, "-m", "borderpost.cli", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _go_open(vkey: str, note: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(cache),
        "GOCACHE": str(cache / "go-build"),
        "GOPATH": "/usr/share/gocode",
        "GO111MODULE": "off",
    }
    cmd = ["go", "run", str(GO_NOTE), vkey, str(note)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def test_a_party_tool_signs_a_statement_that_go_verifies(
    node_home: Path, node_server: str, tmp_path: Path
) -> None:
    home, server = node_home, node_server
    runner = CliRunner()
    assert runner.invoke(cli_app, ["init"]).exit_code == 0
    factory = make_session_factory(make_engine(Settings().resolved_database_url))
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        make_organisation(uow, "IFOR", "international_force")
        for minute, plate in ((10, "IF-001"), (20, "IF-002"), (30, "IF-003")):
            data = vehicle_crossing("P-A", time=f"{DAY}T09:{minute}:00+04:00")
            data |= {"organisation": "IFOR", "category": "civilian"}
            data["vehicle"]["plate"] = plate
            record_crossing(uow, command(data))
        record_crossing(uow, command(vehicle_crossing("P-A", time=f"{DAY}T09:15:00+04:00")))
        uow.commit()
    token = add_user(factory, "ifor-liaison", "party", ["P-A"])
    assert runner.invoke(cli_app, ["ledger", "append"]).exit_code == 0

    # The party's machine: its own folder, its own key, its own process.
    party_home = tmp_path / "ifor"
    party_home.mkdir()
    made = _own_process(["party", "keygen", "IFOR"], party_home)
    assert made.returncode == 0, made.stderr
    vkey = made.stdout.strip()
    assert vkey.startswith("IFOR+")
    assert (party_home / "IFOR.key").stat().st_mode & 0o077 == 0
    added = runner.invoke(
        cli_app, ["party", "add", "IFOR", "--organisation", "IFOR", "--vkey", vkey,
                  "--account", "ifor-liaison"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output

    logbook = party_home / "logbook.csv"
    logbook.write_text(
        "ref,time,direction,kind,plate\n"
        f"C-1,{DAY}T09:10:00+04:00,in,vehicle,IF-001\n"
        f"C-2,{DAY}T09:20:00+04:00,out,vehicle,IF-002\n"
        f"C-3,{DAY}T09:30:00+04:00,in,vehicle,IF-003\n"
        f"C-4,{DAY}T11:00:00+04:00,in,vehicle,IF-004\n"
    )
    log_vkey = services.vkeys(home, "P-A")[0]
    attested = _own_process(
        ["attest", server, "--skey", "IFOR.key", "--token", token, "--from", DAY, "--to", DAY,
         "--vkey", log_vkey, "--logbook", "logbook.csv", "--json"],
        party_home,
    )  # fmt: skip
    assert attested.returncode == 0, attested.stderr
    result = json.loads(attested.stdout)
    assert result["confirmed"] == 2
    assert result["disputed"] == {"1": "direction"}
    assert result["missing"] == ["2026-03-10T07:00Z in vehicle C-4"]
    assert result["sent"]["confirmed"] == 2

    assert runner.invoke(cli_app, ["ledger", "append"]).exit_code == 0
    import httpx

    listing = httpx.get(server + "attestations/").text
    index = listing.split()[0]
    note = httpx.get(server + f"attestations/{index}").content
    assert note.decode() == result["statement"]
    served = tmp_path / "statement.note"
    served.write_bytes(note)

    opened = _go_open(vkey, served, tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout == note.decode().split("\n\n")[0] + "\n"
    assert "signed by IFOR" in opened.stderr
    assert "confirm 0,2\n" in opened.stdout  # the party's leaves are 0, 1 and 2

    tampered = tmp_path / "tampered.note"
    tampered.write_bytes(note.replace(b"confirm 0,2\n", b"confirm 0-2\n"))
    assert _go_open(vkey, tampered, tmp_path).returncode == 1

    # Following: a new crossing is stated alone; what the log already holds is not stated again.
    with UnitOfWork(factory) as uow:
        data = vehicle_crossing("P-A", time=f"{DAY}T12:00:00+04:00")
        data |= {"organisation": "IFOR", "category": "civilian"}
        data["vehicle"]["plate"] = "IF-005"
        record_crossing(uow, command(data))
        uow.commit()
    assert runner.invoke(cli_app, ["ledger", "append"]).exit_code == 0
    with logbook.open("a") as more:
        more.write(f"C-5,{DAY}T12:00:00+04:00,in,vehicle,IF-005\n")
    follow = ["attest", server, "--skey", str(party_home / "IFOR.key"), "--token", token,
              "--from", DAY, "--to", DAY, "--vkey", log_vkey, "--logbook", str(logbook),
              "--json", "--follow", "--rounds", "1"]  # fmt: skip
    followed = runner.invoke(cli_app, follow)
    assert followed.exit_code == 0, followed.output
    stated = json.loads(followed.stdout)
    assert (stated["confirmed"], stated["disputed"], stated["missing"]) == (1, {}, [])
    assert "confirm 5\n" in stated["statement"]
    assert runner.invoke(cli_app, ["ledger", "append"]).exit_code == 0

    recount = ["ledger", "recount", server, "--from", DAY, "--to", DAY, "--vkey", log_vkey]
    shown = runner.invoke(cli_app, [*recount, "--attested"])
    assert shown.exit_code == 0, shown.output
    assert (
        "4 international_force vehicles: 3 confirmed by IFOR, 1 disputed, 1 missing; "
        "0 not yet attested"
    ) in shown.output
