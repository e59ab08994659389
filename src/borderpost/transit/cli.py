"""``borderpost corridor ...`` and ``borderpost transit ...``: wiring over transit.services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from borderpost.config import Settings
from borderpost.db import make_engine, make_session_factory
from borderpost.errors import DomainError
from borderpost.schemas import problems_from
from borderpost.transit import services
from borderpost.transit.pairing import TransitState
from borderpost.transit.schemas import CorridorCreate
from borderpost.unit_of_work import UnitOfWork

corridor_app = typer.Typer(help="Corridors: a post at each end, a deadline.", no_args_is_help=True)
transit_app = typer.Typer(
    help="Transits through corridors; repeated movements.", no_args_is_help=True
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
FromOpt = Annotated[dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])]
ToOpt = Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])]


def _uow(job: str) -> UnitOfWork:
    settings = Settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    return UnitOfWork(factory, actor=f"system:cli:{job}", client="cli")


def _fail(exc: Exception) -> typer.Exit:
    if isinstance(exc, ValidationError):
        message = "; ".join(f"{p.field}: {p.reason}" for p in problems_from(exc.errors()))
    else:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
    errors.print(f"[red]error:[/] {message}")
    return typer.Exit(2)


@corridor_app.command("add")
def add(
    code: str,
    name: Annotated[str, typer.Option(help="The corridor's name")],
    post_a: Annotated[str, typer.Option("--post-a", help="Post code at one end")],
    post_b: Annotated[str, typer.Option("--post-b", help="Post code at the other end")],
    hours: Annotated[int, typer.Option(help="Deadline from entry to exit, hours")],
    category: Annotated[
        list[str] | None, typer.Option(help="CATEGORY=HOURS, a deadline of its own (repeat)")
    ] = None,
    tracks: Annotated[
        list[str] | None, typer.Option("--tracks", help="Only this category's crossings (repeat)")
    ] = None,
) -> None:
    """Add a corridor (an admin's task; audited as system:cli)."""
    deadlines: dict[str, str] = {}
    for item in category or []:
        key, _, value = item.partition("=")
        deadlines[key.strip()] = value.strip()
    try:
        data = CorridorCreate.model_validate(
            {
                "code": code,
                "name": name,
                "post_a": post_a,
                "post_b": post_b,
                "deadline_hours": hours,
                "deadlines": deadlines,
                "categories": tracks or [],
            }
        )
        with _uow("corridor-add") as uow:
            services.add_corridor(uow, data)
            uow.commit()
    except (DomainError, ValidationError) as exc:
        raise _fail(exc) from exc
    console.print(f"Corridor {code} added: {post_a} ↔ {post_b}, {hours} h.")


@corridor_app.command("list")
def list_corridors(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every corridor with its ends and deadlines."""
    with _uow("corridor-list") as uow:
        found = [services.to_read(c) for c in services.corridors(uow)]
    if as_json:
        console.print_json(json.dumps([c.model_dump(mode="json") for c in found]))
        return
    table = Table()
    for column in ("code", "name", "ends", "deadline", "by category"):
        table.add_column(column)
    for c in found:
        by = ", ".join(f"{k} {v} h" for k, v in sorted(c.deadlines.items()))
        table.add_row(c.code, c.name, f"{c.post_a} ↔ {c.post_b}", f"{c.deadline_hours} h", by)
    console.print(table)


def _show(items: list[services.TransitView], as_json: bool) -> None:
    if as_json:
        console.print_json(
            json.dumps([services.to_transit_read(t).model_dump(mode="json") for t in items])
        )
        return
    table = Table()
    for column in ("state", "plate", "category", "entry", "exit", "deadline", "hours"):
        table.add_column(column)
    for t in items:
        entry = f"{t.entry.post} {t.entry.time:%Y-%m-%d %H:%M}" if t.entry else ""
        leave = f"{t.exit.post} {t.exit.time:%Y-%m-%d %H:%M}" if t.exit else ""
        due = f"{t.deadline_at:%Y-%m-%d %H:%M}" if t.deadline_at else ""
        hours = f"{t.duration_hours:.1f}" if t.duration_hours is not None else ""
        table.add_row(t.state.value, t.plate, t.category, entry, leave, due, hours)
    console.print(table)
    console.print(f"{len(items)} transits (times in UTC)")


def _list(
    corridor: str,
    first: dt.datetime | None,
    last: dt.datetime | None,
    post: str | None,
    state: TransitState | None,
    as_json: bool,
) -> None:
    try:
        with _uow("transit-list") as uow:
            found = services.get_corridor(uow, corridor)
            period = services.Period.of(first and first.date(), last and last.date())
            items = services.transits(uow, found, period, post=post, state=state)
    except DomainError as exc:
        raise _fail(exc) from exc
    _show(items, as_json)


@transit_app.command("list")
def list_transits(
    corridor: str,
    first: FromOpt = None,
    last: ToOpt = None,
    post: Annotated[str | None, typer.Option(help="Only what touches this end")] = None,
    state: Annotated[TransitState | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Transits that began in the period (default: the last 30 days), overdue first."""
    _list(corridor, first, last, post, state, as_json)


@transit_app.command("overdue")
def overdue(
    corridor: str,
    first: FromOpt = None,
    last: ToOpt = None,
    post: Annotated[str | None, typer.Option(help="Only what touches this end")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Entries with no exit and the deadline passed."""
    _list(corridor, first, last, post, TransitState.OVERDUE, as_json)


@transit_app.command("repeated")
def repeated(
    first: FromOpt = None,
    last: ToOpt = None,
    post: Annotated[str | None, typer.Option(help="At this post")] = None,
    corridor: Annotated[str | None, typer.Option(help="At either end of this corridor")] = None,
    min_crossings: Annotated[int, typer.Option(help="At least this many crossings")] = 4,
    window_hours: Annotated[int, typer.Option(help="Within this many hours")] = 168,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Repeated movements: vehicles crossing often within a window."""
    try:
        with _uow("transit-repeated") as uow:
            period = services.Period.of(first and first.date(), last and last.date())
            runs = services.repeated_movements(
                uow,
                period,
                post=post,
                corridor=corridor,
                min_crossings=min_crossings,
                window_hours=window_hours,
            )
    except DomainError as exc:
        raise _fail(exc) from exc
    if as_json:
        console.print_json(json.dumps([r.model_dump(mode="json") for r in runs]))
        return
    table = Table()
    for column in ("plate", "crossings", "first", "last", "posts"):
        table.add_column(column)
    for r in runs:
        posts = " ".join(sorted({c.post for c in r.crossings}))
        first_at, last_at = r.crossings[0].time, r.crossings[-1].time
        table.add_row(
            f"{r.plate} ({r.country})",
            str(len(r.crossings)),
            f"{first_at:%Y-%m-%d %H:%M}",
            f"{last_at:%Y-%m-%d %H:%M}",
            posts,
        )
    console.print(table)
    console.print(f"{len(runs)} vehicles with repeated movements (times in UTC)")
