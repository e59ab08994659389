"""A case's leaf in its post's ledger, written in the transaction of the change.

One leaf when the case is received; a new one, correcting the last, when it is decided or
reopened (``ledger.caseleaf``). The salt stays in ``ledger_entries`` like every other.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from borderpost.cases.model import Case
from borderpost.ledger import leaves
from borderpost.ledger.caseleaf import case_leaf
from borderpost.ledger.services import add_record_leaf


def write_leaf(session: Session, case: Case) -> None:
    """The case's public facts as they stand now; a correction of its previous leaf."""
    post = case.post
    zone = ZoneInfo(post.timezone)
    salt = leaves.new_salt()
    decided = case.decided_at.astimezone(zone).date() if case.decided_at is not None else None
    leaf = case_leaf(
        post=post.code,
        zone=post.timezone,
        kind=case.kind,
        received=case.received_at.astimezone(zone).date(),
        due=case.due_at.astimezone(zone).date(),
        decided=decided,
        outcome=case.outcome if decided is not None else None,
        commitment_hex=leaves.commitment(
            salt, leaves.personal_bytes(case.id, {"reference": case.reference})
        ),
    )
    add_record_leaf(session, post.id, leaves.CASE, case.id, salt, leaf)
