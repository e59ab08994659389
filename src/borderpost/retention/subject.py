"""Subject access: everything held about a person, found by their travel document.

The person is every traveller recorded with a document of that number and issuer (a post
records a traveller per document and holder, so one person may be several rows), and the
export holds their travellers and documents as recorded, their crossings with the decisions
and reasons, their hits with the resolutions, and the sections other features add with
``register_section`` (a person's cases). A supervisor sees the posts in their scope only.
Every export is audited, naming the travellers' ids and how much was given, never the data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.audit import hook as audit
from borderpost.crossings.model import Crossing
from borderpost.errors import NotFound
from borderpost.ids import new_id
from borderpost.inspections.model import Inspection
from borderpost.people.model import TravelDocument, Traveller
from borderpost.posts.model import Post
from borderpost.screening.model import ScreeningHit, Watchlist
from borderpost.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Person:
    """Who an export is about: the rows that name them, at the posts in scope."""

    number: str
    issuer: str
    traveller_ids: frozenset[uuid.UUID]
    document_ids: frozenset[uuid.UUID]
    crossing_ids: frozenset[uuid.UUID]
    post_ids: frozenset[uuid.UUID] | None  # None: every post


Section = Callable[[Session, Person], list[dict[str, Any]]]
_SECTIONS: dict[str, Section] = {}


def register_section(name: str, section: Section) -> None:
    """Add a feature's part of every export (its records about the person), under ``name``."""
    _SECTIONS[name] = section


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def find(
    session: Session, number: str, issuer: str, post_ids: Iterable[uuid.UUID] | None
) -> Person:
    scope = frozenset(post_ids) if post_ids is not None else None
    query = select(TravelDocument.id, TravelDocument.traveller_id).where(
        TravelDocument.issuer == issuer, TravelDocument.number == number
    )
    if scope is not None:
        query = query.where(TravelDocument.post_id.in_(scope))
    rows = session.execute(query).all()
    if not rows:
        raise NotFound("document", "no traveller with this document is recorded")
    documents = frozenset(r.id for r in rows)
    travellers = frozenset(r.traveller_id for r in rows)
    crossings = frozenset(
        session.scalars(
            select(Crossing.id).where(
                or_(Crossing.document_id.in_(documents), Crossing.traveller_id.in_(travellers))
            )
        )
    )
    return Person(number, issuer, travellers, documents, crossings, scope)


def _crossings(session: Session, person: Person) -> list[dict[str, Any]]:
    codes = dict(session.execute(select(Post.id, Post.code)).tuples().all())
    rows = session.scalars(
        select(Crossing).where(Crossing.id.in_(person.crossing_ids)).order_by(Crossing.time)
    )
    inspected = dict(
        session.execute(
            select(Inspection.crossing_id, Inspection.outcome).where(
                Inspection.crossing_id.in_(person.crossing_ids)
            )
        )
        .tuples()
        .all()
    )
    return [
        {
            "id": str(c.id),
            "post": codes.get(c.post_id),
            "time": _iso(c.time),
            "direction": c.direction,
            "kind": c.kind,
            "category": c.category,
            "decision": c.decision,
            "reasons": list(c.reasons),
            "flags": list(c.flags),
            "inspection_outcome": inspected.get(c.id),
        }
        for c in rows
    ]


def _hits(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ScreeningHit, Watchlist.name)
        .join(Watchlist, Watchlist.id == ScreeningHit.watchlist_id)
        .where(ScreeningHit.crossing_id.in_(person.crossing_ids))
        .order_by(ScreeningHit.created_at)
    ).all()
    return [
        {
            "crossing": str(hit.crossing_id),
            "list": name,
            "subject": hit.subject,
            "score": hit.score,
            "matched": hit.matched,
            "state": hit.state,
            "resolution_reason": hit.resolution_reason,
            "resolved_at": _iso(hit.resolved_at),
            "at": _iso(hit.created_at),
        }
        for hit, name in rows
    ]


def export(
    uow: UnitOfWork, number: str, issuer: str, post_ids: Iterable[uuid.UUID] | None
) -> dict[str, Any]:
    """Everything held about the holder of this document (at the posts in scope); audited."""
    session = uow.session
    person = find(session, number, issuer, post_ids)
    if person.post_ids is not None:
        person = Person(
            person.number,
            person.issuer,
            person.traveller_ids,
            person.document_ids,
            frozenset(
                session.scalars(
                    select(Crossing.id).where(
                        Crossing.id.in_(person.crossing_ids),
                        Crossing.post_id.in_(person.post_ids),
                    )
                )
            ),
            person.post_ids,
        )
    travellers = session.scalars(
        select(Traveller).where(Traveller.id.in_(person.traveller_ids))
    ).all()
    documents = session.scalars(
        select(TravelDocument).where(TravelDocument.id.in_(person.document_ids))
    ).all()
    result: dict[str, Any] = {
        "document": {"number": number, "issuer": issuer},
        "exported_at": _iso(clock.now()),
        "travellers": [
            {
                "id": str(t.id),
                "surname": t.surname,
                "given_names": t.given_names,
                "birth_date": _iso(t.birth_date),
                "nationality": t.nationality,
                "recorded_at": _iso(t.created_at),
            }
            for t in travellers
        ],
        "documents": [
            {
                "id": str(d.id),
                "type": d.type,
                "number": d.number,
                "issuer": d.issuer,
                "expiry": _iso(d.expiry),
            }
            for d in documents
        ],
        "crossings": _crossings(session, person),
        "hits": _hits(session, person),
    }
    for name, section in _SECTIONS.items():
        result[name] = section(session, person)
    # Which travellers and how much was given; the data themselves stay out of the trail.
    audit.record(
        session,
        "export",
        "subject_access",
        new_id(),
        None,
        {
            "travellers": sorted(str(t) for t in person.traveller_ids),
            "crossings": len(result["crossings"]),
            "hits": len(result["hits"]),
            "sections": sorted(_SECTIONS),
        },
    )
    return result
