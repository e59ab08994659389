"""``borderpost ledger follow`` (one round now) and ``borderpost ledger alerts``, at HQ."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from borderpost.cli_support import node_session_factory
from borderpost.config import Settings

console = Console(soft_wrap=True)


def follow_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Read and check every followed post's log now (as the server does in the background)."""
    from borderpost.ledger.follow import services  # not at import: every command loads this

    settings = Settings()
    if not settings.ledger_follow:
        console.print("ledger_follow: no post's log is followed here")
        raise typer.Exit(2)
    factory = node_session_factory(settings)
    grace = dt.timedelta(seconds=settings.ledger_follow_grace_seconds)
    results = services.follow_once(factory, settings.ledger_follow, grace)
    if as_json:
        console.print_json(json.dumps([r.__dict__ for r in results]))
    else:
        for r in results:
            console.print(f"ledger {r.post}: {r.state}, checked up to {r.size}; {r.problem or ''}")
    if any(r.alerts for r in results):
        raise typer.Exit(1)


def alerts_command(
    post: Annotated[str | None, typer.Option(help="One post's alerts only")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The latest alerts raised on the followed logs, newest first."""
    from borderpost.ledger.follow import repository

    factory = node_session_factory(Settings())
    with factory() as session:
        rows = [
            {
                "raised_at": a.raised_at.isoformat(),
                "post": a.post,
                "kind": a.kind,
                "size": a.size,
                "detail": a.detail,
            }
            for a in repository.open_alerts(session, post, limit)
        ]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    if not rows:
        console.print("no alert")
    for r in rows:
        console.print(
            f"{r['raised_at']} {r['post']} {r['kind']} at size {r['size']}: {r['detail']}"
        )
