"""``borderpost ledger``: append pending leaves, verify a served log, recount its statistics.

``verify`` and ``recount`` are clients of the public log only (``https://host/ledger/POST/``):
they need no database and no account, and are what an observer or the public runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from borderpost.ledger.checkpoint import Checkpoint
from borderpost.ledger.errors import LedgerError, StoreLockedError, VerificationError
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.leaves import LeafError, counts_from_leaves, parse_leaf
from borderpost.ledger.quorum import count_cosigners
from borderpost.ledger.rotation import follow
from borderpost.ledger.verify import Fetch, VerifiedLog, verify_log
from borderpost.reports.summary import Shape, build_summary

app = typer.Typer(help="The tamper-evident ledger of each post.", no_args_is_help=True)

KEY_PREFIX = "borderpost/"


def http_fetch(url: str) -> Fetch:
    """``fetch(path)`` over HTTP under the log's URL; None for 404."""
    import httpx

    base = url if url.endswith("/") else url + "/"
    client = httpx.Client(timeout=30.0, follow_redirects=True)

    def fetch(path: str) -> bytes | None:
        response = client.get(base + path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise VerificationError(f"{base + path}: HTTP {response.status_code}")
        return response.content

    return fetch


def read_vkeys(value: str) -> list[str]:
    """A vkey string, or the path of a file with one vkey a line."""
    path = Path(value)
    if path.is_file():
        return [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [value]


def _load_state(state: Path | None, origin: str) -> Checkpoint | None:
    if state is None or not state.exists():
        return None
    data = json.loads(state.read_text("utf-8"))
    if data.get("origin") != origin:
        raise VerificationError(f"{state} holds the state of {data.get('origin')!r}")
    return Checkpoint(origin, int(data["size"]), base64.b64decode(data["root"]))


def _state_keys(state: Path | None) -> list[str]:
    if state is None or not state.exists():
        return []
    return list(json.loads(state.read_text("utf-8")).get("learnt_keys", []))


def _save_state(state: Path, verified: VerifiedLog, learnt: list[str]) -> None:
    cp = verified.checkpoint
    data: dict[str, Any] = {
        "origin": cp.origin,
        "size": cp.size,
        "root": base64.b64encode(cp.root).decode(),
    }
    if learnt:  # log keys reached by following rotation statements from a pinned key
        data["learnt_keys"] = learnt
    tmp = state.with_name(state.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    tmp.replace(state)


def verify(
    fetch: Fetch,
    vkeys: Sequence[str],
    *,
    state: Path | None = None,
    origin: str | None = None,
    witnesses: Sequence[str] = (),
    quorum: int | None = None,
) -> VerifiedLog:
    """Verify the whole served log (and against the state file's last view); save the view.

    ``witnesses``: witness vkeys of which ``quorum`` (default: all) must have cosigned the
    checkpoint. Raises VerificationError on any inconsistency, including a leaf that does
    not parse.
    """
    try:
        verifiers = load_verifiers(vkeys)
    except LedgerError as exc:
        raise VerificationError(f"bad vkey: {exc}") from exc
    if not verifiers:
        raise VerificationError("no verifier key given")
    if origin is None:
        # The origin line names the log; only a trusted key of that name can sign it.
        note = fetch("checkpoint")
        if note is None:
            raise VerificationError("the log serves no checkpoint")
        origin = note.split(b"\n", 1)[0].decode("utf-8", "replace")
        if origin not in {v.name for v in verifiers}:
            raise VerificationError(f"no trusted key is named {origin!r}")
    previous = _load_state(state, origin)
    # Keys learnt from rotation statements on earlier runs, then any new statements.
    known = [*vkeys, *_state_keys(state)]
    try:
        trusted = follow(fetch, origin, [k.strip() for k in known if k.strip()])
        verifiers = load_verifiers(trusted)
    except LedgerError as exc:
        raise VerificationError(str(exc)) from exc
    verified = verify_log(fetch, origin=origin, log_keys=verifiers, previous=previous)
    if witnesses:
        _check_cosigned(verified.note, witnesses, len(witnesses) if quorum is None else quorum)
    for index, leaf in enumerate(verified.entries or ()):
        try:
            parse_leaf(leaf)
        except LeafError as exc:
            raise VerificationError(f"entry {index} is not a leaf: {exc}") from exc
    if state is not None:
        _save_state(state, verified, [k for k in trusted if k not in vkeys])
    return verified


def _check_cosigned(note: bytes, witnesses: Sequence[str], quorum: int) -> None:
    try:
        keys = load_verifiers(witnesses)
    except LedgerError as exc:
        raise VerificationError(f"bad witness vkey: {exc}") from exc
    have = count_cosigners(note, keys)
    if have < quorum:
        raise VerificationError(
            f"the checkpoint has {have} valid cosignatures of the given witnesses, "
            f"{quorum} required"
        )


def recount(
    logs: Sequence[tuple[Fetch, Sequence[str]]], first: dt.date, last: dt.date
) -> dict[str, Any]:
    """The summary report of ``first``..``last`` from verified leaves alone.

    ``logs``: one (fetch, vkeys) per post; the shape is ``reports.summary.build_summary``'s.
    """
    total: Counter[Shape] = Counter()
    codes: list[str] = []
    for fetch, vkeys in logs:
        verified = verify(fetch, vkeys)
        codes.append(verified.checkpoint.origin.removeprefix(KEY_PREFIX))
        total.update(counts_from_leaves(verified.entries or (), first, last))
    return build_summary(total, first, last, sorted(codes))


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


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
) -> None:
    """Recount the summary report from the served leaves alone (verified first)."""
    try:
        logs = []
        for url in urls:
            fetch = http_fetch(url)
            logs.append((fetch, _vkeys_for(url, vkey, fetch)))
        result = recount(logs, from_.date(), to.date())
    except (LedgerError, OSError) as exc:
        raise _fail(str(exc)) from exc
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


# Receipts, bulletins and key rotation: registered on ``app`` by importing their module last,
# once everything above (the helpers they share) exists.
from borderpost.ledger import cli_publish as _cli_publish  # noqa: E402, F401
