"""Record ids made at the post: UUID v7, time-ordered, unique without asking headquarters."""

from __future__ import annotations

import uuid

# The integer maker ``uuid_utils.compat`` itself uses; not in the package's type stubs.
from uuid_utils import _uuid7_int  # type: ignore[attr-defined]

# What ``uuid_utils.compat.uuid7`` does, without reading the enum member on every call (half
# its time; a crossing makes six ids).
_UNKNOWN = uuid.SafeUUID.unknown
_UUID = uuid.UUID
_new = object.__new__
_set = object.__setattr__


def new_id() -> uuid.UUID:
    """A fresh UUID v7 (time-ordered, so indexes stay append-mostly)."""
    made: uuid.UUID = _new(_UUID)
    _set(made, "int", _uuid7_int())
    _set(made, "is_safe", _UNKNOWN)
    return made
