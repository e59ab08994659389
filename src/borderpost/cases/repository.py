"""Queries of cases: the work lists, the records a case may link, the public facts the figures
count, and what retention and subject access ask (re-exported by ``cases.services``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.cases.figures import CaseFacts
from borderpost.cases.model import OPEN_STATUSES, Case, CaseRecord, RecordType
from borderpost.crossings.model import Crossing
from borderpost.inspections.model import Inspection, Seizure
from borderpost.people.model import TravelDocument
from borderpost.posts.model import Closure, Post
from borderpost.screening.model import ScreeningHit


def record_post(session: Session, record_type: RecordType, record_id: uuid.UUID) -> Post | None:
    query = {
        RecordType.CROSSING: select(Post)
        .join(Crossing, Crossing.post_id == Post.id)
        .where(Crossing.id == record_id),
        RecordType.HIT: select(Post)
        .join(ScreeningHit, ScreeningHit.post_id == Post.id)
        .where(ScreeningHit.id == record_id),
        RecordType.SEIZURE: select(Post)
        .join(Inspection, Inspection.post_id == Post.id)
        .join(Seizure, Seizure.inspection_id == Inspection.id)
        .where(Seizure.id == record_id),
        RecordType.CLOSURE: select(Post)
        .join(Closure, Closure.post_id == Post.id)
        .where(Closure.id == record_id),
    }[record_type]
    return session.scalar(query)


# -- the work lists ---------------------------------------------------------------------------


def _in_posts(posts: frozenset[str] | None) -> Any:
    if posts is None:
        return True
    return Case.post_id.in_(select(Post.id).where(Post.code.in_(sorted(posts))))


def work_list(session: Session, user: str, posts: frozenset[str] | None) -> list[Case]:
    """Open cases assigned to ``user``, or to nobody yet, at ``posts`` (None: every post);
    the nearest deadline first."""
    query = (
        select(Case)
        .where(
            Case.status.in_([s.value for s in OPEN_STATUSES]),
            or_(Case.assigned_to == user, Case.assigned_to.is_(None)),
            _in_posts(posts),
        )
        .order_by(Case.due_at, Case.id)
        .limit(500)
    )
    return list(session.scalars(query))


def overdue_cases(session: Session, posts: frozenset[str] | None) -> list[Case]:
    """Open cases past their deadline at ``posts``, the longest overdue first."""
    query = (
        select(Case)
        .where(
            Case.status.in_([s.value for s in OPEN_STATUSES]),
            Case.due_at < clock.now(),
            _in_posts(posts),
        )
        .order_by(Case.due_at, Case.id)
        .limit(500)
    )
    return list(session.scalars(query))


# -- the public figures ------------------------------------------------------------------------


def case_facts(
    session: Session, posts: Sequence[Post], first: dt.date, last: dt.date
) -> list[CaseFacts]:
    """The public facts, as their ledger leaves state them, of the cases at ``posts`` that can
    count in ``first``..``last`` (local days): received by its end and not decided before its
    start. What the access report counts (``cases.figures``)."""
    by_id = {p.id: p for p in posts}
    if not by_id:
        return []
    bounds = [p.local_day_bounds(first, last) for p in posts]
    # A day's margin either side covers every post's time zone; figures read local days.
    earliest = min(b[0] for b in bounds) - dt.timedelta(days=1)
    newest = max(b[1] for b in bounds) + dt.timedelta(days=1)
    rows = session.execute(
        select(
            Case.post_id, Case.kind, Case.received_at, Case.due_at, Case.decided_at, Case.outcome
        ).where(
            Case.post_id.in_(list(by_id)),
            Case.received_at < newest,
            or_(Case.decided_at.is_(None), Case.decided_at >= earliest),
        )
    )
    zones = {p.id: (p.code, ZoneInfo(p.timezone)) for p in posts}
    facts = []
    for post_id, kind, received, due, decided, outcome in rows:
        code, zone = zones[post_id]
        facts.append(
            CaseFacts(
                post=code,
                kind=kind,
                received=received.astimezone(zone).date(),
                due=due.astimezone(zone).date(),
                decided=decided.astimezone(zone).date() if decided is not None else None,
                outcome=outcome if decided is not None else None,
            )
        )
    return facts


# -- for retention and subject access ---------------------------------------------------------


def records_held_by_open_cases(session: Session) -> set[tuple[str, uuid.UUID]]:
    """(record type, record id) of every record an open case concerns: a legal hold.

    Record types are ``RecordType`` values: crossing, hit, seizure, closure."""
    rows = session.execute(
        select(CaseRecord.record_type, CaseRecord.record_id)
        .join(Case, Case.id == CaseRecord.case_id)
        .where(Case.status.in_([s.value for s in OPEN_STATUSES]))
        .distinct()
    )
    return {(kind, record_id) for kind, record_id in rows}


def cases_of_person(session: Session, document_number: str, issuer: str) -> list[Case]:
    """Every case brought with this travel document, or concerning a crossing made with it,
    oldest first (with their records, notes and attachments)."""
    number, country = document_number.strip().upper(), issuer.strip().upper()
    crossings = (
        select(Crossing.id)
        .join(TravelDocument, TravelDocument.id == Crossing.document_id)
        .where(TravelDocument.number == number, TravelDocument.issuer == country)
    )
    linked = select(CaseRecord.case_id).where(
        CaseRecord.record_type == RecordType.CROSSING.value, CaseRecord.record_id.in_(crossings)
    )
    query = (
        select(Case)
        .where(
            or_(
                (Case.document_number == number) & (Case.issuer == country),
                Case.id.in_(linked),
            )
        )
        .order_by(Case.received_at, Case.id)
    )
    return list(session.scalars(query))
