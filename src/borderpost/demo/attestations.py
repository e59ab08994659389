"""The demo's parties: the force and a humanitarian organisation attest a few days each.

Each party gets its key (kept under ``$BORDERPOST_HOME/demo-parties/``: a demo holds both
sides' keys on one machine, a real party never gives the post its private key), an account,
and a logbook made from its own crossings' openings, with one difference each: the force
logged one movement two hours later than the post (a disputed leaf), the humanitarian
organisation logged one convoy the post never recorded (a missing movement). The last day of
the demo stays unattested, so the figures show all four counts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.accounts import services as accounts
from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.demo.corridor import POSTS
from borderpost.demo.users import DEMO_PASSWORD
from borderpost.ledger.appending import append_pending
from borderpost.ledger.attestations.logbook import Movement, compare
from borderpost.ledger.attestations.services import submit
from borderpost.ledger.attestations.tool import check_receipts, statement_of
from borderpost.ledger.keys import load_verifiers, write_private_key
from borderpost.ledger.services import vkeys
from borderpost.ledger.tlog.note import Ed25519Signer, parse_skey, sign_note
from borderpost.parties.services import add_party, list_parties, party_of, party_receipts
from borderpost.unit_of_work import UnitOfWork

# (party code, organisation, account): the force and one humanitarian organisation.
PARTIES = [("IMF", "IMF-1", "liaison.force"), ("LANTERN", "LANTERN", "liaison.lantern")]
ATTESTED_DAYS = 3


def _signer(home: Path, code: str) -> Ed25519Signer:
    folder = home / "demo-parties"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}.key"
    if not path.exists():
        write_private_key(path, Ed25519Signer.generate(code).skey())
    return parse_skey(path.read_text("ascii").strip())


def _logbook(leaves: Any, code: str) -> list[Movement]:
    rows = []
    for leaf in leaves:
        opened = leaf.opened or {}
        vehicle = opened.get("vehicle") or {}
        document = ((opened.get("traveller") or {}).get("document")) or {}
        rows.append(
            Movement(
                f"{code}-{leaf.index}",
                leaf.time,
                leaf.facts["direction"],
                leaf.facts["kind"],
                plate=vehicle.get("plate") or "",
                convoy=leaf.convoy or "",
                document=document.get("number") or "",
            )
        )
    return rows


def attest_demo(session_factory: sessionmaker[Session], home: Path) -> dict[str, int]:
    """Register the demo's parties and sign their statements for the days before the last."""
    append_pending(session_factory, home)
    today = clock.now().date()
    first, last = today - dt.timedelta(days=ATTESTED_DAYS), today - dt.timedelta(days=1)
    counts = {"statements": 0, "confirmed": 0, "disputed": 0, "missing": 0}
    with UnitOfWork(session_factory, actor="system:demo") as uow:
        known = {p.code for p in list_parties(uow)}
        for code, organisation, account in PARTIES:
            if code in known:
                continue
            if accounts.user_by_name(uow, account) is None:
                accounts.add_user(
                    uow,
                    UserCreate(
                        name=account,
                        role=Role.PARTY,
                        posts=[p["code"] for p in POSTS],
                        network=False,
                        password=DEMO_PASSWORD,
                    ),
                )
            add_party(uow, code, organisation, _signer(home, code).vkey(), account)
        uow.commit()
    if known >= {code for code, _, _ in PARTIES}:
        return counts  # attested when the demo was first built
    for code, _, account in PARTIES:
        signer = _signer(home, code)
        for post in POSTS:
            with UnitOfWork(session_factory, actor=account) as uow:
                body = party_receipts(uow, home, party_of(uow, account), post["code"], first, last)
            checked = check_receipts(body, load_verifiers(vkeys(home, post["code"])))
            logbook = _logbook(checked.leaves, code)
            if code == "IMF" and logbook and post is POSTS[0]:
                moved = logbook[len(logbook) // 2]
                logbook[len(logbook) // 2] = Movement(
                    moved.ref,
                    moved.time + dt.timedelta(hours=2),
                    moved.direction,
                    moved.kind,
                    moved.plate,
                    moved.convoy,
                    moved.document,
                )
            if code == "LANTERN" and post is POSTS[0]:
                noon = dt.datetime.combine(last, dt.time(9), dt.UTC)
                logbook.append(Movement(f"{code}-CONVOY-77", noon, "in", "vehicle", "LR-7707"))
            comparison = compare(checked.leaves, logbook, (first, last), checked.zone)
            statement = statement_of(checked, comparison, first, last)
            note = sign_note(statement.encode(), [signer])
            with UnitOfWork(session_factory, actor=account) as uow:
                submit(uow, home, account, post["code"], note)
                uow.commit()
            counts["statements"] += 1
            counts["confirmed"] += len(statement.confirmed)
            counts["disputed"] += len(statement.disputed)
            counts["missing"] += len(statement.missing)
    append_pending(session_factory, home)
    return counts
