"""``borderpost network``: enrol a post at headquarters, join at the post, publish, follow."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import select

from borderpost.audit import hook as audit
from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.errors import DomainError
from borderpost.inspections.schemas import InspectionClose
from borderpost.network import broker, rotation
from borderpost.network import enrolment as enrolments
from borderpost.network.commands import request_correction, request_inspection
from borderpost.network.following import follow_once
from borderpost.network.model import NetworkCommand
from borderpost.network.running import publish_all
from borderpost.network.signing import key_path, network_signer
from borderpost.posts.model import Post
from borderpost.sync import link
from borderpost.sync.shipper import LINK_ERRORS
from borderpost.unit_of_work import UnitOfWork

app = typer.Typer(help="The network: headquarters publishes, posts follow.", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@app.command()
def enrol(
    post: Annotated[str, typer.Argument(help="The post's code, as headquarters knows it")],
    url: Annotated[str, typer.Option(help="NATS URL the post reaches; default: sync_url")] = "",
) -> None:
    """Headquarters: print the string a new post joins with (its code, the network's URL and
    stream, headquarters' public key, and a new NATS credential for the post). The network
    key is made on first use.

    The string holds the post's credential: hand it over like a password. Enrolling a post
    again makes a new credential; the old one stops working once the broker runs the
    configuration `borderpost network broker-config` prints next."""
    settings = Settings()
    chosen = url or settings.sync_url
    if not chosen:
        errors.print("url: not set; pass --url or set BORDERPOST_SYNC_URL")
        raise typer.Exit(2)
    factory = node_session_factory(settings)
    with factory() as session:
        if session.scalars(select(Post.id).where(Post.code == post)).first() is None:
            errors.print(f"post: no post {post[:32]!r} here; create it first")
            raise typer.Exit(1)
    signer = network_signer(settings.home)
    seed = broker.enrol(settings.home, post)
    enrolment = enrolments.Enrolment(post, chosen, settings.sync_stream, signer.vkey(), seed)
    console.print(enrolment.encode())
    errors.print(
        "this string holds the post's NATS credential: pass it like a password; then give the "
        "broker the output of `borderpost network broker-config`"
    )


@app.command("broker-config")
def broker_config() -> None:
    """Headquarters: print the nats-server `authorization` block for headquarters and every
    enrolled post (public keys only). Headquarters' own credential is made on first use, in
    home/network/nats.nkey; the server connects with it from then on."""
    settings = Settings()
    console.print(
        broker.authorization(
            settings.sync_stream,
            broker.headquarters_key(settings.home),
            broker.enrolled(settings.home),
        ),
        markup=False,
        highlight=False,
    )


@app.command()
def join(
    text: Annotated[str, typer.Argument(help="What `borderpost network enrol` printed")],
) -> None:
    """A post: keep the enrolment (its NATS credential in home/network/nats.nkey, readable by
    this user alone); the server then follows headquarters and ships to it."""
    settings = Settings()
    try:
        enrolment = enrolments.decode(text)
    except enrolments.BadEnrolment as exc:
        errors.print(f"enrolment: {exc}")
        raise typer.Exit(2) from exc
    path = enrolments.store(settings.home, enrolment)
    console.print(f"joined as post {enrolment.post} of {enrolment.url} ({path})")
    if enrolment.seed:
        console.print(f"NATS credential kept in {enrolments.seed_path(settings.home)} (secret)")
    config = settings.home / "borderpost.toml"
    if not config.exists():
        config.write_text(
            "[borderpost]\n"
            f'node_post = "{enrolment.post}"\n'
            f'sync_url = "{enrolment.url}"\n'
            f'sync_stream = "{enrolment.stream}"\n',
            encoding="utf-8",
        )
        console.print(f"wrote node_post, sync_url and sync_stream to {config}")
    elif (settings.node_post, settings.sync_url) != (enrolment.post, enrolment.url):
        console.print(
            f"set node_post = {enrolment.post!r} and sync_url = {enrolment.url!r} in {config}"
        )


@app.command()
def publish() -> None:
    """Headquarters: publish once what changed since the last version (the server does it
    every few seconds by itself)."""
    settings = Settings()
    if not settings.sync_url:
        errors.print("sync_url: not set; set BORDERPOST_SYNC_URL")
        raise typer.Exit(2)
    factory = node_session_factory(settings)
    rotation.finish_rotation(settings.home)
    signer = network_signer(settings.home)

    async def run() -> list[str]:
        async with link.jetstream(
            settings.sync_url,
            settings.sync_stream,
            settings.nats_replicas,
            nkey=settings.nats_credential,
        ) as js:
            return await publish_all(
                factory, settings.home, js, settings.sync_stream, signer, settings.nats_replicas
            )

    try:
        published = asyncio.run(run())
    except LINK_ERRORS as exc:
        errors.print(f"link: {type(exc).__name__}: {exc}")
        raise typer.Exit(1) from exc
    for line in published:
        console.print(f"published {line}")
    console.print(f"{len(published)} new versions")


@app.command("rotate-key")
def rotate_key(
    yes: Annotated[bool, typer.Option("--yes", help="Replace the key without asking")] = False,
) -> None:
    """Headquarters: replace the network key. Posts move to the new key by themselves at
    their next round (the old key signs the new one); nothing is enrolled again."""
    settings = Settings()
    if enrolments.joined(settings.home) is not None:
        errors.print("key: this node is a post; only headquarters holds the network key")
        raise typer.Exit(2)
    if not key_path(settings.home).is_file():
        errors.print("key: no network key yet; `borderpost network enrol` makes it")
        raise typer.Exit(2)
    if not yes and not typer.confirm("Replace headquarters' network key?"):
        raise typer.Exit(1)
    rotation.finish_rotation(settings.home)
    with UnitOfWork(node_session_factory(settings), actor="cli") as uow:
        old = network_signer(settings.home)
        new = rotation.rotate(settings.home, old)
        audit.record(
            uow.session, "rotate", "network_key", new.key_id,
            {"vkey": old.vkey()}, {"vkey": new.vkey()},
        )  # fmt: skip
        uow.commit()
    console.print(f"new key {new.vkey()}")
    console.print("posts move to it at their next round; `borderpost network publish` now")


@app.command("key")
def show_key() -> None:
    """The network key in force and the keys before it (headquarters or a post)."""
    settings = Settings()
    joined = enrolments.joined(settings.home)
    if joined is not None:
        console.print(f"this post trusts {joined.vkey}")
        return
    if not key_path(settings.home).is_file():
        console.print("no network key yet")
        return
    rotation.finish_rotation(settings.home)
    chain = rotation.load_chain(settings.home)
    keys = chain.vkeys() if chain is not None else [network_signer(settings.home).vkey()]
    for number, vkey in enumerate(keys):
        mark = "in force" if number == len(keys) - 1 else "replaced"
        console.print(f"{number} {mark} {vkey}")


@app.command()
def follow() -> None:
    """A post: apply once what headquarters published (the server does it by itself)."""
    settings = Settings()
    joined = enrolments.joined(settings.home)
    if joined is None:
        errors.print("enrolment: this node has not joined a network (borderpost network join)")
        raise typer.Exit(2)
    factory = node_session_factory(settings)

    async def run() -> tuple[list[str], list[str]]:
        async with link.jetstream(
            joined.url, joined.stream, settings.nats_replicas, nkey=settings.nats_credential
        ) as js:
            report = await follow_once(factory, settings.home, joined, js)
        return report.applied, report.refused

    try:
        applied, refused = asyncio.run(run())
    except LINK_ERRORS as exc:
        errors.print(f"link: {type(exc).__name__}: {exc}; the post keeps what it runs")
        raise typer.Exit(1) from exc
    for line in applied:
        console.print(f"applied {line}")
    for line in refused:
        errors.print(f"refused {line}")
    if refused:
        raise typer.Exit(1)


@app.command()
def correct(
    crossing: Annotated[str, typer.Argument(help="The crossing's id (as the post made it)")],
    reason: Annotated[str, typer.Option(help="Why the record is corrected")],
    by: Annotated[str, typer.Option(help="The headquarters user who orders the correction")],
    decision: Annotated[str | None, typer.Option(help="admitted, referred or refused")] = None,
    category: Annotated[str | None, typer.Option(help="The corrected category")] = None,
    direction: Annotated[str | None, typer.Option(help="in or out")] = None,
    because: Annotated[
        list[str] | None, typer.Option(help="A reason of the new decision (repeat)")
    ] = None,
) -> None:
    """Headquarters: correct a post's crossing; the post applies it as its own correction."""
    try:
        crossing_id = uuid.UUID(crossing)
        data = CrossingCorrection.model_validate(
            {
                k: v
                for k, v in {
                    "decision": decision,
                    "category": category,
                    "direction": direction,
                    "reasons": because,
                    "reason": reason,
                }.items()
                if v is not None
            }
        )
    except ValueError as exc:  # a pydantic ValidationError is a ValueError
        errors.print(f"correction: {str(exc)[:300]}")
        raise typer.Exit(2) from exc
    sent = _requested(by, lambda uow: request_correction(uow, crossing_id, data))
    console.print(f"correction {sent.id} for post {sent.post}: sent with the next publication")


def _requested(by: str, request: Callable[[UnitOfWork], NetworkCommand]) -> NetworkCommand:
    """Record a command at headquarters as ``by``; a crossing it cannot name ends the command."""
    factory = node_session_factory(Settings())
    with UnitOfWork(factory, actor=by[:100]) as uow:
        try:
            sent = request(uow)
        except DomainError as exc:
            errors.print(f"crossing: {exc.message}")
            raise typer.Exit(1) from exc
        uow.commit()
    return sent


@app.command()
def inspect(
    crossing: Annotated[str, typer.Argument(help="The referred vehicle's crossing id")],
    decision: Annotated[str, typer.Option(help="admitted, refused or admitted_after_seizure")],
    reason: Annotated[str, typer.Option(help="Why the inspection ends so")],
    by: Annotated[str, typer.Option(help="The headquarters user who records the outcome")],
) -> None:
    """Headquarters: the outcome of the inspection of a post's referred vehicle; the post
    records it as its own inspection outcome."""
    try:
        crossing_id = uuid.UUID(crossing)
        data = InspectionClose.model_validate({"outcome": decision, "reason": reason})
    except ValueError as exc:  # a pydantic ValidationError is a ValueError
        errors.print(f"inspection: {str(exc)[:300]}")
        raise typer.Exit(2) from exc
    sent = _requested(by, lambda uow: request_inspection(uow, crossing_id, data))
    print_sent = f"inspection outcome {sent.id} for post {sent.post}"
    console.print(f"{print_sent}: sent with the next publication")
