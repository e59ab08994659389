"""``borderpost party``: ``keygen`` runs on the party's own machine, ``add`` at the post.

The private key never leaves the machine ``keygen`` ran on: the post is given the verifier
key only, which ``keygen`` prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.errors import DomainError
from borderpost.ledger.keys import write_private_key
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.unit_of_work import UnitOfWork

app = typer.Typer(help="Parties: organisations that attest their crossings.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@app.command("keygen")
def keygen(
    name: Annotated[str, typer.Argument(help="The key's name, e.g. the party's code")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Private key file; default NAME.key here")
    ] = None,
) -> None:
    """Make the party's Ed25519 key: the private key to a file (0600), the vkey to stdout."""
    try:
        signer = Ed25519Signer.generate(name)
        path = out or Path(f"{name}.key")
        write_private_key(path, signer.skey())
    except FileExistsError as exc:
        raise _fail(f"out: {exc.filename} exists; a key is never overwritten") from exc
    except (LedgerError, OSError) as exc:
        raise _fail(f"name: {exc}") from exc
    typer.echo(signer.vkey())
    typer.echo(f"private key written to {path}; give the post the vkey above only", err=True)


@app.command("add")
def add(
    code: Annotated[str, typer.Argument(help="The party's code")],
    organisation: Annotated[str, typer.Option("--organisation", help="Organisation code")],
    vkey: Annotated[str, typer.Option("--vkey", help="The party's vkey (from party keygen)")],
    account: Annotated[
        str | None, typer.Option("--account", help="Login name of its account (role party)")
    ] = None,
) -> None:
    """Register a party at this node: its organisation, its verifier key, its account."""
    from borderpost.parties.services import add_party

    factory = node_session_factory(Settings())
    try:
        with UnitOfWork(factory, actor="system:cli:party-add", client="cli") as uow:
            party = add_party(uow, code, organisation, vkey, account)
            uow.commit()
    except DomainError as exc:
        raise _fail(exc.message) from exc
    typer.echo(f"party {party.code} registered for organisation {organisation}")
