"""Record ids made at the post: UUID v7, time-ordered, unique without asking headquarters."""

from __future__ import annotations

import uuid

from uuid_utils import compat


def new_id() -> uuid.UUID:
    """A fresh UUID v7 (time-ordered, so indexes stay append-mostly)."""
    return compat.uuid7()
