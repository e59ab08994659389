"""The demo's parties: a few days attested, one disputed leaf, one movement claimed missing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.web_support import add_user, bearer

from borderpost import clock
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.demo.attestations import attest_demo
from borderpost.demo.services import build_demo
from borderpost.ledger import services
from borderpost.ledger.bulletins.bulletin import check
from borderpost.ledger.bulletins.services import issue_bulletin
from borderpost.ledger.client.recount import recount
from borderpost.ledger.client.verify import verify
from borderpost.ledger.keys import load_verifiers

Factory = sessionmaker[Session]


def test_the_demo_parties_attest(session_factory: Factory, tmp_path: Path) -> None:
    home = tmp_path / "home"
    build_demo(session_factory, days=4)
    counts = attest_demo(session_factory, home)
    assert counts["statements"] == 4
    assert counts["disputed"] == 1
    assert counts["missing"] == 1
    assert counts["confirmed"] > 10
    assert attest_demo(session_factory, home)["statements"] == 0  # once only

    settings = Settings(home=home, database_url="sqlite://", secret_key="attest-demo")
    with TestClient(create_app(settings, session_factory=session_factory)) as client:

        def fetch(path: str) -> bytes | None:
            answer = client.get(f"/ledger/AST-W/{path}")
            return answer.content if answer.status_code == 200 else None

        today = clock.now().date()
        first, last = today - dt.timedelta(days=3), today - dt.timedelta(days=1)
        result = recount([(fetch, services.vkeys(home, "AST-W"))], first, last, attested=True)
        # The bulletin carries the same figures, and checks against the log; the page shows it.
        note = issue_bulletin(home, "AST-W", "Asia/Baku", first, last)
        entries = verify(fetch, services.vkeys(home, "AST-W")).entries or ()
        made = check(note, load_verifiers(services.vkeys(home, "AST-W")), entries)
        assert made.summary["attestations"] == result["attestations"]
        assert "\nattested vehicle international_force total " in note.decode()
        page = client.get("/ledger/AST-W/")
        assert page.status_code == 200
        assert 'id="attested"' in page.text
        assert 'id="statements"' in page.text
        assert "<code>LANTERN</code>" in page.text
        as_json = client.get("/ledger/AST-W/bulletin/latest.json").json()
        assert as_json["attestations"] == result["attestations"]
        # The access report and the observer's page show the same figures.
        token = bearer(add_user(session_factory, "watcher", "observer", network=True))
        period = {"post": "AST-W", "from": first.isoformat(), "to": last.isoformat()}
        report = client.get("/reports/access", params=period, headers=token)
        assert report.status_code == 200
        assert 'class="attested-AST-W"' in report.text
        assert "<code>IMF</code>" in report.text
        observer = client.get("/observer", headers=token)
        assert observer.status_code == 200
        assert "<code>LANTERN</code>" in observer.text
    by_party = {(f["kind"], p["party"]): p for f in result["attestations"] for p in f["parties"]}
    assert sum(p["disputed"] for (_, party), p in by_party.items() if party == "IMF") == 1
    assert sum(p["missing"] for (_, party), p in by_party.items() if party == "LANTERN") == 1
    # The force is the one organisation of its type: every one of its leaves is attested.
    force = [f for f in result["attestations"] if f["organisation_type"] == "international_force"]
    assert force
    for figure in force:
        assert figure["not_attested"] == 0
        (imf,) = figure["parties"]
        assert imf["confirmed"] + imf["disputed"] == figure["total"]
    services.close_logs(home)
