"""``borderpost witness``: run a C2SP tlog-witness for the posts' logs (what observers run).

A witness needs no database and no Borderpost home: one folder (``--state``) holds its key,
the log keys it trusts and what it has cosigned (see ``ledger.witness.http``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from borderpost.ledger.tlog.errors import LedgerError

app = typer.Typer(help="A witness that cosigns the posts' checkpoints.", no_args_is_help=True)

StateOpt = Annotated[
    Path, typer.Option("--state", help="The witness's folder: key, trusted logs, state")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


@app.command("init")
def init(
    state: StateOpt,
    name: Annotated[str, typer.Option(help="The witness's key name, e.g. witness.example.org")],
) -> None:
    """Make the witness's folder and cosigning key; print its vkey."""
    from borderpost.ledger.witness.http import init_witness

    try:
        state.mkdir(parents=True, exist_ok=True)
        typer.echo(init_witness(state, name))
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc


@app.command("vkey")
def vkey(state: StateOpt) -> None:
    """Print the witness's vkey (give it to the posts that send it checkpoints)."""
    from borderpost.ledger.witness.http import witness_vkey

    try:
        typer.echo(witness_vkey(state))
    except OSError as exc:
        raise _fail(str(exc)) from exc


@app.command("add-log")
def add_log(
    state: StateOpt,
    log_vkey: Annotated[str, typer.Argument(help="The log's vkey; its name is the origin")],
) -> None:
    """Trust a log: its checkpoints signed by this key will be cosigned when consistent."""
    from borderpost.ledger.witness.http import add_log as add

    try:
        origin = add(state, log_vkey)
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"witnessing {origin} (restart a running witness to apply)")


@app.command("serve")
def serve(
    state: StateOpt,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8020,
    key: Annotated[
        Path | None, typer.Option(help="Cosigning key file; default: witness.key in --state")
    ] = None,
) -> None:
    """Serve POST /add-checkpoint (C2SP tlog-witness) until stopped."""
    import uvicorn

    from borderpost.ledger.witness.http import create_witness_app, open_witness

    try:
        witness = open_witness(state, key)
    except (LedgerError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"witness at http://{host}:{port}/add-checkpoint")
    uvicorn.run(create_witness_app(witness), host=host, port=port, log_level="warning")
