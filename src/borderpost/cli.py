"""The ``borderpost`` command: wiring only; every action is a service function."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from borderpost import heap
from borderpost.accounts.cli import app as user_app
from borderpost.cargo.cli import cargo_app, rules_app
from borderpost.cases import retention as cases_retention
from borderpost.cases.cli import case_app
from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.db import make_engine
from borderpost.documents.cli import document_app
from borderpost.exports.cli import export_app
from borderpost.ledger.attestations.cli import attest as attest_command
from borderpost.ledger.cli import app as ledger_app
from borderpost.ledger.witness.cli import app as witness_app
from borderpost.network.cli import app as network_app
from borderpost.parties.cli import app as party_app
from borderpost.retention.cli import person_app, retention_app
from borderpost.screening.cli import screening_app, watchlist_app
from borderpost.sync.cli import app as sync_app
from borderpost.transit.cli import corridor_app, transit_app
from borderpost.unit_of_work import UnitOfWork

app = typer.Typer(help="Borderpost: border crossing point management.", no_args_is_help=True)
cases_retention.install()  # retention run and person export see the cases
import_app = typer.Typer(help="Bulk import from JSON Lines or CSV.", no_args_is_help=True)
report_app = typer.Typer(help="Reports.", no_args_is_help=True)
db_app = typer.Typer(help="Database upkeep.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.add_typer(db_app, name="db")
app.add_typer(cargo_app, name="cargo")
app.add_typer(rules_app, name="rules")
app.add_typer(document_app, name="document")
app.add_typer(screening_app, name="screening")
app.add_typer(watchlist_app, name="watchlist")
app.add_typer(user_app, name="user")
app.add_typer(ledger_app, name="ledger")
app.add_typer(sync_app, name="sync")
app.add_typer(network_app, name="network")
app.add_typer(witness_app, name="witness")
app.add_typer(corridor_app, name="corridor")
app.add_typer(transit_app, name="transit")
app.add_typer(case_app, name="case")
app.add_typer(party_app, name="party")
app.command("attest")(attest_command)
app.add_typer(export_app, name="export")
app.add_typer(retention_app, name="retention")
app.add_typer(person_app, name="person")

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def init_home(settings: Settings) -> bool:
    """Create the home folder and bring its database to the latest schema.

    Returns True when the database had no schema before (a new installation).
    """
    from sqlalchemy import inspect

    from borderpost import clock, migrate
    from borderpost.crossings import partitions

    settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        is_new = "alembic_version" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        with engine.begin() as conn:  # PostgreSQL: the months ahead (nothing on SQLite)
            partitions.ensure_ahead(conn, clock.today())
    finally:
        engine.dispose()
    return is_new


@app.command()
def init() -> None:
    """Prepare BORDERPOST_HOME and migrate its database."""
    settings = Settings()
    is_new = init_home(settings)
    from borderpost.ledger.services import init_keys  # the log keys, outside the database

    factory = node_session_factory(settings)
    init_keys(factory, settings.home, settings.node_post)
    state = "created" if is_new else "migrated"
    console.print(f"Home {settings.home.resolve()} ready; database {state}.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes on the port; the single-writer jobs run in one of them",
        ),
    ] = 1,
) -> None:
    """Serve the web UI and the API."""
    import uvicorn

    from borderpost.accesslog import log_config
    from borderpost.app import create_app

    settings = Settings()
    console.print(f"Borderpost is at http://{host}:{port}/  (API docs: /api/v1/docs)")
    # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, so anything on
    # the machine could write the client address of the audit trail; here only the proxies
    # the settings name are believed, and none by default.
    trusted = settings.forwarded_allow_ips.strip()
    # Several workers each build their app from the same settings (the environment and
    # borderpost.toml); the ledger appender, the shipper and the ledger follower are elected
    # among them (borderpost.election).
    app_or_factory: object = "borderpost.app:create_app" if workers > 1 else create_app(settings)
    heap.settle()
    uvicorn.run(
        app_or_factory,  # type: ignore[arg-type]
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        log_config=log_config(),
    )


def _run_import(what: str, path: Path, strict: bool, fmt: str | None, as_json: bool) -> None:
    from borderpost.imports.services import import_file

    if not path.is_file():
        errors.print(f"[red]file not found:[/] {path}")
        raise typer.Exit(2)
    settings = Settings()
    factory = node_session_factory(settings)
    size = path.stat().st_size
    heap.settle()
    with Progress(
        TextColumn(f"importing {what}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=errors,
        disable=as_json or not errors.is_terminal,
    ) as progress:
        task = progress.add_task(what, total=size)
        report = import_file(
            factory,
            what,
            path,
            strict=strict,
            fmt=fmt,
            progress=lambda done: progress.update(task, completed=done),
            home=settings.home,
            cargo_random_share=settings.cargo_random_share,
        )
    if as_json:
        console.print_json(json.dumps(report.to_dict()))
    else:
        for problem in report.problems[:200]:
            errors.print(f"[red]{path.name}:[/] {problem}")
        if len(report.problems) > 200:
            errors.print(f"... and {len(report.problems) - 200} more problems")
        outcome = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "nothing"
        rejected = len({p.line for p in report.problems})
        verdict = "nothing written (--strict)" if not report.written else outcome
        console.print(f"{report.read} lines read; {verdict}; {rejected} rejected")
    if report.problems:
        raise typer.Exit(1)


StrictOpt = Annotated[bool, typer.Option("--strict", help="Write nothing if any line is bad")]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="jsonl or csv (default: by suffix)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the outcome as JSON")]


@import_app.command("posts")
def import_posts(
    file: Path, strict: StrictOpt = False, fmt: FormatOpt = None, as_json: JsonOpt = False
) -> None:
    """Import posts (code, name, names, timezone, lanes...)."""
    _run_import("posts", file, strict, fmt, as_json)


@import_app.command("organisations")
def import_organisations(
    file: Path, strict: StrictOpt = False, fmt: FormatOpt = None, as_json: JsonOpt = False
) -> None:
    """Import organisations (code, name, type)."""
    _run_import("organisations", file, strict, fmt, as_json)


@import_app.command("crossings")
def import_crossings(
    file: Path, strict: StrictOpt = False, fmt: FormatOpt = None, as_json: JsonOpt = False
) -> None:
    """Import crossings, one a line."""
    _run_import("crossings", file, strict, fmt, as_json)


def _report(
    build: Callable[..., dict[str, Any]],
    from_: dt.datetime,
    to: dt.datetime,
    post: str | None,
    as_json: bool,
) -> dict[str, Any] | None:
    """Run a report over the node's database; print it as JSON (then None) or return it."""
    from borderpost.errors import DomainError

    factory = node_session_factory(Settings())
    try:
        with UnitOfWork(factory, actor="system:report") as uow:
            result = build(uow, from_.date(), to.date(), post)
    except DomainError as exc:
        errors.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps(result, indent=2))
        return None
    return result


@report_app.command("summary")
def report_summary(
    from_: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day")],
    to: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day")],
    post: Annotated[str | None, typer.Option(help="Post code; every post when absent")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Crossings counted by kind, category, direction, decision and organisation type."""
    from borderpost.reports.services import summary

    result = _report(summary, from_, to, post, as_json)
    if result is None:
        return
    console.print(
        f"Crossings {result['from']} to {result['to']} at {', '.join(result['posts']) or '-'}"
    )
    for label in ("persons", "vehicles"):
        block = result[label]
        table = Table(title=f"{label}: {block['total']}", show_header=True)
        table.add_column("breakdown")
        table.add_column("value")
        table.add_column("count", justify="right")
        for group in ("by_category", "by_direction", "by_decision", "by_organisation_type"):
            for key, count in block[group].items():
                if count:
                    table.add_row(group.removeprefix("by_"), key, str(count))
        console.print(table)


@report_app.command("access")
def report_access(
    from_: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day")],
    to: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day")],
    post: Annotated[str | None, typer.Option(help="Post code; every post when absent")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hours open, closures, refusals by class and waiting times, per post and day."""
    from borderpost.reports.access.services import access

    result = _report(access, from_, to, post, as_json)
    if result is None:
        return
    console.print(f"Access {result['from']} to {result['to']}", highlight=False)
    for block in result["by_post"]:
        console.print(
            f"{block['post']}: open {block['hours_open']} of {block['hours_scheduled']} h "
            f"scheduled; {block['closures_count']} closures, {block['closure_hours']} h; "
            f"{block['refused']} of {block['crossings']} crossings refused; waiting known for "
            f"{block['waiting']['known']}, unknown for {block['waiting']['unknown']}",
            highlight=False,
        )
        for closure in block["closures"]:
            console.print(
                f"  closed {closure['starts_at']} to {closure['ends_at'] or 'further notice'}: "
                f"{closure['reason']} (ordered by {closure['authority']})",
                highlight=False,
            )
        table = Table(show_header=True)
        for name in ("day", "scheduled h", "open h", "closed h", "crossings", "refused"):
            table.add_column(name, justify="left" if name == "day" else "right")
        for name in ("wait median min", "wait p90 min", "wait unknown"):
            table.add_column(name, justify="right")
        for day in block["days"]:
            wait = day["waiting"]
            table.add_row(
                day["day"],
                *(str(day[k]) for k in ("hours_scheduled", "hours_open", "hours_closed")),
                str(day["crossings"]),
                str(day["refused"]),
                _minutes(wait["median_seconds"]),
                _minutes(wait["p90_seconds"]),
                str(wait["unknown"]),
            )
        console.print(table)


def _minutes(seconds: int | None) -> str:
    return "unknown" if seconds is None else f"{seconds / 60:.1f}"


@db_app.command("partitions")
def db_partitions(
    ahead: Annotated[int, typer.Option(min=0, max=120, help="Months after this one")] = 3,
    behind: Annotated[int, typer.Option(min=0, max=1200, help="Months before this one")] = 1,
) -> None:
    """Make crossings' monthly partitions ahead of time (PostgreSQL; run it monthly).

    Idempotent. Crossings that had gone to the default partition for want of their month's
    are moved into it. On SQLite there is nothing to do.
    """
    from borderpost import clock
    from borderpost.crossings import partitions

    engine = node_session_factory(Settings()).kw["bind"]
    with engine.begin() as conn:
        if not partitions.is_partitioned(conn):
            console.print("Crossings are not partitioned here (SQLite): nothing to do.")
            return
        outcome = partitions.ensure_ahead(conn, clock.today(), ahead=ahead, behind=behind)
        count = len(partitions.existing(conn))
    made = ", ".join(outcome.created) or "none"
    console.print(
        f"Partitions made: {made}; crossings moved from the default partition: "
        f"{outcome.moved}; {count} partitions in all."
    )


@app.command()
def demo(
    days: Annotated[int, typer.Option(help="Days of traffic")] = 42,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
) -> None:
    """Build the fictional demo: a corridor, two posts, six weeks of traffic, two closures."""
    from borderpost.demo.services import build_demo

    settings = Settings()
    init_home(settings)
    factory = node_session_factory(settings)
    with Progress(
        TextColumn("demo"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} days"),
        console=errors,
        disable=not errors.is_terminal,
    ) as progress:
        task = progress.add_task("demo", total=days)
        counts = build_demo(
            factory, days=days, seed=seed, progress=lambda d: progress.update(task, completed=d)
        )
    console.print(
        f"Demo ready: {counts['posts']} posts, {counts['organisations']} organisations, "
        f"{counts['crossings']} crossings, {counts['closures']} closures."
    )
    from borderpost.demo.attestations import attest_demo
    from borderpost.demo.users import create_demo_users, login_help

    attested = attest_demo(factory, settings.home)
    console.print(
        f"Attested by the force and a humanitarian organisation: {attested['statements']} "
        f"statements, {attested['confirmed']} leaves confirmed, {attested['disputed']} "
        f"disputed, {attested['missing']} movements claimed missing."
    )
    console.print(login_help(create_demo_users(factory)), highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
