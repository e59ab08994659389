"""Hits for headquarters: each as the post holds it, with the list and version it matched.

Headquarters stores a post's hits under the post's ids. The list a hit names may be unknown
there (each node imports its lists), so the event carries the list's name and the version's
label with them: headquarters keeps them as the post's, without entries, and screens nothing
against them.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from borderpost import outbox
from borderpost.screening.model import ScreeningHit, Watchlist, WatchlistVersion

_LISTS = cast(Table, Watchlist.__table__)
_VERSIONS = cast(Table, WatchlistVersion.__table__)
_LIST_AND_VERSION = (
    select(
        _LISTS.c.id,
        _LISTS.c.name,
        _LISTS.c.kind,
        _LISTS.c.created_at,
        _VERSIONS.c.id.label("version_id"),
        _VERSIONS.c.source,
        _VERSIONS.c.label,
        _VERSIONS.c.imported_at,
        _VERSIONS.c.imported_by,
        _VERSIONS.c.entry_count,
    )
    .join(_VERSIONS, _VERSIONS.c.watchlist_id == _LISTS.c.id)
    .where(_VERSIONS.c.id == bindparam("version_id"))
)


def shipped_hit(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    """A hit's row (as written, or ``outbox.row_of`` a record) as headquarters receives it."""
    version_id = uuid.UUID(str(row["version_id"]))  # a written row's, or a shipped one's text
    found = session.connection().execute(_LIST_AND_VERSION, {"version_id": version_id})
    listed = found.one()
    data = {k: outbox.plain(v) for k, v in row.items() if k != "post_id"}
    data["watchlist"] = outbox.plain(
        {"id": listed.id, "name": listed.name, "kind": listed.kind, "created_at": listed.created_at}
    )
    data["version"] = outbox.plain(
        {
            "id": listed.version_id,
            "source": listed.source,
            "label": listed.label,
            "imported_at": listed.imported_at,
            "imported_by": listed.imported_by,
            "entry_count": listed.entry_count,
        }
    )
    return data


def queue_hit(
    session: Session, row: dict[str, Any], post_id: uuid.UUID, *, defer: bool = False
) -> None:
    """Queue a hit found after its crossing was recorded, or resolved, for headquarters."""
    outbox.queue(
        session, outbox.Topic.HIT_RECORDED, shipped_hit(session, row), post_id=post_id, defer=defer
    )


def queue_hit_record(session: Session, hit: ScreeningHit) -> None:
    """Queue ``hit`` as it stands after the flush that changed it."""
    queue_hit(session, outbox.row_of(hit, frozenset()), hit.post_id)
