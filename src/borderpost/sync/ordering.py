"""The last ordering key applied per record and field: an older change arriving later is seen
and changes nothing.

A change's ordering key is the id of its outbox event, a UUID v7 made at the post when the
change was recorded, so two changes of one record compare in the order the post made them,
whatever order they reach headquarters in.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from borderpost.sync.model import AppliedKey

ROW = "row"  # the field name of a record stored whole (traveller, document, vehicle)


def claim(session: Session, record_id: uuid.UUID, field: str, key: uuid.UUID) -> bool:
    """True, and ``key`` becomes the last applied, when ``key`` is newer than the last change
    applied to this field of this record; False when a later change is already applied."""
    known = session.get(AppliedKey, (record_id, field))
    if known is None:
        session.add(AppliedKey(record_id=record_id, field=field, key=key))
        return True
    if key <= known.key:
        return False
    known.key = key
    return True
