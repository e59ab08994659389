"""Receipts per crossing: served by the API, printed by the CLI, verified offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import person_crossing, post_data, vehicle_crossing
from tests.web_support import add_user, bearer
from typer.testing import CliRunner

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.ledger import appending, services
from borderpost.ledger.cli import app as ledger_app
from borderpost.ledger.client.receipts import check_receipt
from borderpost.ledger.tlog.errors import VerificationError
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.ledger.tlog.vkeys import parse_vkey

Factory = sessionmaker[Session]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


@pytest.fixture
def client(session_factory: Factory, home: Path) -> TestClient:
    settings = Settings(home=home, database_url="sqlite://", secret_key="receipt-test")
    client = TestClient(create_app(settings, session_factory=session_factory))
    admin = add_user(session_factory, "api-admin", "admin", network=True)
    for code in ("P-A", "P-B"):
        created = client.post("/api/v1/posts", json=post_data(code), headers=bearer(admin))
        assert created.status_code == 201, created.text
    return client


def test_a_crossing_gets_a_receipt_that_verifies_offline(
    client: TestClient, session_factory: Factory, home: Path, tmp_path: Path
) -> None:
    officer = bearer(add_user(session_factory, "officer.a", "officer", posts=["P-A"]))
    ids = []
    for data in (person_crossing("P-A"), vehicle_crossing("P-A"), person_crossing("P-A")):
        response = client.post("/api/v1/crossings", json=data, headers=officer)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])

    pending = client.get(f"/api/v1/crossings/{ids[1]}/receipt", headers=officer)
    assert pending.status_code == 409
    assert "not in the log yet" in pending.json()["detail"]
    assert [p["field"] for p in pending.json()["problems"]] == ["crossing_id"]

    assert appending.append_pending(session_factory, home) == 3
    response = client.get(f"/api/v1/crossings/{ids[1]}/receipt", headers=officer)
    assert response.status_code == 200, response.text
    assert response.text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    vkey = services.vkeys(home, "P-A")[0]
    checked = check_receipt(response.content, [parse_vkey(vkey)])
    assert (checked.index, checked.checkpoint.size) == (1, 3)
    assert checked.facts["kind"] == "vehicle"

    # Offline, from a file, with the log's vkey: what the CLI prints.
    receipt = tmp_path / "receipt.txt"
    receipt.write_bytes(response.content)
    result = CliRunner().invoke(ledger_app, ["check-receipt", str(receipt), "--vkey", vkey])
    assert result.exit_code == 0, result.output
    assert "ok: entry 1 of borderpost/P-A at size 3" in result.output

    # Another key, or a changed byte anywhere in the proof or the entry: refused.
    with pytest.raises(VerificationError):
        check_receipt(response.content, [Ed25519Signer.generate("borderpost/P-A").verifier()])
    lines = response.content.split(b"\n")
    for n in (1, 3):  # the extra line (the entry) and a proof hash
        forged = bytearray(lines[n])
        forged[-5] = ord("A") if forged[-5] != ord("A") else ord("B")
        tampered = b"\n".join([*lines[:n], bytes(forged), *lines[n + 1 :]])
        with pytest.raises(VerificationError):
            check_receipt(tampered, [parse_vkey(vkey)])
    result = CliRunner().invoke(
        ledger_app,
        ["check-receipt", str(receipt), "--vkey", services.ensure_log_key(home, "P-B").vkey()],
    )
    assert result.exit_code == 1

    # Post scopes: an officer of another post may not read it; an unknown crossing is 404.
    other = bearer(add_user(session_factory, "officer.b", "officer", posts=["P-B"]))
    assert client.get(f"/api/v1/crossings/{ids[1]}/receipt", headers=other).status_code == 403
    unknown = client.get(
        "/api/v1/crossings/01890000-0000-7000-8000-000000000000/receipt",
        headers=bearer(add_user(session_factory, "admin.b", "admin", network=True)),
    )
    assert unknown.status_code == 404
    assert unknown.json()["problems"][0]["field"] == "crossing_id"
