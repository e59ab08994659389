"""What every ``borderpost`` command that reads or writes the node's database shares.

Opening the database is checked once, here: a home that was never initialised gets one clear
line naming the database and what to do, instead of a driver's traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from borderpost.config import Settings
from borderpost.db import make_engine, make_session_factory

errors = Console(stderr=True, soft_wrap=True)


def node_session_factory(settings: Settings) -> sessionmaker[Session]:
    """Sessions on the node's database; exit 2 with a message when it is not initialised."""
    url = make_url(settings.resolved_database_url)
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database or "")
        if not path.is_file():  # connecting would create an empty file: check first
            _refuse(f"no database at {path}: run `borderpost init` first")
    engine = make_engine(settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            ready = inspect(conn).has_table("alembic_version")
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        _refuse(f"cannot open the database at {where}: {reason}")
    if not ready:
        engine.dispose()
        _refuse(f"the database at {where} has no schema: run `borderpost init` first")
    return make_session_factory(engine)


def _refuse(message: str) -> NoReturn:
    errors.print(f"[red]error:[/] {message}", highlight=False)
    raise typer.Exit(2)
