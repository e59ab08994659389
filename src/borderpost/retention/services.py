"""The erasure run: every expired record not held loses its personal data, batch by batch.

Called by ``borderpost retention run`` and by the server once a day (``job.py``). Each batch
is one short transaction (the booth keeps recording meanwhile), queues one ``records.erased``
event per post for headquarters and is followed by the removal of evidence files nothing
keeps. Each kind's run leaves one audit entry: the kind, the schedule, how many; never whose.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock, outbox
from borderpost.audit import hook as audit
from borderpost.crossings.model import Crossing
from borderpost.retention import erasure, holds
from borderpost.retention.schedules import RecordKind, Schedule
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

ACTOR = "system:retention"
MAX_BATCH = 5000  # ids per records.erased event: about 190 KB, far below NATS's 1 MB
Progress = Callable[[str, int, int], None]  # kind, done, due

_CROSSINGS = cast(Table, Crossing.__table__)


@dataclass(frozen=True)
class Erasable:
    """What a feature's eraser is given: the kind's cutoff, the records held, and whether
    it may write."""

    cutoff: dt.datetime
    held: holds.Held
    dry_run: bool


# A feature's own kind (a case): ``(session factory, Erasable) -> (due, erased)``. It erases
# in its own transactions, audits nothing (the run does) and queues its own events.
Eraser = Callable[[sessionmaker[Session], Erasable], tuple[int, int]]
_ERASERS: dict[RecordKind, Eraser] = {}


def register_eraser(kind: RecordKind, eraser: Eraser) -> None:
    """Let a feature erase its own kind of record at each run, under that kind's schedule."""
    _ERASERS[kind] = eraser


@dataclass
class KindRun:
    """One kind's part of a run."""

    kind: RecordKind
    days: int
    cutoff: dt.datetime
    due: int = 0  # expired and not held
    held: int = 0  # expired but held
    erased: erasure.Counts = field(default_factory=erasure.Counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            "due": self.due,
            "held": self.held,
            "erased": self.erased.as_dict(),
        }


@dataclass
class Run:
    dry_run: bool
    kinds: list[KindRun] = field(default_factory=list)
    outbox_events: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "kinds": [k.as_dict() for k in self.kinds],
            "outbox_events": self.outbox_events,
        }


def _expired(kind: RecordKind, cutoff: dt.datetime) -> list[ColumnElement[bool]]:
    refused = _CROSSINGS.c.decision == Decision.REFUSED.value
    return [
        _CROSSINGS.c.erased_at.is_(None),
        _CROSSINGS.c.time < cutoff,
        refused if kind is RecordKind.REFUSED_CROSSING else ~refused,
    ]


def _secure(session: Session) -> None:
    """On SQLite: the batch's transaction writes from its first statement, so it waits its
    turn behind the booth (busy timeout) instead of failing when it would turn a read into a
    write after another commit; and freed space is overwritten with zeros, so an erased name
    leaves no bytes in the file's free pages (PostgreSQL's dead rows go with its vacuum)."""
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection()
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
        conn.exec_driver_sql("UPDATE crossings SET erased_at = erased_at WHERE 0")


def _checkpoint(factory: sessionmaker[Session]) -> None:
    """On SQLite, the write-ahead log's old frames (which held the erased pages) are written
    back and the file truncated."""
    with factory() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _count_held(session: Session, where: list[ColumnElement[bool]], held: set[uuid.UUID]) -> int:
    ids = list(held)
    found = 0
    for start in range(0, len(ids), MAX_BATCH):
        chunk = ids[start : start + MAX_BATCH]
        found += (
            session.scalar(
                select(func.count())
                .select_from(_CROSSINGS)
                .where(*where, _CROSSINGS.c.id.in_(chunk))
            )
            or 0
        )
    return found


def run(
    factory: sessionmaker[Session],
    schedule: Schedule,
    *,
    home: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = 2000,
    cancelled: Callable[[], bool] = lambda: False,
) -> Run:
    """Erase what expired under ``schedule`` (or only count it, with ``dry_run``);
    ``cancelled`` is asked between batches (a server stopping)."""
    batch_size = max(1, min(batch_size, MAX_BATCH))
    now = clock.now()
    report = Run(dry_run=dry_run)
    with factory() as session:
        everything_held = holds.held(session)
    held = everything_held.get(holds.CROSSING, set())
    for kind in (RecordKind.CROSSING, RecordKind.REFUSED_CROSSING):
        part = KindRun(kind, schedule.days[kind], schedule.cutoff(kind, now))
        where = _expired(kind, part.cutoff)
        with factory() as session:
            total = session.scalar(select(func.count()).select_from(_CROSSINGS).where(*where))
            part.held = _count_held(session, where, held)
        part.due = (total or 0) - part.held
        report.kinds.append(part)
        if dry_run or part.due == 0:
            continue
        _erase_kind(factory, part, where, held, home, batch_size, progress, cancelled)
    for kind, eraser in _ERASERS.items():
        if cancelled():
            break
        part = KindRun(kind, schedule.days[kind], schedule.cutoff(kind, now))
        part.due, part.erased.records = eraser(
            factory, Erasable(part.cutoff, everything_held, dry_run)
        )
        report.kinds.append(part)
        if not dry_run:
            _audit_run(factory, part, home)
    if not dry_run and not cancelled():
        report.outbox_events = _redact_outbox(factory, batch_size)
    if not dry_run:
        _checkpoint(factory)
    return report


def _erase_kind(
    factory: sessionmaker[Session],
    part: KindRun,
    where: list[ColumnElement[bool]],
    held: set[uuid.UUID],
    home: Path | None,
    batch_size: int,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> None:
    done = 0
    while not cancelled():
        with UnitOfWork(factory, actor=ACTOR, home=home) as uow:
            _secure(uow.session)
            batch = erasure.erase_expired(uow.session, where, held, batch_size)
            if not batch.counts.crossings:
                uow.rollback()
                break
            for post_id, ids in batch.by_post.items():
                outbox.queue(
                    uow.session,
                    outbox.Topic.RECORDS_ERASED,
                    {"kind": part.kind.value, "crossings": ids},
                    post_id=uuid.UUID(post_id),
                )
            uow.session.flush()
            uow.commit()
            erasure.remove_files(uow.session, home, batch.counts.files)
        part.erased.add(batch.counts)
        done += batch.counts.crossings
        if progress is not None:
            progress(part.kind.value, done, part.due)
    _audit_run(factory, part, home)


def _audit_run(factory: sessionmaker[Session], part: KindRun, home: Path | None) -> None:
    with UnitOfWork(factory, actor=ACTOR, home=home) as uow:
        # Which kind, under which schedule, how many: never whose.
        audit.record(uow.session, "erase", "retention", part.kind.value, None, part.as_dict())
        uow.commit()


def _redact_outbox(factory: sessionmaker[Session], batch_size: int) -> int:
    """Rewrite the events of erased crossings still holding personal fields, and those of the
    records shipped with them (consignments, inspections, hits, audit entries...)."""
    after: uuid.UUID | None = None
    total = 0
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            # The planner must know how many crossings are erased now, or it walks the
            # outbox once per erased crossing.
            session.execute(text("ANALYZE crossings"))
            session.commit()
    while True:
        with UnitOfWork(factory, actor=ACTOR) as uow:
            _secure(uow.session)
            rows, after = erasure.outbox_to_redact(uow.session, after, batch_size * 5)
            if after is None:
                break
            total += erasure.redact_outbox(uow.session, rows)
            uow.commit()
    after = None
    while True:  # the records shipped around the crossings, and the audit entries
        with UnitOfWork(factory, actor=ACTOR) as uow:
            _secure(uow.session)
            found, after = erasure.shipped_to_redact(uow.session, after, batch_size * 5)
            if after is None:
                break
            total += erasure.redact_shipped(uow.session, found)
            uow.commit()
    return total
