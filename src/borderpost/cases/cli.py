"""``borderpost case overdue``: the open cases past their deadline, for a morning check or a
script; references, kinds and dates only, no personal data."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from borderpost.cases import services
from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.unit_of_work import UnitOfWork

case_app = typer.Typer(help="Cases: appeals, complaints, inquiries, reports.", no_args_is_help=True)
console = Console(soft_wrap=True)


@case_app.command("overdue")
def overdue(
    post: Annotated[
        list[str] | None, typer.Option(help="Post code (repeat); every post if absent")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The open cases past their deadline, the longest overdue first."""
    factory = node_session_factory(Settings())
    with UnitOfWork(factory, actor="system:cli:case", client="cli") as uow:
        found = services.overdue_cases(uow.session, frozenset(post) if post else None)
        rows = [
            {
                "reference": c.reference,
                "kind": c.kind,
                "post": c.post.code,
                "status": c.status,
                "received_at": c.received_at.isoformat(),
                "due_at": c.due_at.isoformat(),
                "assigned_to": c.assigned_to,
                "team": c.team,
            }
            for c in found
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("reference", "kind", "post", "status", "due", "assigned to")
    for row in rows:
        assigned = " · ".join(x for x in (row["assigned_to"], row["team"]) if x)
        table.add_row(
            row["reference"], row["kind"], row["post"], row["status"], row["due_at"], assigned
        )
    console.print(table)
    console.print(f"{len(rows)} overdue")
