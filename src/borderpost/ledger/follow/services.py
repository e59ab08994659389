"""Following the posts' logs at headquarters: one round reads each post's served log, checks
it and compares it with the replica; ``Follower`` runs rounds in the background.

A round, for each followed post: read its checkpoint and check the post's signature; a
checkpoint of the size held with another root, one smaller than held, or one the held
checkpoint is not consistent with (a consistency proof computed from the served tiles, as
any tlog-tiles client does) is a **split view**; tiles or leaves that are not served as the
signed tree says are a **missing leaf**. Neither moves what is held: the last consistent
checkpoint stays, with the disagreeing one kept as evidence. Then the leaves held are recounted
(``leaves.counts_from_leaves``, the arithmetic of the summary report) and compared with the
crossings headquarters ingested from that post; a difference that lasts longer than the grace
allowed for shipping lag is a **count that differs**.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.config import FollowedLogSetting
from borderpost.crossings.model import Crossing
from borderpost.db import SessionFactory
from borderpost.ledger.client.verify import (
    Fetch,
    check_tiles,
    fetch_tiles,
    http_fetch,
    open_checkpoint,
)
from borderpost.ledger.follow.model import (
    DETAIL_LENGTH,
    AlertKind,
    FollowAlert,
    FollowedLeaf,
    FollowedLog,
    FollowState,
)
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.leaves import CROSSING, LeafError, counts_from_leaves, parse_leaf
from borderpost.ledger.rotation import follow as follow_rotations
from borderpost.ledger.services import origin_for
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.tiles import TILE_WIDTH, bundles_for_size, decode_bundle, split_hashes
from borderpost.posts.model import Post
from borderpost.reports.summary import Shape
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger("borderpost.ledger.follow")
ACTOR = "system:ledger-follower"
_ALL_DAYS = (dt.date.min, dt.date.max)
# The facts of a leaf stored beside it for the recount (FollowedLeaf's columns).
_FACTS = ("kind", "category", "direction", "decision", "organisation_type", "corrects")


@dataclass
class RoundResult:
    """What one round found for one post."""

    post: str
    state: str
    size: int
    alerts: list[str] = field(default_factory=list)
    problem: str | None = None


class _Found(Exception):
    """An alert: what kind, the detail, and the signed notes that disagree."""

    def __init__(
        self, kind: AlertKind, detail: str, evidence: str | None = None, size: int | None = None
    ) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.evidence, self.size = kind, detail, evidence, size


def _log_url(setting: FollowedLogSetting) -> str:
    return f"{setting.url.rstrip('/')}/ledger/{setting.post}/"


def follow_once(
    session_factory: SessionFactory,
    logs: Sequence[FollowedLogSetting],
    grace: dt.timedelta,
    fetcher: Callable[[str], Fetch] = http_fetch,
) -> list[RoundResult]:
    """One round over every followed log; each post's outcome is stored and returned."""
    return [follow_log(session_factory, s, fetcher(_log_url(s)), grace) for s in logs]


def follow_log(
    session_factory: SessionFactory,
    setting: FollowedLogSetting,
    fetch: Fetch,
    grace: dt.timedelta,
) -> RoundResult:
    """Read, check and recount one post's log; store the outcome and any alert."""
    now = clock.now()
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        session = uow.session
        held = session.get(FollowedLog, setting.post)
        if held is None:
            held = FollowedLog(post=setting.post, url=_log_url(setting), size=0, state="ok")
            session.add(held)
        held.url, held.checked_at = _log_url(setting), now
        result = RoundResult(setting.post, FollowState.OK, held.size)
        try:
            _advance(session, held, setting, fetch)
        except _Found as found:
            result.alerts.append(_alert(session, held, found, now))
        except Exception as exc:  # the link, the post, its address: tried again next round
            result.state = FollowState.UNREACHABLE
            result.problem = _cut(f"{type(exc).__name__}: {exc}")
        if result.state == FollowState.OK and not result.alerts:
            # Only a log read in full this round is recounted: held back by an alert or the
            # link, its leaves would lag the replica and show a difference that is not one.
            try:
                _recount(session, held, grace, now)
            except _Found as found:
                result.alerts.append(_alert(session, held, found, now))
        if result.alerts:
            result.state = FollowState.ALERT
            result.problem = "; ".join(result.alerts)
        held.state, held.problem, result.size = result.state, result.problem, held.size
        uow.commit()
    if result.alerts:
        log.error("ledger of %s: %s", setting.post, result.problem)
    return result


def _cut(text: str) -> str:
    return text if len(text) <= DETAIL_LENGTH else text[: DETAIL_LENGTH - 1] + "…"


def _alert(session: Session, held: FollowedLog, found: _Found, now: dt.datetime) -> str:
    """Store the alert unless the last one of its kind for this post says the same."""
    detail = _cut(found.detail)
    last = session.execute(
        select(FollowAlert.detail)
        .where(FollowAlert.post == held.post, FollowAlert.kind == found.kind)
        .order_by(FollowAlert.raised_at.desc())
        .limit(1)
    ).scalar()
    if last != detail:
        session.add(
            FollowAlert(
                post=held.post,
                kind=found.kind,
                detail=detail,
                size=held.size if found.size is None else found.size,
                evidence=found.evidence,
                raised_at=now,
            )
        )
    return f"{found.kind}: {detail}"


def _advance(
    session: Session, held: FollowedLog, setting: FollowedLogSetting, fetch: Fetch
) -> None:
    """Check the served checkpoint against the held one; take in the new leaves."""
    note = fetch("checkpoint")
    if note is None:
        raise LedgerError("the log serves no checkpoint")
    origin = origin_for(setting.post)
    try:
        verifiers = load_verifiers(follow_rotations(fetch, origin, [setting.vkey]))
        checkpoint = open_checkpoint(note, origin, verifiers)
    except LedgerError as exc:
        shown = note.decode("utf-8", "replace")
        raise _Found(AlertKind.BAD_CHECKPOINT, f"{exc}", shown) from exc
    evidence = f"{held.note or ''}\n{note.decode('utf-8', 'replace')}"
    size, old = checkpoint.size, held.size
    if held.root is not None:
        if size == old and checkpoint.root != held.root:
            raise _Found(AlertKind.SPLIT_VIEW, f"two checkpoints of size {size}", evidence)
        if size < old:
            detail = f"the log shrank from {old} to {size}"
            raise _Found(AlertKind.SPLIT_VIEW, detail, evidence, size)
    if size == old and held.root is not None:
        return
    try:
        tiles = fetch_tiles(fetch, size)
        reader = check_tiles(tiles, size, checkpoint.root)
    except LedgerError as exc:
        raise _Found(AlertKind.MISSING_LEAF, f"at size {size}: {exc}", None, size) from exc
    if held.root is not None:
        try:
            proof = merkle.consistency_proof(old, size, reader.node)
            merkle.verify_consistency(old, size, held.root, checkpoint.root, proof)
        except LedgerError as exc:
            detail = f"checkpoint {size} is not consistent with {old}: {exc}"
            raise _Found(AlertKind.SPLIT_VIEW, detail, evidence, size) from exc
    rows = [
        {
            "post": held.post,
            "log_index": index,
            "leaf": leaf,
            "record_type": str(fields["type"]),
            **{name: fields.get(name) for name in _FACTS},
        }
        for index, (leaf, fields) in enumerate(_new_leaves(fetch, tiles, old, size), start=old)
    ]
    if rows:  # one executemany: a catch-up of a large log is many thousand rows
        session.execute(insert(FollowedLeaf), rows)
    held.size, held.root, held.note = size, checkpoint.root, note.decode("utf-8")


def _new_leaves(
    fetch: Fetch, tiles: dict[tuple[int, int], bytes], old: int, size: int
) -> list[tuple[bytes, dict[str, Any]]]:
    """The leaves ``old``..``size``, each checked against its level-0 tile hash, parsed."""
    out: list[tuple[bytes, dict[str, Any]]] = []
    for bundle in bundles_for_size(size):
        if (bundle.index + 1) * TILE_WIDTH <= old:
            continue
        data = fetch(bundle.path())
        if data is None:
            detail = f"the log does not serve {bundle.path()}"
            raise _Found(AlertKind.MISSING_LEAF, detail, None, size)
        try:
            entries = decode_bundle(data, bundle.width)
        except LedgerError as exc:
            raise _Found(AlertKind.MISSING_LEAF, f"{bundle.path()}: {exc}", None, size) from exc
        hashes = split_hashes(tiles[(0, bundle.index)])
        for i, entry in enumerate(entries):
            index = bundle.index * TILE_WIDTH + i
            if index < old:
                continue
            if merkle.leaf_hash(entry) != hashes[i]:
                detail = f"entry {index} is not the leaf signed"
                raise _Found(AlertKind.MISSING_LEAF, detail, None, size)
            try:
                out.append((entry, parse_leaf(entry)))
            except LeafError as exc:
                detail = f"entry {index} is not a leaf: {exc}"
                raise _Found(AlertKind.MISSING_LEAF, detail, None, size) from exc
    return out


def recount(session: Session, post: str) -> Counter[Shape]:
    """The crossings of ``post`` counted from the leaves held, as ``counts_from_leaves``
    counts them over all days: crossing leaves that no other leaf ``corrects``. Counted by
    the database from the facts stored with each leaf (parsing every leaf again each round
    costs seconds per hundred thousand)."""
    leaf = FollowedLeaf
    replaced = select(leaf.corrects).where(leaf.post == post, leaf.corrects.is_not(None))
    shape = (leaf.kind, leaf.category, leaf.direction, leaf.decision, leaf.organisation_type)
    rows = session.execute(
        select(*shape, func.count())
        .where(
            leaf.post == post,
            leaf.record_type == CROSSING,
            leaf.log_index.not_in(replaced.scalar_subquery()),
        )
        .group_by(*shape)
    )
    return _counter(rows)


def recount_from_leaves(session: Session, post: str) -> Counter[Shape]:
    """The same count from the leaf bytes themselves, with ``counts_from_leaves``."""
    leaves = session.execute(
        select(FollowedLeaf.leaf).where(FollowedLeaf.post == post).order_by(FollowedLeaf.log_index)
    ).scalars()
    return counts_from_leaves([bytes(leaf) for leaf in leaves], *_ALL_DAYS)


def _counter(rows: Any) -> Counter[Shape]:
    counts: Counter[Shape] = Counter()
    for kind, category, direction, decision, org_type, n in rows:
        counts[(kind, category, direction, decision, org_type)] += int(n)
    return counts


def replica_counts(session: Session, post: str) -> Counter[Shape]:
    """The crossings of ``post`` that headquarters holds, counted the same way."""
    shape = (
        Crossing.kind,
        Crossing.category,
        Crossing.direction,
        Crossing.decision,
        Crossing.organisation_type,
    )
    rows = session.execute(
        select(*shape, func.count())
        .join(Post, Post.id == Crossing.post_id)
        .where(Post.code == post)
        .group_by(*shape)
    )
    return _counter(rows)


def _recount(session: Session, held: FollowedLog, grace: dt.timedelta, now: dt.datetime) -> None:
    session.flush()
    leaves, replica = recount(session, held.post), replica_counts(session, held.post)
    if leaves == replica:
        held.differs_since, held.counted_equal_at = None, now
        return
    since = held.differs_since or now
    held.differs_since = since
    if now - since < grace:
        return  # crossings shipped but not yet in a checkpoint, or the reverse: shipping lag
    shapes = sorted(set(leaves) | set(replica), key=str)
    parts = [
        f"{'/'.join(str(v) for v in s)}: log {leaves[s]}, replica {replica[s]}"
        for s in shapes
        if leaves[s] != replica[s]
    ]
    total = f"log {sum(leaves.values())}, replica {sum(replica.values())}"
    raise _Found(AlertKind.COUNT_DIFFERS, f"{total}; " + "; ".join(parts[:10]))


class Follower:
    """Runs ``follow_once`` every ``interval`` seconds in a daemon thread."""

    def __init__(
        self,
        session_factory: SessionFactory,
        logs: Sequence[FollowedLogSetting],
        interval: float,
        grace: dt.timedelta,
    ) -> None:
        self.session_factory, self.logs = session_factory, list(logs)
        self.interval, self.grace = max(0.1, interval), grace
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ledger-follower", daemon=True)

    def _loop(self) -> None:
        # One HTTP client per post for the life of the thread: its connections are reused.
        fetches = {s.post: http_fetch(_log_url(s)) for s in self.logs}
        while not self._stop.is_set():
            for setting in self.logs:
                try:
                    follow_log(self.session_factory, setting, fetches[setting.post], self.grace)
                except Exception:  # the database: the next round tries again
                    log.exception("ledger follow round of %s failed", setting.post)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
