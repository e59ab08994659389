"""``borderpost ledger receipt|check-receipt|bulletin|check-bulletin|rotate-key``.

Registered on the ``ledger`` command group of ``ledger.cli``, whose helpers they share.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from borderpost import clock
from borderpost.ledger.cli import (
    VkeyOpt,
    _fail,
    _vkeys_for,
    app,
    http_fetch,
    read_vkeys,
    verify,
)
from borderpost.ledger.errors import LedgerError, VerificationError
from borderpost.ledger.keys import load_verifiers


@app.command("receipt")
def receipt_command(
    crossing_id: Annotated[str, typer.Argument(help="The crossing's id")],
) -> None:
    """Print the C2SP tlog-proof receipt of a crossing (from this node's database and log)."""
    import uuid

    from borderpost.cli_support import node_session_factory
    from borderpost.config import Settings
    from borderpost.db import UnitOfWork
    from borderpost.errors import DomainError
    from borderpost.ledger.receipts import crossing_receipt

    try:
        wanted = uuid.UUID(crossing_id)
    except ValueError as exc:
        raise _fail(f"crossing_id: {crossing_id!r} is not a UUID") from exc
    settings = Settings()
    factory = node_session_factory(settings)
    try:
        with UnitOfWork(factory, actor="cli") as uow:
            data = crossing_receipt(uow, settings.home, wanted)
    except DomainError as exc:
        raise _fail(exc.message) from exc
    typer.echo(data.decode("utf-8"), nl=False)


@app.command("check-receipt")
def check_receipt_command(
    file: Annotated[Path, typer.Argument(help="The receipt (C2SP tlog-proof)", exists=True)],
    vkey: Annotated[list[str], typer.Option("--vkey", help="The log's vkey, or a file of them")],
    witness: Annotated[
        list[str] | None, typer.Option("--witness", help="A witness vkey whose cosignature counts")
    ] = None,
    quorum: Annotated[
        int | None, typer.Option(help="Cosignatures required of the --witness keys; default all")
    ] = None,
) -> None:
    """Verify a receipt offline and print the public facts it proves are in the log."""
    from borderpost.ledger.receipts import check_receipt

    witnesses = [k for w in witness or () for k in read_vkeys(w)]
    try:
        checked = check_receipt(
            file.read_bytes(),
            load_verifiers(k for v in vkey for k in read_vkeys(v)),
            load_verifiers(witnesses),
            len(witnesses) if quorum is None else quorum,
        )
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    cp = checked.checkpoint
    typer.echo(f"ok: entry {checked.index} of {cp.origin} at size {cp.size}")
    if checked.cosigners:
        typer.echo(f"cosigned by: {', '.join(checked.cosigners)}")
    typer.echo(json.dumps(checked.facts, indent=2, sort_keys=True))


@app.command("bulletin")
def bulletin_command(
    post: Annotated[str, typer.Option("--post", help="Post code")],
    from_: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Default: yesterday")
    ] = None,
    to: Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
) -> None:
    """Issue the post's statistics bulletin (local days) from its published checkpoint."""
    from sqlalchemy import select

    from borderpost.cli_support import node_session_factory
    from borderpost.config import Settings
    from borderpost.ledger.bulletins import issue_bulletin
    from borderpost.posts.model import Post

    settings = Settings()
    factory = node_session_factory(settings)
    with factory() as session:
        zone = session.execute(select(Post.timezone).where(Post.code == post)).scalar()
    if zone is None:
        raise _fail(f"post: no post with code {post!r}")
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    first = from_.date() if from_ else today - dt.timedelta(days=1)
    last = to.date() if to else first
    try:
        note = issue_bulletin(settings.home, post, zone, first, last)
    except LedgerError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(note.decode("utf-8"), nl=False)


@app.command("check-bulletin")
def check_bulletin_command(
    url: Annotated[str, typer.Argument(help="The log's URL, e.g. http://host/ledger/AST-W/")],
    vkey: VkeyOpt = None,
) -> None:
    """Verify the latest bulletin: its signature, its checkpoint, and its figures recounted."""
    from borderpost.ledger.bulletin import check

    fetch = http_fetch(url)
    try:
        keys = _vkeys_for(url, vkey, fetch)
        note = fetch("bulletin/latest")
        if note is None:
            raise VerificationError(f"{url} serves no bulletin")
        verified = verify(fetch, keys)
        made = check(note, load_verifiers(keys), verified.entries or ())
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(
        f"ok: bulletin of {made.post} {made.first}..{made.last} = entries 0..{made.size} "
        f"of {made.origin} (log now at {verified.checkpoint.size})"
    )


@app.command("rotate-key")
def rotate_key_command(post: Annotated[str, typer.Argument(help="Post code")]) -> None:
    """Make the post's next log key; the old key signs a statement naming the new one."""
    from borderpost.config import Settings
    from borderpost.ledger.services import rotate_log_key

    try:
        vkey, _ = rotate_log_key(Settings().home, post)
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(vkey)
    typer.echo(
        "the next checkpoints are signed by the old and the new key; give the new vkey to the "
        "witnesses (borderpost witness add-log), then move the old .key file away",
        err=True,
    )
