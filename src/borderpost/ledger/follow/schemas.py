"""The JSON shape of headquarters' view of the posts' logs."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict


class FollowedLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    post: str
    url: str
    size: int
    state: str
    problem: str | None
    checked_at: dt.datetime | None
    counted_equal_at: dt.datetime | None
    differs_since: dt.datetime | None


class FollowAlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    post: str
    kind: str
    detail: str
    size: int
    evidence: str | None
    raised_at: dt.datetime


class FollowedLogsRead(BaseModel):
    logs: list[FollowedLogRead]
    alerts: list[FollowAlertRead]
