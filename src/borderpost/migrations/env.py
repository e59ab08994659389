"""Alembic environment: the URL comes from the caller, or from Borderpost's settings."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, ForeignKeyConstraint

import borderpost.models  # noqa: F401  (registers every table on the metadata)
from borderpost.config import Settings
from borderpost.crossings.partitions import is_partition
from borderpost.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, _parents: Any) -> bool:
    # The monthly and default partitions of crossings (PostgreSQL) are made by
    # crossings/partitions.py, not declared one by one: the drift check leaves them out.
    return not (type_ == "table" and name is not None and is_partition(name))


def _include_object(
    connection: Connection, obj: Any, _name: str | None, type_: str, *_rest: Any
) -> bool:
    # The references to crossings.id exist on SQLite only (db.crossing_reference says why).
    if type_ == "foreign_key_constraint" and connection.dialect.name == "postgresql":
        assert isinstance(obj, ForeignKeyConstraint)
        return obj.referred_table.name != "crossings"
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        include_object=lambda *args: _include_object(connection, *args),
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings().resolved_database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
run_migrations_online()
