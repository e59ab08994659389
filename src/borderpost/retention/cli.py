"""``borderpost retention ...`` and ``borderpost person export``: wiring over retention."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.errors import DomainError
from borderpost.retention import holds, services, subject
from borderpost.retention.schedules import Schedule
from borderpost.retention.schemas import HoldCreate, HoldRelease, PersonQuery
from borderpost.schemas import problems_from
from borderpost.unit_of_work import UnitOfWork

retention_app = typer.Typer(
    help="Retention: schedules, legal holds, erasure of expired personal data.",
    no_args_is_help=True,
)
hold_app = typer.Typer(help="Legal holds placed by hand (an investigation).", no_args_is_help=True)
retention_app.add_typer(hold_app, name="hold")
person_app = typer.Typer(help="Subject access: what is held about a person.", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def _fail(exc: Exception) -> typer.Exit:
    if isinstance(exc, ValidationError):
        message = "; ".join(f"{p.field}: {p.reason}" for p in problems_from(exc.errors()))
    elif isinstance(exc, DomainError):
        message = "; ".join(f"{p.field}: {p.reason}" for p in exc.problems) or str(exc.message)
    else:
        message = str(exc)
    errors.print(f"[red]error:[/] {message}", highlight=False)
    return typer.Exit(2)


def _schedule(settings: Settings) -> Schedule:
    try:
        return Schedule.from_settings(settings.retention_days)
    except ValueError as exc:
        raise _fail(exc) from None


@retention_app.command("schedule")
def schedule_command() -> None:
    """The retention period of each record kind, in days (defaults and settings)."""
    schedule = _schedule(Settings())
    table = Table("kind", "days")
    for kind, days in schedule.days.items():
        table.add_row(kind.value, str(days))
    console.print(table)


@retention_app.command("run")
def run_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only; change nothing")] = False,
    batch: Annotated[int, typer.Option(min=1, max=services.MAX_BATCH)] = 2000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Erase the personal data of every expired record no legal hold covers."""
    settings = Settings()
    schedule = _schedule(settings)
    factory = node_session_factory(settings)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, transient=True, disable=as_json) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(kind: str, done: int, due: int) -> None:
            if kind not in tasks:
                tasks[kind] = bar.add_task(f"erasing {kind}", total=due)
            bar.update(tasks[kind], completed=done)

        report = services.run(
            factory,
            schedule,
            home=settings.home,
            dry_run=dry_run,
            progress=progress,
            batch_size=batch,
        )
    if as_json:
        console.print_json(json.dumps(report.as_dict()))
        return
    verb = "would erase" if dry_run else "erased"
    for part in report.kinds:
        count = part.due if dry_run else part.erased.crossings
        console.print(
            f"{part.kind.value} ({part.days} days, before {part.cutoff:%Y-%m-%d}): "
            f"{verb} {count}, held {part.held}"
        )
    if not dry_run:
        console.print(f"outbox events redacted: {report.outbox_events}")


@hold_app.command("place")
def hold_place(
    crossing: Annotated[str, typer.Argument(help="The crossing's id")],
    reason: Annotated[str, typer.Option(help="The investigation it serves")],
) -> None:
    """Hold a crossing's personal data past its retention period."""
    settings = Settings()
    try:
        data = HoldCreate.model_validate({"crossing": crossing, "reason": reason})
        with UnitOfWork(node_session_factory(settings), actor="system:cli", client="cli") as uow:
            hold = holds.place(uow, data.crossing, data.reason)
            uow.commit()
    except (ValidationError, DomainError) as exc:
        raise _fail(exc) from None
    console.print(f"hold {hold.id} placed")


@hold_app.command("release")
def hold_release(
    hold_id: Annotated[str, typer.Argument(help="The hold's id")],
    reason: Annotated[str, typer.Option(help="Why it is released")],
) -> None:
    """Release a hold: the next run erases the record if it has expired."""
    settings = Settings()
    try:
        data = HoldRelease.model_validate({"reason": reason})
        with UnitOfWork(node_session_factory(settings), actor="system:cli", client="cli") as uow:
            holds.release(uow, uuid.UUID(hold_id), data.reason)
            uow.commit()
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            raise _fail(exc) from None
        raise _fail(ValueError("hold: not a hold id")) from None
    except DomainError as exc:
        raise _fail(exc) from None
    console.print(f"hold {hold_id} released")


@hold_app.command("list")
def hold_list() -> None:
    """The holds that stand."""
    settings = Settings()
    with UnitOfWork(node_session_factory(settings)) as uow:
        table = Table("id", "crossing", "placed by", "placed at", "reason")
        for h in holds.standing(uow):
            table.add_row(
                str(h.id), str(h.record_id), h.placed_by, f"{h.placed_at:%Y-%m-%d %H:%M}", h.reason
            )
    console.print(table)


@person_app.command("export")
def person_export(
    document: Annotated[str, typer.Option(help="Travel document number")],
    issuer: Annotated[str, typer.Option(help="Issuing country, ICAO code (e.g. AZE)")],
    pdf: Annotated[Path | None, typer.Option(help="Also write the export as a PDF here")] = None,
) -> None:
    """Everything held about the holder of a travel document, as JSON (and PDF); audited."""
    settings = Settings()
    try:
        query = PersonQuery.model_validate({"document": document, "issuer": issuer})
        with UnitOfWork(node_session_factory(settings), actor="system:cli", client="cli") as uow:
            person = subject.export(uow, query.document, query.issuer, None)
            uow.commit()
    except (ValidationError, DomainError) as exc:
        raise _fail(exc) from None
    if pdf is not None:
        from borderpost.web.documents import pdf_of, print_page

        context = {"person": person, "problems": {}, "form": {}, "csrf": ""}
        pdf.write_bytes(pdf_of(print_page("retention/person.html", context)))
    console.print_json(json.dumps(person, ensure_ascii=False))
