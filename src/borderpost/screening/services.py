"""Screening use cases: a crossing against the active lists, resolving hits, searching lists.

A hit at or above ``THRESHOLD`` refers the crossing (an admitted one becomes referred; a
refused one stays refused) with a reason that names the list, never the person. A hit on the
same list entry that a supervisor already resolved as a false match for the same document,
traveller or vehicle is still recorded and shown, carrying that resolution, and does not
refer the crossing again: the officer sees who decided, when and why.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert, or_, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.audit import hook as audit
from borderpost.crossings.schemas import CrossingCreate
from borderpost.db import insert_at_commit
from borderpost.ids import new_id
from borderpost.screening import screener as screeners
from borderpost.screening import shipping
from borderpost.screening.matcher.scoring import THRESHOLD
from borderpost.screening.model import EntryKind, HitOrigin, HitState, ScreeningHit
from borderpost.screening.review import HitView
from borderpost.screening.screener import Found
from borderpost.vocab import Decision

FLAG_WATCHLIST_HIT = "watchlist_hit"
REASON_PREFIX = "watchlist hit: "
_HITS = cast(Table, ScreeningHit.__table__)
INSERT_HIT = insert(_HITS)


@dataclass(frozen=True)
class Prior:
    """An earlier false-match resolution of the same list entry for the same subject."""

    hit_id: uuid.UUID
    by: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class NewHit:
    """A match found for a crossing, with the remembered resolution it carries, before it is
    written: whether it refers the crossing is decided here."""

    found: Found
    prior: Prior | None

    @property
    def refers(self) -> bool:
        return self.prior is None and self.found.match.score >= THRESHOLD


@dataclass
class Screened:
    """What screening found for one crossing, before and after it is written."""

    hits: list[NewHit] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    post: str = ""  # the post's code, for the hits shown

    def apply(
        self, decision: Decision, reasons: list[str], flags: list[str]
    ) -> tuple[Decision, list[str], list[str]]:
        """The crossing's decision, reasons and flags with the hits taken into account."""
        if not self.hits:
            return decision, reasons, flags
        flags = [*flags, FLAG_WATCHLIST_HIT]
        referring = sorted({h.found.list.name for h in self.hits if h.refers})
        if referring:
            reasons = [*reasons, *(REASON_PREFIX + name for name in referring)]
            if decision is Decision.ADMITTED:
                decision = Decision.REFERRED
        return decision, reasons, flags

    def write(self, session: Session, crossing_id: uuid.UUID, post_id: uuid.UUID) -> None:
        """Queue the hits (and their audit entries) for the commit of the crossing."""
        for new in self.hits:
            row = hit_row(new, crossing_id, post_id, HitOrigin.CROSSING, self._subjects)
            self.rows.append(row)
            insert_at_commit(session, INSERT_HIT, row)
            audit_hit(session, row, new.found.list.name)

    def shipped(self, session: Session) -> list[dict[str, Any]]:
        """The written hits as headquarters receives them, with the crossing's event."""
        return [shipping.shipped_hit(session, row) for row in self.rows]

    def shown(self) -> list[HitView]:
        """The written hits, for the booth's result (read from the rows queued for the commit)."""
        return [
            HitView(ScreeningHit(**row), h.found.list.name, self.post)
            for row, h in zip(self.rows, self.hits, strict=True)
        ]

    _subjects: dict[str, uuid.UUID | None] = field(default_factory=dict)


def hit_row(
    new: NewHit,
    crossing_id: uuid.UUID,
    post_id: uuid.UUID,
    origin: HitOrigin,
    subjects: dict[str, uuid.UUID | None],
) -> dict[str, Any]:
    match, prior = new.found.match, new.prior
    return {
        "id": new_id(),
        "crossing_id": crossing_id,
        "post_id": post_id,
        "traveller_id": subjects.get("traveller_id"),
        "document_id": subjects.get("document_id"),
        "vehicle_id": subjects.get("vehicle_id"),
        "watchlist_id": new.found.list.watchlist_id,
        "version_id": new.found.list.version_id,
        "entry_key": match.entry_id,
        "subject": new.found.subject.value,
        "score": round(match.score, 4),
        "matched": match.matched_name[:300],
        "explanation": list(match.explanation),
        "origin": origin.value,
        "state": (HitState.FALSE_MATCH if prior else HitState.OPEN).value,
        "refers": new.refers and origin is HitOrigin.CROSSING,
        "prior_hit_id": prior.hit_id if prior else None,
        "resolved_by": prior.by if prior else None,
        "resolved_at": prior.at if prior else None,
        "resolution_reason": prior.reason if prior else None,
        "created_at": clock.now(),
    }


def audit_hit(session: Session, row: dict[str, Any], list_name: str) -> None:
    # The list and the entry's key, never the name that matched: the trail is personal-data free.
    audit.record(
        session,
        "create",
        "screening_hits",
        row["id"],
        None,
        {
            "crossing": str(row["crossing_id"]),
            "list": list_name,
            "entry": row["entry_key"],
            "subject": row["subject"],
            "score": row["score"],
            "origin": row["origin"],
            "state": row["state"],
        },
        row["post_id"],
        defer=True,
    )


def find(
    screener: screeners.Screener,
    surname: str | None,
    given_names: str | None,
    birth_date: dt.date | None,
    nationality: str | None,
    document: tuple[str, str | None] | None,
    plate: str | None,
) -> list[Found]:
    """Every hit for a person (names, birth date, nationality), a document and a plate."""
    found: list[Found] = []
    if surname:
        found += screener.person(
            surname=surname,
            given_names=given_names,
            birth_date=birth_date.isoformat() if birth_date else None,
            nationality=nationality,
        )
    if document is not None:
        found += screener.document(*document)
    if plate:
        found += screener.plate(plate)
    # One hit per list entry and subject: the best one.
    best: dict[tuple[uuid.UUID, str, EntryKind], Found] = {}
    for f in found:
        key = (f.list.watchlist_id, f.match.entry_id, f.subject)
        if key not in best or f.match.score > best[key].match.score:
            best[key] = f
    return sorted(best.values(), key=lambda f: -f.match.score)


def prior_false_match(
    session: Session, found: Found, subjects: dict[str, uuid.UUID | None]
) -> Prior | None:
    """The false-match resolution of this list entry for the same subject, if it is the latest."""
    same = [
        _HITS.c[column] == value
        for column, value in subjects.items()
        if value is not None and (found.subject is EntryKind.PERSON or column != "traveller_id")
    ]
    if not same:
        return None
    row = session.execute(
        select(
            _HITS.c.id,
            _HITS.c.state,
            _HITS.c.resolved_by,
            _HITS.c.resolved_at,
            _HITS.c.resolution_reason,
        )
        .where(
            _HITS.c.watchlist_id == found.list.watchlist_id,
            _HITS.c.entry_key == found.match.entry_id,
            # The latest resolution counts: a later true match ends an earlier false match.
            _HITS.c.state.in_([HitState.FALSE_MATCH.value, HitState.TRUE_MATCH.value]),
            _HITS.c.prior_hit_id.is_(None),
            or_(*same),
        )
        .order_by(_HITS.c.resolved_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None or row.state != HitState.FALSE_MATCH.value:
        return None
    return Prior(row.id, row.resolved_by or "", row.resolved_at, row.resolution_reason or "")


def screen_crossing(
    session: Session,
    command: CrossingCreate,
    traveller_id: uuid.UUID | None,
    document_id: uuid.UUID | None,
    vehicle_id: uuid.UUID | None,
) -> Screened:
    """Screen one crossing's traveller, document and plate against the active lists."""
    screener = screeners.for_session(session)
    if not screener.lists:
        return Screened()
    person, vehicle = command.traveller, command.vehicle
    doc = person.document if person else None
    found = find(
        screener,
        person.surname if person else None,
        person.given_names if person else None,
        person.birth_date if person else None,
        person.nationality if person else None,
        (doc.number, doc.issuer) if doc else None,
        vehicle.plate if vehicle else None,
    )
    subjects = {"traveller_id": traveller_id, "document_id": document_id, "vehicle_id": vehicle_id}
    screened = Screened(post=command.post, _subjects=subjects)
    screened.hits = [NewHit(f, prior_false_match(session, f, subjects)) for f in found]
    return screened
