"""Cases in the life of personal data: an open case holds the records it concerns, and a
person's cases are part of what a subject access export gives them.

``install`` registers both with ``retention`` when the application or the command line is
wired; retention itself knows nothing of cases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from borderpost.cases.repository import cases_of_person, records_held_by_open_cases
from borderpost.retention import holds, subject


def open_case_holds(session: Session) -> Iterable[tuple[str, uuid.UUID]]:
    """Every record an open case concerns (crossing, hit, seizure, closure) is held."""
    return records_held_by_open_cases(session)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def person_cases(session: Session, person: subject.Person) -> list[dict[str, Any]]:
    """The person's cases at the posts in scope, with what they said and what was decided."""
    out = []
    for case in cases_of_person(session, person.number, person.issuer):
        if person.post_ids is not None and case.post_id not in person.post_ids:
            continue
        out.append(
            {
                "reference": case.reference,
                "post": case.post.code,
                "kind": case.kind,
                "channel": case.channel,
                "status": case.status,
                "contact_name": case.contact_name,
                "contact": case.contact,
                "summary": case.summary,
                "received_at": _iso(case.received_at),
                "due_at": _iso(case.due_at),
                "outcome": case.outcome,
                "decision_reason": case.decision_reason,
                "legal_basis": case.legal_basis,
                "decided_at": _iso(case.decided_at),
                "closed_at": _iso(case.closed_at),
                "records": [{"type": r.record_type, "id": str(r.record_id)} for r in case.records],
                "notes": [{"at": _iso(n.added_at), "text": n.text} for n in case.notes],
                "attachments": [
                    {"filename": a.filename, "sha256": a.sha256, "size": a.size}
                    for a in case.attachments
                ],
            }
        )
    return out


def install() -> None:
    """Register the cases' holds and subject-access section (idempotent)."""
    holds.register_provider(open_case_holds)
    subject.register_section("cases", person_cases)
