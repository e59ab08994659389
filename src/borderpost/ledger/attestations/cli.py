"""``borderpost attest``: the party's own tool, run on the party's machine with its own key."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer

from borderpost import clock
from borderpost.ledger.attestations import tool
from borderpost.ledger.attestations.logbook import Movement, read_logbook
from borderpost.ledger.attestations.statement import Statement, StatementError
from borderpost.ledger.cli import QuorumOpt, WitnessOpt, read_vkeys
from borderpost.ledger.keys import load_verifiers, read_private_key
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import parse_skey, sign_note


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _keys(values: list[str] | None) -> list[str]:
    return [k for v in values or () for k in read_vkeys(v)]


def attest(
    url: Annotated[str, typer.Argument(help="The post's log, e.g. https://host/ledger/AST-W/")],
    skey: Annotated[Path, typer.Option("--skey", help="The party's private key file")],
    token: Annotated[str, typer.Option("--token", help="The party account's API token")],
    from_: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    to: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    vkey: Annotated[
        list[str] | None,
        typer.Option("--vkey", help="The log's vkey (or a file); default: the one it serves"),
    ] = None,
    witness: WitnessOpt = None,
    quorum: QuorumOpt = None,
    logbook: Annotated[
        Path | None, typer.Option("--logbook", help="The party's logbook (CSV)", exists=True)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep attesting new crossings as they are logged")
    ] = False,
    every: Annotated[float, typer.Option(help="Seconds between rounds with --follow")] = 5.0,
    rounds: Annotated[int, typer.Option(help="With --follow: stop after N rounds; 0 never")] = 0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Sign and print; send nothing")] = (
        False
    ),
) -> None:
    """Verify the party's receipts, compare them with its logbook, sign and send a statement."""
    import httpx

    try:
        signer = parse_skey(read_private_key(skey))
        target = tool.Target.of(url)
        movements: list[Movement] | None = (
            read_logbook(logbook.read_text("utf-8")) if logbook is not None else None
        )
        client = httpx.Client(timeout=60.0, follow_redirects=True)
        keys = _keys(vkey)
        if not keys:
            served = client.get(target.log_url + "vkeys")
            if served.status_code != 200:
                raise _fail(f"{target.log_url} serves no vkey; pass --vkey")
            typer.echo(
                "warning: trusting the vkey the log serves (pass --vkey to pin it)", err=True
            )
            keys = served.text.split()
        log_keys = load_verifiers(keys)
        witnesses = load_verifiers(_keys(witness))
        need = len(witnesses) if quorum is None else quorum
    except (LedgerError, StatementError, OSError, httpx.HTTPError) as exc:
        raise _fail(str(exc)) from exc
    first, last = from_.date(), to.date()
    done: set[int] = set()
    reported: set[str] = set()
    count = 0
    while True:
        count += 1
        try:
            if follow and logbook is not None and count > 1:  # a liaison's logbook grows
                movements = read_logbook(logbook.read_text("utf-8"))
            stated: Statement | None
            checked, stated, note = tool.attest_once(
                client, target, token, signer, log_keys, first, last, movements, witnesses, need
            )
            if follow and count == 1:
                done, reported = tool.stated_before(client, target, checked.party)
            if follow:
                # Each round states what is new: leaves not stated before, and movements
                # missing for longer than a crossing takes to reach a checkpoint.
                cutoff = clock.now() - dt.timedelta(seconds=max(120.0, every * 12))
                stated = tool.only_new(stated, done, reported, cutoff)
                if stated is not None:
                    note = sign_note(stated.encode(), [signer])
            answer = None
            if stated is not None:
                if not dry_run:
                    answer = tool.send(client, target, token, note)
                done.update(stated.confirmed, stated.disputed)
                reported.update(m.line() for m in stated.missing)
        except (LedgerError, StatementError, OSError, httpx.HTTPError) as exc:
            if not follow:
                raise _fail(str(exc)) from exc
            typer.echo(f"error: {exc} (trying again)", err=True)
        else:
            if stated is not None:
                _show(checked, stated, note, answer, as_json)
        if not follow or (rounds and count >= rounds):
            return
        time.sleep(every)


def _show(
    checked: tool.Checked,
    statement: Statement,
    note: bytes,
    answer: dict[str, object] | None,
    as_json: bool,
) -> None:
    info = tool.summary(checked, statement)
    if as_json:
        typer.echo(tool.dumps({**info, "statement": note.decode(), "sent": answer}))
        return
    typer.echo(
        f"{info['log']} at size {info['checkpoint']}: {info['receipts']} receipts verified "
        f"({info['cosignatures']} cosignatures), {info['pending']} not yet in a checkpoint"
    )
    typer.echo(
        f"confirmed {info['confirmed']}, disputed {len(statement.disputed)}, "
        f"missing {len(statement.missing)}" + (" (sent)" if answer else " (not sent)")
    )
    for index, reason in sorted(statement.disputed.items()):
        typer.echo(f"  disputed {index}: {reason}")
    for m in statement.missing:
        typer.echo(f"  missing {m.time} {m.direction} {m.kind} {m.reference}")
