"""Correcting a recorded crossing: the record changes, the ledger gains an entry.

Nothing in the ledger is edited: the correction is a new leaf with the corrected public facts
and ``corrects``, the log index of the entry it replaces (the crossing's latest), so a recount
counts the crossing once, with its corrected facts. The crossing row is updated through the
ORM, so the audit hook records the columns before and after; the correction's reason goes in
an audit entry of its own (it is free text: never in the ledger).
"""

from __future__ import annotations

import uuid
from typing import Any

from borderpost import outbox
from borderpost.audit import hook as audit
from borderpost.crossings import services
from borderpost.crossings.schemas import CrossingCorrection, CrossingRead
from borderpost.errors import invalid
from borderpost.ledger.corrections import add_crossing_correction
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

FIELDS = ("category", "decision", "direction")


def correct_crossing(
    uow: UnitOfWork, crossing_id: uuid.UUID, correction: CrossingCorrection
) -> CrossingRead:
    """Apply ``correction`` to the crossing and write its ledger entry; the caller commits."""
    crossing = services.get_crossing(uow, crossing_id)
    changes: dict[str, Any] = {
        name: getattr(correction, name).value
        for name in FIELDS
        if getattr(correction, name) is not None
        and getattr(correction, name).value != getattr(crossing, name)
    }
    reasons = correction.reasons
    if correction.decision is not None and reasons is not None and reasons != crossing.reasons:
        changes["reasons"] = list(reasons)
    if not changes:
        raise invalid("category", "the correction changes nothing: these are the recorded facts")
    if changes.get("decision") == Decision.ADMITTED.value:
        changes.setdefault("reasons", [])
    before = {name: getattr(crossing, name) for name in changes}
    for name, value in changes.items():
        setattr(crossing, name, value)
    uow.session.flush()  # the audit hook records the row's columns before and after
    audit.record(
        uow.session,
        "correct",
        "crossings",
        crossing.id,
        before,
        {**changes, "reason": correction.reason},
        crossing.post_id,
    )
    add_crossing_correction(
        uow.session, crossing.id, {k: changes[k] for k in FIELDS if k in changes}
    )
    # Headquarters holds a replica of the crossing: it learns the correction by the outbox.
    outbox.queue(
        uow.session,
        outbox.Topic.CROSSING_CORRECTED,
        {"crossing": str(crossing.id), "changes": changes},
        post_id=crossing.post_id,
    )
    return services.to_read(crossing)
