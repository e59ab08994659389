"""``borderpost ledger``: the post's commands and the observer's, on one command group.

The post's: ``append`` pending leaves, a crossing's ``receipt``, a ``bulletin``,
``rotate-key``. The observer's: ``verify``, ``recount``, ``check-receipt``,
``check-bulletin``, which are clients of the public log only (``https://host/ledger/POST/``)
and of the files given: they need no database and no account (``ledger.client``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from borderpost import clock
from borderpost.ledger.client.recount import recount, recount_cases
from borderpost.ledger.client.verify import Fetch, http_fetch, verify
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.storage.errors import StoreLockedError
from borderpost.ledger.tlog.cosignature import count_cosigners
from borderpost.ledger.tlog.errors import LedgerError, VerificationError

app = typer.Typer(help="The tamper-evident ledger of each post.", no_args_is_help=True)


def read_vkeys(value: str) -> list[str]:
    """A vkey string, or the path of a file with one vkey a line."""
    path = Path(value)
    if path.is_file():
        return [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [value]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


WitnessOpt = Annotated[
    list[str] | None, typer.Option("--witness", help="A witness vkey whose cosignature counts")
]
QuorumOpt = Annotated[
    int | None, typer.Option(help="Cosignatures required of the --witness keys; default all")
]
PostOpt = Annotated[str | None, typer.Option("--post", help="Post code; every post if absent")]


@app.command("append")
def append(post: PostOpt = None) -> None:
    """Append pending leaves to each post's log and sign a checkpoint."""
    from borderpost.cli_support import node_session_factory
    from borderpost.config import Settings
    from borderpost.ledger.appending import append_pending, witness_policy

    settings = Settings()
    factory = node_session_factory(settings)
    try:
        n = append_pending(factory, settings.home, post, witness_policy(settings))
    except StoreLockedError as exc:
        raise _fail(f"{exc}: the running server appends by itself") from exc
    except LedgerError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{n} entries appended")


VkeyOpt = Annotated[
    list[str] | None,
    typer.Option("--vkey", help="Verifier key, or a file of them; default: the log's own vkey"),
]


def _vkeys_for(url: str, given: list[str] | None, fetch: Fetch) -> list[str]:
    if given:
        return [k for v in given for k in read_vkeys(v)]
    served = fetch("vkey")
    if served is None:
        raise VerificationError(f"{url} serves no vkey; pass --vkey")
    typer.echo(f"warning: trusting the vkey served by {url} (pass --vkey to pin it)", err=True)
    return served.decode("utf-8").split()


@app.command("verify")
def verify_command(
    url: Annotated[str, typer.Argument(help="The log's URL, e.g. http://host/ledger/AST-W/")],
    vkey: VkeyOpt = None,
    state: Annotated[Path | None, typer.Option(help="Keeps the last view between runs")] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", help="A witness vkey (or file) whose cosignature is required"),
    ] = None,
    quorum: Annotated[
        int | None, typer.Option(help="Cosignatures required of the --witness keys; default all")
    ] = None,
) -> None:
    """Verify a served log in full; exit 1 on any inconsistency."""
    fetch = http_fetch(url)
    witnesses = [k for w in witness or () for k in read_vkeys(w)]
    try:
        verified = verify(
            fetch, _vkeys_for(url, vkey, fetch), state=state, witnesses=witnesses, quorum=quorum
        )
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    cp = verified.checkpoint
    typer.echo(f"ok: {cp.origin} size {cp.size}, root {base64.b64encode(cp.root).decode()}")
    if witnesses:
        count = count_cosigners(verified.note, load_verifiers(witnesses))
        typer.echo(f"cosigned by {count} of the {len(witnesses)} witnesses given")


@app.command("recount")
def recount_command(
    urls: Annotated[list[str], typer.Argument(help="URLs of the posts' logs")],
    from_: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    to: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    vkey: VkeyOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    cases: Annotated[
        bool, typer.Option("--cases", help="The case figures instead of the crossings")
    ] = False,
    attested: Annotated[
        bool, typer.Option("--attested", help="With each figure's attestations, per party")
    ] = False,
) -> None:
    """Recount the summary report (or the case figures) from the served leaves alone
    (verified first)."""
    try:
        logs = []
        for url in urls:
            fetch = http_fetch(url)
            logs.append((fetch, _vkeys_for(url, vkey, fetch)))
        if cases:
            result = recount_cases(logs, from_.date(), to.date())
        else:
            result = recount(logs, from_.date(), to.date(), attested=attested)
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
    if cases and not as_json:
        _echo_cases(result)
        return
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"Crossings {result['from']} to {result['to']} at {', '.join(result['posts'])}")
    for label in ("persons", "vehicles"):
        block = result[label]
        typer.echo(f"{label}: {block['total']}")
        for group in ("by_category", "by_direction", "by_decision", "by_organisation_type"):
            for key, count in block[group].items():
                if count:
                    typer.echo(f"  {group.removeprefix('by_')} {key}: {count}")
    if attested:
        from borderpost.ledger.attestations.figures import sentence

        typer.echo("attested:")
        for figure in result["attestations"]:
            typer.echo(f"  {sentence(figure)}")


def _echo_cases(result: dict[str, Any]) -> None:
    typer.echo(f"Cases {result['from']} to {result['to']}")
    for row in [*result["rows"], {"post": "total", "kind": "", **result["total"]}]:
        typer.echo(
            f"  {row['post']} {row['kind']}: received {row['received']}, decided "
            f"{row['decided']}, overdue {row['overdue']}, days to decision median "
            f"{row['median_days']}, p90 {row['p90_days']}"
        )


@app.command("receipt")
def receipt_command(
    crossing_id: Annotated[str, typer.Argument(help="The crossing's id")],
) -> None:
    """Print the C2SP tlog-proof receipt of a crossing (from this node's database and log)."""
    import uuid

    from borderpost.cli_support import node_session_factory
    from borderpost.config import Settings
    from borderpost.errors import DomainError
    from borderpost.ledger.receipts import crossing_receipt
    from borderpost.unit_of_work import UnitOfWork

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
    witness: WitnessOpt = None,
    quorum: QuorumOpt = None,
) -> None:
    """Verify a receipt offline and print the public facts it proves are in the log."""
    from borderpost.ledger.client.receipts import check_receipt

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
    from borderpost.ledger.bulletins.services import issue_bulletin
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
    from borderpost.ledger.bulletins.bulletin import check

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


# Headquarters following the posts' logs (commands kept with their feature).
from borderpost.ledger.follow.cli import alerts_command, follow_command  # noqa: E402

app.command("follow")(follow_command)
app.command("alerts")(alerts_command)
