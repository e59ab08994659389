"""A post's record of the versions it runs and of those it refused."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.network.model import REASON_LENGTH, NetworkVersion
from borderpost.network.signing import Version
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
ACTOR = "system:network"


@dataclass
class FollowReport:
    applied: list[str] = field(default_factory=list)  # "<kind> <number>"
    refused: list[str] = field(default_factory=list)  # "<kind>: <reason>"


def row_of(session: Session, kind: str) -> NetworkVersion:
    """The kind's row, made (version 0) when the post has none yet."""
    row = session.get(NetworkVersion, kind)
    if row is None:
        row = NetworkVersion(kind=kind, version=0, checksum="", keys=[])
        session.add(row)
    return row


def refuse(
    session_factory: sessionmaker[Session], kind: str, number: int | None, reason: str
) -> None:
    """Keep the reason on the kind's row (once per version) and in the log."""
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        row = row_of(uow.session, kind)
        if row.refused_version == number and row.refused_reason == reason[:REASON_LENGTH]:
            return
        row.refused_version, row.refused_reason = number, reason[:REASON_LENGTH]
        row.refused_at = clock.now()
        uow.commit()
    log.error("refused %s version %s from headquarters: %s", kind, number or "?", reason)


def number_in(data: bytes) -> int | None:
    """The version number a refused version claims, when it can be read at all."""
    try:
        return int(str(json.loads(data)["note"]).split("\n")[3])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def record(
    row: NetworkVersion, version: Version, keys: list[Any], checksum: str | None = None
) -> None:
    """The version now in force (a list's checksum is its content's, not the manifest's)."""
    row.version, row.checksum = version.number, checksum or version.digest
    row.published_at, row.applied_at, row.keys = version.published_at, clock.now(), keys
    row.refused_version = row.refused_reason = row.refused_at = None
