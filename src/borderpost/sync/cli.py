"""``borderpost sync``: ship a post's outbox, ingest at headquarters, see what waits."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.sync import ingest as ingest_mod
from borderpost.sync import shipper

app = typer.Typer(help="Ship the outbox to NATS JetStream; ingest it at headquarters.")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

UrlOption = Annotated[str, typer.Option("--url", help="NATS server; default: sync_url setting")]


def _node() -> tuple[Settings, sessionmaker[Session]]:
    settings = Settings()
    return settings, node_session_factory(settings)


def _url(settings: Settings, url: str) -> str:
    chosen = url or settings.sync_url
    if not chosen:
        errors.print("sync_url: not set; pass --url or set BORDERPOST_SYNC_URL")
        raise typer.Exit(2)
    return chosen


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """How many outbox events wait to be shipped, and the oldest."""
    _settings, factory = _node()
    backlog = shipper.backlog(factory)
    oldest = backlog.oldest.isoformat() if backlog.oldest else None
    if as_json:
        console.print_json(json.dumps({"unsent": backlog.unsent, "oldest": oldest}))
    else:
        console.print(f"{backlog.unsent} events wait to be shipped; oldest {oldest or '-'}")


@app.command()
def ship(
    url: UrlOption = "",
    batch: Annotated[int, typer.Option(min=1, help="Events per transaction")] = 500,
) -> None:
    """Ship every unsent outbox event once; exit 1 if the link failed (nothing is lost)."""
    settings, factory = _node()
    try:
        report = asyncio.run(
            shipper.ship_once(factory, _url(settings, url), settings.sync_stream, batch)
        )
    except shipper.LINK_ERRORS as exc:
        left = shipper.backlog(factory).unsent
        errors.print(f"link: {type(exc).__name__}: {exc}; {left} events wait in the outbox")
        raise typer.Exit(1) from exc
    console.print(f"shipped {report.sent}; already held by the server {report.duplicates}")


@app.command()
def ingest(
    url: UrlOption = "",
    wait: Annotated[
        float, typer.Option(help="Stop after this many seconds with nothing new")
    ] = 1.0,
) -> None:
    """Headquarters: apply every event waiting in the stream, once each."""
    settings, factory = _node()
    report = asyncio.run(
        ingest_mod.ingest_once(factory, _url(settings, url), settings.sync_stream, wait)
    )
    done = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "nothing new"
    console.print(f"ingested: {done}")
    for problem in report.problems:
        errors.print(f"waiting: {problem}")
