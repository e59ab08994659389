from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: dt.datetime
    actor: str
    client: str | None
    action: str
    entity: str
    entity_id: str
    post_id: uuid.UUID | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
