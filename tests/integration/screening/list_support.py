"""What the tests of list versions share: entry writes counted, rows read by since and until."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost.screening.model import WatchlistEntry

Factory = sessionmaker[Session]


@contextmanager
def entry_writes(factory: Factory) -> Iterator[list[int]]:
    """Rows that statements on ``watchlist_entries`` inserted, updated or deleted meanwhile
    (COPY on PostgreSQL goes past SQLAlchemy: count the rows by since and until as well)."""
    bind = factory.kw["bind"]
    written = [0]

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and "watchlist_entries" in statement:
            written[0] += max(cursor.rowcount, 0)

    event.listen(bind, "after_cursor_execute", count)
    try:
        yield written
    finally:
        event.remove(bind, "after_cursor_execute", count)


def rows(factory: Factory) -> list[tuple[str, int, int | None]]:
    """Every entry row as (key, since, until)."""
    e = WatchlistEntry
    with factory() as session:
        found = session.execute(select(e.entry_key, e.since, e.until).order_by(e.id)).all()
    return [(k, s, u) for k, s, u in found]
