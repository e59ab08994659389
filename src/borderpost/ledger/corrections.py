"""The ledger entry of a crossing's correction, written in the correction's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from borderpost import clock
from borderpost.errors import Conflict
from borderpost.ids import new_id
from borderpost.ledger import leaves
from borderpost.ledger.model import LedgerLeaf

_LEAVES = cast(Table, LedgerLeaf.__table__)


def add_crossing_correction(
    session: Session, crossing_id: uuid.UUID, changes: Mapping[str, Any]
) -> None:
    """Add the leaf that corrects the crossing's latest entry with ``changes`` (public facts).

    The leaf keeps the crossing's commitment (and its salt): the personal data did not
    change. Its ``corrects`` index is filled in when it is appended, as for closures.
    """
    conn = session.connection()
    latest = conn.execute(
        select(_LEAVES.c.id, _LEAVES.c.post_id, _LEAVES.c.salt, _LEAVES.c.opening, _LEAVES.c.leaf)
        .where(
            _LEAVES.c.record_id == crossing_id,
            _LEAVES.c.record_type == leaves.CROSSING,
        )
        .order_by(_LEAVES.c.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        raise Conflict("crossing_id", "the crossing has no ledger entry yet; try again in a moment")
    conn.execute(
        _LEAVES.insert(),
        {
            "id": new_id(),
            "post_id": latest.post_id,
            "record_type": leaves.CROSSING,
            "record_id": crossing_id,
            "salt": latest.salt,
            "opening": latest.opening,
            "leaf": leaves.corrected_leaf(bytes(latest.leaf), changes),
            "corrects_id": latest.id,
            "log_index": None,
            "created_at": clock.now(),
        },
    )
