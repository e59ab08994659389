"""The last ordering key applied per record and field: an older change arriving later is seen
and changes nothing.

A change's ordering key is the id of its outbox event, a UUID v7 made at the post when the
change was recorded, so two changes of one record compare in the order the post made them,
whatever order they reach headquarters in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from borderpost.sync.model import AppliedKey

ROW = "row"  # the field name of a record stored whole (traveller, document, vehicle)
_CLAIMED = "sync.claimed"  # session.info: the keys this transaction claimed, not yet written

_KEYS = cast(Table, AppliedKey.__table__)
# Parameters named apart from the columns: an UPDATE reserves the columns' own names.
_WHERE = (_KEYS.c.record_id == bindparam("r"), _KEYS.c.field == bindparam("f"))
_GET = select(_KEYS.c.key).where(*_WHERE)
_INSERT = insert(_KEYS).values(record_id=bindparam("r"), field=bindparam("f"), key=bindparam("k"))
_UPDATE = update(_KEYS).where(*_WHERE).values(key=bindparam("k"))


@dataclass
class _Claimed:
    key: uuid.UUID
    stored: bool  # a row for this record and field is in the table already


def _claimed(session: Session) -> dict[tuple[uuid.UUID, str], _Claimed]:
    return session.info.setdefault(_CLAIMED, {})  # type: ignore[no-any-return]


def claim(
    session: Session, record_id: uuid.UUID, field: str, key: uuid.UUID, *, new: bool = False
) -> bool:
    """True, and ``key`` becomes the last applied, when ``key`` is newer than the last change
    applied to this field of this record; False when a later change is already applied.
    ``new``: the record was just inserted, so no key can be there (one statement saved).

    The keys are written by ``write``, once per transaction, in two statements.
    """
    claimed = _claimed(session)
    known = claimed.get((record_id, field))
    if known is None and not new:
        stored = session.connection().execute(_GET, {"r": record_id, "f": field}).scalar()
        if stored is not None:
            known = claimed[(record_id, field)] = _Claimed(stored, stored=True)
    if known is not None and key <= known.key:
        return False
    claimed[(record_id, field)] = _Claimed(key, stored=known is not None and known.stored)
    return True


def write(session: Session) -> None:
    """Write the keys claimed in this transaction; call before it commits."""
    claimed = session.info.pop(_CLAIMED, {})
    fresh = [{"r": r, "f": f, "k": c.key} for (r, f), c in claimed.items() if not c.stored]
    moved = [{"r": r, "f": f, "k": c.key} for (r, f), c in claimed.items() if c.stored]
    conn = session.connection()
    if fresh:
        conn.execute(_INSERT, fresh)
    if moved:
        conn.execute(_UPDATE, moved)


def preload(session: Session, record_ids: list[uuid.UUID], field: str) -> None:
    """Read the last keys of ``field`` of these records in one statement, so that ``claim``
    asks nothing more for them in this transaction."""
    claimed = _claimed(session)
    for start in range(0, len(record_ids), 1000):
        rows = session.connection().execute(
            select(_KEYS.c.record_id, _KEYS.c.key).where(
                _KEYS.c.record_id.in_(record_ids[start : start + 1000]), _KEYS.c.field == field
            )
        )
        for record_id, key in rows:
            claimed.setdefault((record_id, field), _Claimed(key, stored=True))
