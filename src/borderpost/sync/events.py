"""One event as headquarters receives it, and what can go wrong applying it.

An event is the post's outbox row as shipped: its id (a UUID v7 made at the post, which is
also the ordering key of the change it carries), the post's code, the topic and the payload
as JSON text. Nothing here touches the database.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from borderpost.errors import DomainError, invalid


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    post: str
    topic: str
    data: str  # the payload as JSON text, as received


class Waiting(Exception):
    """The event needs a record headquarters does not hold yet (the crossing a correction
    corrects, the vehicle a passenger rode in, the closure an ending ends): it is parked and
    applied by itself when that record arrives."""

    def __init__(self, record_id: uuid.UUID, what: str) -> None:
        super().__init__(f"{what}: headquarters has no {what} {record_id} yet")
        self.record_id = record_id


def reason(exc: BaseException) -> str:
    """Why an event was not applied: the field and the reason, never a value it holds (the
    payload carries personal data; the reason is shown to admins and logged)."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        return f"{where}: {first['msg']}"
    if isinstance(exc, DomainError):
        text = "; ".join(f"{p.field}: {p.reason}" for p in exc.problems)
        return text or exc.message
    if isinstance(exc, Waiting):
        return str(exc)
    if isinstance(exc, KeyError):
        return f"payload: {exc.args[0]!s:.64} is missing"
    return f"payload: cannot be applied ({type(exc).__name__})"


def as_object(data: str) -> dict[str, Any]:
    """The payload as a JSON object; anything else (``[]``, ``null``, not JSON) is refused."""
    try:
        value = json.loads(data)
    except ValueError:
        raise invalid("payload", "is not JSON") from None
    if not isinstance(value, dict):
        raise invalid("payload", f"is a JSON {type(value).__name__}, not an object")
    return value
