"""The rows a transaction queued for its commit go to the driver past SQLAlchemy's execution
(``db._write_rows``): with COPY on PostgreSQL for an import's batch (``db.COPY_FROM`` rows of a
statement or more), as single INSERTs for a booth's crossing. Each row reads back exactly as it
was queued, as through SQLAlchemy, in every table a crossing writes (crossings, travellers,
documents, vehicles, outbox, audit, ledger leaves), on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Insert, Table, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import (
    command,
    make_organisation,
    make_post,
    person_crossing,
    traveller,
    vehicle_crossing,
)

from borderpost import db
from borderpost.crossings.services import prefetch, record_crossing
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


@pytest.mark.parametrize("shape", ["booth", "import"])
def test_written_rows_read_back_as_queued(
    session_factory: Factory, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    with UnitOfWork(session_factory, actor="test") as uow:
        make_post(uow)
        make_organisation(uow, "AID", "humanitarian")
        uow.commit()
    written: list[tuple[Table, list[dict[str, Any]]]] = []
    write = db._write_rows

    def watched(conn: Any, statement: Insert, rows: list[dict[str, Any]]) -> None:
        written.append((statement.table, [dict(row) for row in rows]))  # type: ignore[arg-type]
        write(conn, statement, rows)

    monkeypatch.setattr(db, "COPY_FROM", 2)
    monkeypatch.setattr(db, "_write_rows", watched)
    seen = traveller(given_names="ÅSA ÇİĞDEM")  # non-ASCII through the JSON columns
    batch = [
        command(person_crossing(traveller=seen)),
        command(person_crossing(traveller=seen, decision="refused", reasons=["no visa"])),
        command(person_crossing(time="2026-04-01T00:30:00+04:00")),  # another month's partition
        command(vehicle_crossing()),
        command(vehicle_crossing(time="2026-03-10T10:00:00+04:00")),
    ]
    if shape == "import":
        with UnitOfWork(session_factory, actor="import") as uow:
            prefetch(uow, batch)
            for one in batch:
                record_crossing(uow, one)
            uow.commit()
    else:
        for one in batch:
            with UnitOfWork(session_factory, actor="officer") as uow:
                record_crossing(uow, one)
                uow.commit()

    tables = {table.name for table, _ in written}
    assert {"crossings", "outbox", "audit_entries", "ledger_entries"} <= tables
    if shape == "import":
        assert max(len(rows) for _, rows in written) >= 2  # COPY on PostgreSQL
    with session_factory() as session:
        conn = session.connection()
        for table, rows in written:
            key = [c.key for c in table.primary_key.columns]
            stored = {
                tuple(row._mapping[k] for k in key): row._mapping
                for row in conn.execute(select(table))
            }
            for row in rows:
                found = stored[tuple(row[k] for k in key)]
                assert {k: found[k] for k in row} == row, table.name
