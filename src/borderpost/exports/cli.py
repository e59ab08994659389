"""``borderpost export crossings``: the crossings of a period to a CSV or Parquet file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from borderpost.config import Settings
from borderpost.db import make_engine, make_session_factory
from borderpost.errors import DomainError
from borderpost.exports import services
from borderpost.exports.services import Format

export_app = typer.Typer(help="Exports for analysts' tools.", no_args_is_help=True)
errors = Console(stderr=True, soft_wrap=True)


@export_app.command("crossings")
def crossings(
    out: Annotated[Path, typer.Argument(help="The file to write")],
    first: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    last: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    post: Annotated[str | None, typer.Option(help="Post code; every post when absent")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.PARQUET,
    personal: Annotated[
        bool, typer.Option(help="With the traveller, document, plate, officer and reasons")
    ] = False,
) -> None:
    """The crossings of the days --from to --to (UTC, inclusive), streamed to OUT."""
    settings = Settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    written = 0
    try:
        with factory() as session, out.open("wb") as sink:
            post_ids = services.post_ids(session, post)
            chunks = services.chunks(
                session.connection(), fmt, first.date(), last.date(), post_ids, personal
            )
            for chunk in chunks:
                sink.write(chunk)
                written += len(chunk)
    except DomainError as exc:
        out.unlink(missing_ok=True)
        errors.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    typer.echo(f"{out}: {written:,} bytes")
