"""``borderpost sync``: ship a post's outbox, ingest at headquarters, see what waits."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import threading
import uuid
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.ledger.follow import repository as followed_logs
from borderpost.network.state import LoopState, read_state
from borderpost.network.status import VersionLine, for_node
from borderpost.sync import follow, inbox, shipper
from borderpost.sync import ingest as ingest_mod
from borderpost.sync import status as sync_status

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


def _at(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """At a post: what waits to be shipped or confirmed, the shipper, and the versions it runs
    from headquarters. At headquarters: per post, what was taken in, the lag, what is parked,
    the ingest, the publisher, and the posts' logs it follows."""
    settings, factory = _node()
    node = sync_status.node_status(factory, settings.home)
    backlog = node.outbox
    ledgers = followed_logs.status(factory)
    with factory() as session:
        lines = for_node(session, settings)
    follower = read_state(settings.home, "follower")
    publisher = read_state(settings.home, "publisher")
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "unsent": backlog.unsent,
                    "unconfirmed": backlog.unconfirmed,
                    "oldest": backlog.oldest.isoformat() if backlog.oldest else None,
                    "last_confirmed": _at(backlog.last_confirmed),
                    "lag_seconds": backlog.lag_seconds,
                    "shipper": asdict(node.shipper) if node.shipper else None,
                    "ingest": asdict(node.ingest) if node.ingest else None,
                    "parked": sum(p.parked for p in node.posts),
                    "posts": [asdict(p) for p in node.posts],
                    "ledgers": ledgers,
                    "versions": [v.as_dict() for v in lines],
                    "follower": asdict(follower) if follower else None,
                    "publisher": asdict(publisher) if publisher else None,
                },
                default=str,
            )
        )
        return
    console.print(
        f"{backlog.unsent} events wait to be shipped, {backlog.unconfirmed} to be confirmed "
        f"by headquarters; oldest {_at(backlog.oldest)}; last confirmed "
        f"{_at(backlog.last_confirmed)}; lag {backlog.lag_seconds:.1f} s"
    )
    state = node.shipper
    if state is None:
        console.print("shipper: no server has shipped from this node")
    else:
        line = f"shipper: {state.state}, last shipped {state.last_shipped_at or '-'}"
        if state.last_error:
            line += f"; {state.failures} failed rounds, last error: {state.last_error}"
        console.print(line)
    taken = node.ingest
    if taken is not None:
        line = f"ingest: {taken.state}, last ingested {taken.last_ingested_at or '-'}"
        if taken.last_error:
            line += f"; {taken.failures} failed rounds, last error: {taken.last_error}"
        console.print(line)
    for p in node.posts:
        lag = f"{p.lag_seconds:.1f} s" if p.lag_seconds is not None else "-"
        console.print(
            f"post {p.post}: {p.events} events taken in, last committed "
            f"{_at(p.last_applied_at)}, lag {lag}, {p.parked} parked"
        )
    console.print(f"{sum(p.parked for p in node.posts)} events parked (borderpost sync parked)")
    _print_versions(lines, follower, publisher)
    _print_ledgers(ledgers)


def _print_versions(
    lines: list[VersionLine], follower: LoopState | None, publisher: LoopState | None
) -> None:
    """What a post runs from headquarters (and how old), and the network loops' state."""
    for label, loop in (("following headquarters", follower), ("publishing", publisher)):
        if loop is not None:
            line = f"{label}: {loop.state}, last round {loop.last_round_at or '-'}"
            if loop.last_error:
                line += f"; {loop.failures} failed rounds, last error: {loop.last_error}"
            console.print(line)
    for v in lines:
        age = "-" if v.age_hours is None else f"{v.age_hours:.1f} h old"
        stale = " STALE" if v.stale else ""
        console.print(f"runs {v.kind} version {v.version} ({age}){stale}")
        if v.refused_reason:
            console.print(f"  refused version {v.refused_version or '?'}: {v.refused_reason}")


def _print_ledgers(ledgers: list[dict[str, object]]) -> None:
    """The posts' logs headquarters follows: checked up to which size, and any alert."""
    if not ledgers:
        console.print("ledgers: none followed here (ledger_follow)")
        return
    for f in ledgers:
        line = f"ledger {f['post']}: {f['state']}, checked up to {f['checked_size']}"
        line += f" at {f['checked_at'] or '-'}"
        if f["alerts"]:
            line += f"; {f['alerts']} alerts (borderpost ledger alerts)"
        if f["problem"]:
            line += f"; {f['problem']}"
        console.print(line)


def _until_stopped() -> threading.Event:
    """An event set by SIGTERM or Ctrl-C: a loop in the foreground ends cleanly on either."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return stop


@app.command()
def ship(
    url: UrlOption = "",
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Events per transaction")] = 500,
    keep_on: Annotated[
        bool, typer.Option("--follow", help="Go on shipping until stopped, through every fault")
    ] = False,
) -> None:
    """Ship every unsent outbox event once, and again what headquarters has not confirmed in
    time; exit 1 if the link failed (nothing is lost)."""
    settings, factory = _node()
    if keep_on:
        loop = shipper.Shipper(
            factory,
            _url(settings, url),
            settings.sync_stream,
            settings.sync_interval_seconds,
            state_file=shipper.state_path(settings.home),
            resend_after=settings.sync_resend_after_seconds,
            batch=batch,
            replicas=settings.nats_replicas,
            nkey=settings.nats_credential,
        )
        stop = _until_stopped()
        loop.start()
        stop.wait()
        loop.stop()
        return
    try:
        report = asyncio.run(
            shipper.ship_once(
                factory,
                _url(settings, url),
                settings.sync_stream,
                batch,
                settings.sync_resend_after_seconds,
                settings.nats_replicas,
                nkey=settings.nats_credential,
            )
        )
    except shipper.LINK_ERRORS as exc:
        left = shipper.backlog(factory).unsent
        errors.print(f"link: {type(exc).__name__}: {exc}; {left} events wait in the outbox")
        raise typer.Exit(1) from exc
    console.print(
        f"shipped {report.sent}, again {report.resent}; already held by the server "
        f"{report.duplicates}; confirmed by headquarters {report.confirmed}"
    )


@app.command()
def ingest(
    url: UrlOption = "",
    wait: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=600,
            help="Stop after this many seconds with nothing new (with --follow: wait this "
            "long for new events each round, at most 5)",
        ),
    ] = 1.0,
    keep_on: Annotated[
        bool, typer.Option("--follow", help="Go on until stopped, through every fault")
    ] = False,
    ack_wait: Annotated[
        float,
        typer.Option(
            min=1,
            max=3600,
            help="Seconds before a message taken and not acknowledged is delivered again "
            "(set when a post's consumer is made)",
        ),
    ] = ingest_mod.ACK_WAIT_SECONDS,
) -> None:
    """Headquarters: apply every event waiting in the stream, once each, and confirm it to
    its post."""
    settings, factory = _node()
    if keep_on:
        stop = _until_stopped()
        asyncio.run(
            follow.follow(
                factory,
                _url(settings, url),
                settings.sync_stream,
                stop,
                follow.state_path(settings.home),
                wait=min(wait, 5.0),
                ack_wait=ack_wait,
                replicas=settings.nats_replicas,
                nkey=settings.nats_credential,
            )
        )
        return
    report = asyncio.run(
        ingest_mod.ingest_once(
            factory,
            _url(settings, url),
            settings.sync_stream,
            wait,
            ack_wait=ack_wait,
            replicas=settings.nats_replicas,
            nkey=settings.nats_credential,
        )
    )
    done = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "nothing new"
    console.print(f"ingested: {done}")
    for problem in report.problems:
        errors.print(f"parked: {problem}")
    if report.stopped:
        errors.print(f"stopped: {report.stopped}; the rest will be delivered again")
        raise typer.Exit(1)


@app.command()
def parked(
    post: Annotated[str, typer.Option(help="Only this post's events")] = "",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 200,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Headquarters: events that could not be applied, oldest first, with the reason."""
    _settings, factory = _node()
    rows = inbox.parked(factory, post or None, limit)
    if as_json:
        console.print_json(json.dumps([asdict(r) for r in rows], default=str))
        return
    for r in rows:
        console.print(
            f"{r.event_id}  {r.post}  {r.topic}  {r.parked_at.isoformat()}  "
            f"tried {r.attempts}x  {r.reason}"
        )
    console.print(f"{len(rows)} parked")


@app.command()
def replay(
    event_id: Annotated[str, typer.Argument(help="A parked event's id")] = "",
    replay_all: Annotated[bool, typer.Option("--all", help="Every parked event")] = False,
) -> None:
    """Headquarters: apply parked events again once their cause is fixed."""
    if bool(event_id) == replay_all:
        errors.print("event_id: give one parked event's id, or --all")
        raise typer.Exit(2)
    ids = None
    if event_id:
        try:
            ids = [uuid.UUID(event_id)]
        except ValueError:
            errors.print(f"event_id: {event_id[:64]!r} is not an event id")
            raise typer.Exit(2) from None
    _settings, factory = _node()
    outcomes = inbox.replay(factory, ids)
    done = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing parked"
    console.print(f"replayed: {done}")
    if outcomes.get("missing"):
        raise typer.Exit(1)
