"""A post: read what headquarters published for it, check it, apply what is newer.

Each kind is applied in one transaction with the row that records its version, so a post
runs the whole of a version or none of it. A version that does not check (signature,
checksum, kind or post) is refused: the reason goes to the log and to the kind's row, and the
post keeps the version it runs. A post that was offline reads the latest version of each
kind when the link is back; nothing is asked of anyone.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue
from sqlalchemy.orm import Session, sessionmaker

from borderpost.ledger.tlog.note import NoteVerifier
from borderpost.network import applying, buckets, commands, lists, rotation
from borderpost.network.enrolment import Enrolment
from borderpost.network.records import ACTOR, FollowReport, number_in, record, refuse, row_of
from borderpost.network.signing import RefusedVersion, open_version, verifier_of
from borderpost.network.snapshots import KINDS
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def apply_reference(
    session_factory: sessionmaker[Session],
    home: Path,
    post_code: str,
    verifier: NoteVerifier,
    kind: str,
    data: bytes,
) -> str | None:
    """Apply one published version of ``kind`` if it is newer; what was applied, or None.

    Raises RefusedVersion when it does not check (nothing applied).
    """
    version = open_version(verifier, data, kind, post_code)
    with UnitOfWork(session_factory, actor=ACTOR, home=home) as uow:
        row = row_of(uow.session, kind)
        if version.number <= row.version:
            return None
        keys: list[Any] = []
        payload = version.payload
        if kind == "posts":
            applying.apply_posts(uow.session, payload)
        elif kind == "organisations":
            applying.apply_organisations(uow.session, payload)
        elif kind == "corridors":
            applying.apply_corridors(uow.session, payload)
        elif kind == "users":
            keys = applying.apply_users(uow, payload, list(row.keys or []))
        record(row, version, keys)
        uow.commit()
    if kind == "rules":
        applying.apply_rules(home, post_code, payload)
    return f"{kind} {version.number}"


async def follow_reference(
    session_factory: sessionmaker[Session], home: Path, enrolment: Enrolment, kv: KeyValue
) -> FollowReport:
    verifier = verifier_of(enrolment.vkey)
    report = FollowReport()
    # Posts before corridors: a corridor names the posts at its ends.
    for kind in KINDS:
        try:
            entry = await kv.get(buckets.reference_key(enrolment.post, kind))
        except KeyNotFoundError:
            continue
        if entry.value is None:
            continue
        try:
            done = apply_reference(
                session_factory, home, enrolment.post, verifier, kind, entry.value
            )
        except RefusedVersion as exc:
            refuse(session_factory, kind, number_in(entry.value), str(exc))
            report.refused.append(f"{kind}: {exc}")
            continue
        if done:
            report.applied.append(done)
    return report


async def follow_once(
    session_factory: sessionmaker[Session],
    home: Path,
    enrolment: Enrolment,
    js: JetStreamContext,
) -> FollowReport:
    """One round: headquarters' key chain first (a post that was offline through a rotation
    moves to the new key before it reads what the new key signed), then every kind, every
    watchlist and every command headquarters published."""
    kv = await buckets.versions(js, enrolment.stream)
    enrolment = await rotation.adopt(session_factory, home, enrolment, kv)
    report = await follow_reference(session_factory, home, enrolment, kv)
    # Lists after the rest: a large one takes a while, and a disabled user should not wait.
    more = await lists.follow_lists(session_factory, enrolment, js, kv)
    report.applied += more.applied
    report.refused += more.refused
    done = await commands.follow_commands(session_factory, enrolment, js)
    report.applied += done.applied
    report.refused += done.refused
    return report
