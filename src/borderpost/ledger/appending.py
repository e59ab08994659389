"""Appending: pending leaves into each post's tile log, signed checkpoints, the appender thread.

``append_pending`` moves pending rows, oldest first, into the post's tile log under
``$BORDERPOST_HOME/ledger/<POST>/`` (origin ``borderpost/<POST>``), records each row's
``log_index`` in one transaction after the append is durable, then signs a checkpoint with the
post's log key. A crash between the append and the commit leaves entries in the log that the
database does not know yet: the next run finds them (log size > indexed rows), links them to
their pending rows by their bytes (each leaf carries a salted commitment, so it is unique), and
never appends them twice. Writing the leaves and the keys are ``ledger.services``' business.
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from borderpost.config import Settings
from borderpost.election import hold_for_transaction
from borderpost.ledger import leaves
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.quorum import WitnessEndpoint, WitnessPolicy, publish_with_quorum
from borderpost.ledger.services import (
    code_names_a_log,
    ensure_log_key,
    open_log,
    previous_log_key,
)
from borderpost.ledger.storage.errors import StoreCorruptError
from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import Ed25519Signer, parse_note
from borderpost.posts.model import Post

log = logging.getLogger("borderpost.ledger")
_UNLOGGABLE: set[str] = set()  # post codes already reported as unable to name a log

BATCH = 5000
_LEAVES = cast(Table, LedgerLeaf.__table__)
_SET_INDEX = (
    update(_LEAVES)
    .where(_LEAVES.c.id == bindparam("_id"))
    .values(log_index=bindparam("_index"), leaf=bindparam("_leaf"))
)


def _signed_by(note: bytes | None, signers: list[Ed25519Signer]) -> bool:
    if note is None:
        return False
    have = {(s.name, s.key_id) for s in parse_note(note)[1]}
    return all((k.name, k.key_id) in have for k in signers)


def witness_policy(settings: Settings) -> WitnessPolicy:
    """The node's witnesses and quorum, from ``ledger_witnesses`` and ``ledger_quorum``."""
    endpoints = [WitnessEndpoint.parse(w.url, w.vkey) for w in settings.ledger_witnesses]
    return WitnessPolicy(endpoints, settings.ledger_quorum)


def append_pending(
    session_factory: sessionmaker[Session],
    home: Path,
    post_code: str | None = None,
    policy: WitnessPolicy | None = None,
) -> int:
    """Append every pending leaf (of one post, or all) to its log and sign; count appended.

    With a witness ``policy`` (quorum above 0) the new checkpoint is published only once
    enough witnesses cosigned it; until then the previously published one stays served, and
    each later run asks again. Safe to run again at any time, and after a crash at any
    point: an entry is never appended twice and never lost.
    """
    with session_factory() as session:
        query = select(Post.id, Post.code)
        if post_code is not None:
            query = query.where(Post.code == post_code)
        else:
            query = query.where(Post.id.in_(select(_LEAVES.c.post_id).distinct().scalar_subquery()))
        posts = session.execute(query.order_by(Post.code)).all()
    if post_code is not None and not posts:
        raise LedgerError(f"no post with code {post_code!r}")
    total = 0
    for post_id, code in posts:
        if post_code is None and not code_names_a_log(code):
            # Made before codes were checked: its leaves wait (a rename lets them through); the
            # other posts' logs go on, and the log says it once per process, not every round.
            if code not in _UNLOGGABLE:
                _UNLOGGABLE.add(code)
                log.error("post code %r cannot name a log: its leaves wait until renamed", code)
            continue
        total += _append_post(session_factory, home, post_id, code, policy or WitnessPolicy())
    return total


def _append_post(
    session_factory: sessionmaker[Session],
    home: Path,
    post_id: uuid.UUID,
    code: str,
    policy: WitnessPolicy,
) -> int:
    held = open_log(home, code)
    assert held is not None
    appended = 0
    with held.lock:
        tlog = held.log
        signer = ensure_log_key(home, code)
        while True:
            n = _append_batch(session_factory, tlog, post_id, code)
            appended += n
            if n < BATCH:
                break
        last = tlog.last_checkpoint
        signers = [signer, *filter(None, [previous_log_key(home, code)])]
        # After a rotation the tree head is signed again, by the new and the old key.
        if (
            last is None
            or last.size != tlog.size
            or not _signed_by(tlog.latest_checkpoint_note(), signers)
        ):
            tlog.sign_checkpoint(*signers, publish=not policy.enabled)
        if policy.enabled:
            publish_with_quorum(tlog, policy)
    if appended:
        log.info("ledger %s: %d entries appended, size %d", code, appended, tlog.size)
    return appended


def _append_batch(
    session_factory: sessionmaker[Session], tlog: TileLog, post_id: uuid.UUID, code: str
) -> int:
    """One transaction: link orphans left by a crash, append the rest, record the indexes."""
    with session_factory() as session, session.begin():
        conn = session.connection()
        # The elected appender is the one writer; should a second ever run (a process that
        # lost its lock and has not noticed yet), it waits here, then finds the log ahead.
        hold_for_transaction(conn, f"ledger-append:{post_id}")
        indexed = conn.execute(
            select(func.count())
            .select_from(_LEAVES)
            .where(_LEAVES.c.post_id == post_id, _LEAVES.c.log_index.is_not(None))
        ).scalar_one()
        size = tlog.size
        if size < indexed:
            raise StoreCorruptError(
                f"ledger {code}: the database has {indexed} entries in the log but the log "
                f"holds {size}; restore the log directory from a backup"
            )
        pending = conn.execute(
            select(_LEAVES.c.id, _LEAVES.c.leaf, _LEAVES.c.corrects_id)
            .where(_LEAVES.c.post_id == post_id, _LEAVES.c.log_index.is_(None))
            .order_by(_LEAVES.c.id)
            .limit(BATCH)
        ).all()
        corrected = {row.corrects_id for row in pending if row.corrects_id is not None}
        index_of: dict[uuid.UUID, int] = {}
        if corrected:
            index_of = {
                row.id: row.log_index
                for row in conn.execute(
                    select(_LEAVES.c.id, _LEAVES.c.log_index).where(
                        _LEAVES.c.id.in_(corrected), _LEAVES.c.log_index.is_not(None)
                    )
                )
            }

        # A crash after a durable append and before the commit: link, never append twice.
        orphans = {tlog.entry(i): i for i in range(indexed, size)}
        updates: list[dict[str, Any]] = []
        fresh: list[tuple[uuid.UUID, bytes]] = []
        for row in pending:
            leaf = bytes(row.leaf)
            if row.corrects_id is not None:
                target = index_of.get(row.corrects_id)
                if target is None:
                    continue  # the corrected leaf is not in the log yet: a later round
                leaf = leaves.with_corrects(leaf, target)
            if leaf in orphans:
                index_of[row.id] = orphans.pop(leaf)
                updates.append({"_id": row.id, "_index": index_of[row.id], "_leaf": leaf})
            else:
                index_of[row.id] = size + len(fresh)
                fresh.append((row.id, leaf))
        if orphans:
            raise StoreCorruptError(
                f"ledger {code}: {len(orphans)} entries of the log from {min(orphans.values())} "
                "match no pending record in the database; was the database restored?"
            )
        if fresh:
            start = tlog.append([leaf for _, leaf in fresh])  # durable when it returns
            if start != size:
                raise StoreCorruptError(f"ledger {code}: appended at {start}, expected {size}")
            updates += [
                {"_id": row_id, "_index": start + k, "_leaf": leaf}
                for k, (row_id, leaf) in enumerate(fresh)
            ]
        if updates:
            conn.execute(_SET_INDEX, updates)
        return len(updates)


# -- the appender thread of the server ------------------------------------------------------


class Appender:
    """Runs ``append_pending`` every ``interval`` seconds in a daemon thread, and on stop."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        home: Path,
        interval: float,
        policy: WitnessPolicy | None = None,
        daily_bulletin: bool = False,
    ) -> None:
        self.session_factory = session_factory
        self.home = home
        self.policy = policy or WitnessPolicy()
        self.daily_bulletin = daily_bulletin
        self.interval = max(0.1, interval)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        try:
            appended = append_pending(self.session_factory, self.home, policy=self.policy)
        except Exception:  # the next round retries; the outbox keeps every entry
            log.exception("ledger append failed")
            return 0
        if self.daily_bulletin:
            from borderpost.ledger.bulletins.services import issue_due_bulletins

            try:
                issue_due_bulletins(self.session_factory, self.home)
            except Exception:  # the next round retries
                log.exception("ledger bulletins failed")
        return appended

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.run_once()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="ledger-appender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread, then append what is still pending."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.run_once()
