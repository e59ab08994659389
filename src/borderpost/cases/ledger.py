"""A case's leaf in its post's ledger, written in the transaction of the change.

One leaf when the case is received; a new one, correcting the last, when it is decided or
reopened (``ledger.caseleaf``). The salt stays in ``ledger_entries`` like every other.
"""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.cases.model import Case
from borderpost.ids import new_id
from borderpost.ledger import leaves
from borderpost.ledger.caseleaf import case_leaf
from borderpost.ledger.model import LedgerLeaf

_LEAVES = cast(Table, LedgerLeaf.__table__)


def write_leaf(session: Session, case: Case) -> None:
    """The case's public facts as they stand now; a correction of its previous leaf."""
    post = case.post
    zone = ZoneInfo(post.timezone)
    conn = session.connection()
    previous = conn.execute(
        select(_LEAVES.c.id)
        .where(_LEAVES.c.record_id == case.id)
        .order_by(_LEAVES.c.id.desc())
        .limit(1)
    ).scalar()
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
    # A Core insert, as closures do: the salt never enters the audit trail.
    conn.execute(
        insert(_LEAVES),
        {
            "id": new_id(),
            "post_id": post.id,
            "record_type": leaves.CASE,
            "record_id": case.id,
            "salt": salt,
            "leaf": leaf,
            "corrects_id": previous,
            "log_index": None,
            "created_at": clock.now(),
        },
    )
