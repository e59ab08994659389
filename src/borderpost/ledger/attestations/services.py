"""Accepting a party's statement at the post: checked, then appended to the log as a leaf.

A statement is refused (nothing written) unless it is signed by the registered key of the
party the sending account belongs to, names that party and its organisation's type, names this
post's log, and names a checkpoint this log has published or will: its size at most the log's,
its root the log's root at that size. Accepted, it is a pending leaf like a crossing's,
appended within seconds; from then on it can no more be removed than a crossing.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select

from borderpost import clock
from borderpost.audit.hook import record
from borderpost.errors import FieldProblem, InvalidInput, NotFound
from borderpost.ids import new_id
from borderpost.ledger.attestations.figures import Tally
from borderpost.ledger.attestations.leaf import (
    ATTESTATION,
    Attestation,
    attestation_leaf,
    open_statement,
    read_attestation,
)
from borderpost.ledger.attestations.statement import Statement, StatementError
from borderpost.ledger.leaves import LeafError, parse_leaf
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.services import open_log, origin_for
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import parse_note
from borderpost.ledger.tlog.tiles import MAX_ENTRY_SIZE
from borderpost.messages import Message
from borderpost.parties.model import Party
from borderpost.parties.services import held_log, party_of
from borderpost.posts.model import Post
from borderpost.unit_of_work import UnitOfWork

_LEAVES = cast(Table, LedgerLeaf.__table__)
MAX_NOTE_BYTES = 56_000


def _refuse(reason: str) -> InvalidInput:
    return InvalidInput([FieldProblem("statement", reason)])


def _check_checkpoint(home: Path, code: str, statement: Statement) -> None:
    held = held_log(home, code)
    with held.lock:
        if statement.size > held.log.size:
            raise _refuse("it names a checkpoint larger than the log")
        if held.log.root_hash(statement.size) != statement.root:
            raise _refuse("it names a checkpoint this log never had (the root differs)")


def submit(
    uow: UnitOfWork, home: Path, account: str, post_code: str, note: bytes
) -> dict[str, Any]:
    """Check a signed statement sent by ``account`` and write its leaf (pending append)."""
    if len(note) > MAX_NOTE_BYTES:
        raise _refuse(Message("it is over {n} bytes", n=MAX_NOTE_BYTES))
    post = uow.session.scalars(select(Post).where(Post.code == post_code)).one_or_none()
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=post_code))
    party: Party = party_of(uow, account)
    try:
        statement = open_statement(note, party.vkey)
    except StatementError as exc:
        raise _refuse(
            Message(
                "not signed by the registered key of party {party}: {exc}",
                party=party.code,
                exc=str(exc),
            )
        ) from exc
    if statement.party != party.code:
        raise _refuse(
            Message("it names party {named}, not {party}", named=statement.party, party=party.code)
        )
    if statement.organisation_type != party.organisation.type:
        raise _refuse(
            Message(
                "it names the organisation type {named}, not {type}",
                named=statement.organisation_type,
                type=party.organisation.type,
            )
        )
    if statement.log != origin_for(post_code):
        raise _refuse(Message("it is about log {log}, not this post's", log=statement.log))
    _check_checkpoint(home, post_code, statement)
    leaf = attestation_leaf(post_code, post.timezone, party.code, party.vkey, note)
    if len(leaf) > MAX_ENTRY_SIZE:
        raise _refuse("its leaf would be over 65,535 bytes: attest a shorter period")
    record_id = new_id()
    uow.session.connection().execute(
        _LEAVES.insert(),
        {
            "id": new_id(),
            "post_id": post.id,
            "record_type": ATTESTATION,
            "record_id": record_id,
            "salt": b"",
            "opening": None,
            "leaf": leaf,
            "corrects_id": None,
            "log_index": None,
            "created_at": clock.now(),
        },
    )
    summary = {
        "party": party.code,
        "checkpoint": statement.size,
        "confirmed": len(statement.confirmed),
        "disputed": len(statement.disputed),
        "missing": len(statement.missing),
    }
    record(uow.session, "create", "attestations", record_id, None, summary, post.id)
    return {"id": str(record_id), "post": post_code, **summary}


def published(uow: UnitOfWork, post_code: str) -> list[tuple[int, bytes]]:
    """The post's attestation leaves in its log: (log index, leaf), in log order."""
    rows = uow.session.execute(
        select(_LEAVES.c.log_index, _LEAVES.c.leaf)
        .join(Post, Post.id == _LEAVES.c.post_id)
        .where(
            Post.code == post_code,
            _LEAVES.c.record_type == ATTESTATION,
            _LEAVES.c.log_index.is_not(None),
        )
        .order_by(_LEAVES.c.log_index)
    ).all()
    return [(int(index), bytes(leaf)) for index, leaf in rows]


def statements(uow: UnitOfWork, post_code: str) -> list[tuple[int, Attestation]]:
    """The post's attestations in its log that verify, (log index, attestation), in log order."""
    out = []
    for log_index, leaf in published(uow, post_code):
        try:
            out.append((log_index, read_attestation(parse_leaf(leaf))))
        except (StatementError, LeafError):
            continue  # the post checked it when sent; a reader checks again from the log
    return out


_FIGURES: dict[tuple[str, str, int, dt.date, dt.date], list[dict[str, Any]]] = {}
_FIGURES_LOCK = threading.Lock()


def attested_figures(home: Path, code: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The attested figures of ``first``..``last`` from the post's published log on this node,
    as ``ledger recount --attested`` computes them (empty without a log or an attestation).

    Reading a whole log is the cost: the answer is kept per published size and period.
    """
    try:
        held = open_log(home, code, create=False)
    except LedgerError:
        return []
    note = held.log.published_checkpoint_note if held is not None else None
    if held is None or note is None:
        return []
    size = Checkpoint.parse(parse_note(note)[0]).size
    key = (str(home), code, size, first, last)
    with _FIGURES_LOCK:
        found = _FIGURES.get(key)
    if found is not None:
        return found
    with held.lock:
        entries = [held.log.entry(i) for i in range(size)]
    tally = Tally()
    tally.add_log(origin_for(code), [parse_leaf(e) for e in entries], first, last)
    figures = tally.figures_json() if tally.statements else []
    with _FIGURES_LOCK:
        if len(_FIGURES) > 256:
            _FIGURES.clear()
        _FIGURES[key] = figures
    return figures
