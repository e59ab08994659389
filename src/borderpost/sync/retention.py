"""Headquarters' side of erasure: a post's ``records.erased`` event, applied idempotently.

The post erased these crossings' personal data; headquarters erases its replicas of them the
same way (``retention.erasure``), so the network keeps no copy. A crossing already erased
changes nothing (``duplicate``); one headquarters does not hold yet (its event parked or not
arrived) makes the event wait for it, so a replica never outlives the post's erasure.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from borderpost.crossings.model import Crossing
from borderpost.retention import erasure
from borderpost.retention.schedules import RecordKind
from borderpost.sync.events import Waiting
from borderpost.unit_of_work import UnitOfWork


class RecordsErased(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RecordKind
    crossings: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]


def apply_erased(uow: UnitOfWork, payload: dict[str, Any]) -> str:
    event = RecordsErased.model_validate(payload)
    found = set(uow.session.scalars(select(Crossing.id).where(Crossing.id.in_(event.crossings))))
    missing = next((i for i in event.crossings if i not in found), None)
    if missing is not None:
        raise Waiting(missing, "crossing")
    counts = erasure.erase_crossings(uow.session, event.crossings)
    # Headquarters keeps no evidence files: a post's files stay at the post.
    return "updated" if counts.crossings else "duplicate"
