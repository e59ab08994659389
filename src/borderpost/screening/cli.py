"""``borderpost screening`` and ``borderpost watchlist``: wiring only, services do the work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.screening.matcher.scoring import THRESHOLD, compare_names

screening_app = typer.Typer(help="Screening against watchlists.", no_args_is_help=True)
watchlist_app = typer.Typer(help="Watchlists: import and list.", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the outcome as JSON")]


@screening_app.command("compare")
def screening_compare(
    pairs: Annotated[Path, typer.Option("--pairs", help='JSON Lines of {"a": NAME, "b": NAME}')],
    threshold: Annotated[float, typer.Option(help="Match threshold")] = THRESHOLD,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines out (the default)")] = True,
) -> None:
    """Print ``{"score": 0..1, "match": true|false}`` for each pair, a line each."""
    bad = 0
    with pairs.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                a, b = data["a"], data["b"]
                if not isinstance(a, str) or not isinstance(b, str):
                    raise TypeError("a and b must be strings")
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                typer.echo(f"{pairs.name}: line {number}: {exc}", err=True)
                bad += 1
                continue
            score = round(compare_names(a, b), 4)
            out = {"score": score, "match": score >= threshold}
            typer.echo(json.dumps(out) if as_json else f"{score:.4f} {out['match']}")
    if bad:
        raise typer.Exit(1)


def _factory() -> tuple[Settings, sessionmaker[Session]]:

    settings = Settings()
    return settings, node_session_factory(settings)


@watchlist_app.command("import")
def watchlist_import(
    file: Path,
    list_name: Annotated[str, typer.Option("--list", help="The list's name")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="ftm or csv (default: by suffix)")
    ] = None,
    source: Annotated[str, typer.Option(help="Where the list came from")] = "",
    version: Annotated[str, typer.Option(help="The publisher's version label")] = "",
    kind: Annotated[
        str | None, typer.Option(help="persons, documents, vehicles or mixed (new lists)")
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Import the good lines, report the bad ones")
    ] = False,
    rescreen: Annotated[
        bool, typer.Option(help="Re-screen recent crossings against the new version")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Import FtM JSON Lines or CSV as the list's new active version (all or nothing)."""
    from borderpost.errors import DomainError
    from borderpost.screening.importing import ListFormat, format_of, import_version
    from borderpost.screening.model import ListKind
    from borderpost.screening.rescreen import rescreen as rescreen_list
    from borderpost.unit_of_work import UnitOfWork

    if not file.is_file():
        errors.print(f"[red]file not found:[/] {file}")
        raise typer.Exit(2)
    try:
        chosen = format_of(file, ListFormat(fmt) if fmt else None)
        list_kind = ListKind(kind) if kind else None
    except ValueError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    settings, factory = _factory()
    quiet = as_json or not errors.is_terminal
    try:
        with Progress(
            TextColumn(f"importing {list_name}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=errors,
            disable=quiet,
        ) as progress:
            task = progress.add_task("import", total=file.stat().st_size)
            with UnitOfWork(factory, actor="system:watchlist-import") as uow, file.open("rb") as fh:
                report = import_version(
                    uow,
                    list_name,
                    fh,
                    chosen,
                    source=source or file.name,
                    label=version,
                    kind=list_kind,
                    skip_bad=skip_bad,
                    progress=lambda done: progress.update(task, completed=done),
                )
                uow.commit()
    except DomainError as exc:
        for problem in exc.problems[:200] or []:
            errors.print(f"[red]{file.name}:[/] {problem.field}: {problem.reason}")
        if not exc.problems:
            errors.print(f"[red]error:[/] {exc.message}")
        errors.print("nothing written")
        raise typer.Exit(1) from exc
    outcome = report.to_dict()
    if rescreen and settings.rescreen_days > 0:
        with Progress(
            TextColumn("re-screening crossings"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=errors,
            disable=quiet,
        ) as progress:
            task = progress.add_task("rescreen", total=None)
            done = rescreen_list(
                factory,
                list_name,
                settings.rescreen_days,
                progress=lambda n, total: progress.update(task, completed=n, total=total),
            )
        outcome["rescreen"] = done.to_dict()
    if as_json:
        print(json.dumps(outcome))
    else:
        for bad in report.problems[:200]:
            errors.print(f"[red]{file.name}:[/] {bad}")
        console.print(
            f"{report.read} lines read; {report.written} entries written to {list_name}; "
            f"{report.skipped} of other schemas skipped; {len(report.problems)} bad lines skipped"
        )
        if "rescreen" in outcome:
            console.print(f"re-screened: {outcome['rescreen']}")
    if report.problems:
        raise typer.Exit(1)


@watchlist_app.command("list")
def watchlist_list(as_json: JsonOpt = False) -> None:
    """The lists with their active version."""
    from borderpost.screening.review import list_watchlists
    from borderpost.unit_of_work import UnitOfWork

    _, factory = _factory()
    with UnitOfWork(factory, actor="system:cli") as uow:
        lists = list_watchlists(uow)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": w.name,
                        "kind": w.kind,
                        "version": w.version,
                        "source": w.source,
                        "imported_at": w.imported_at.isoformat() if w.imported_at else None,
                        "entries": w.entries,
                    }
                    for w in lists
                ]
            )
        )
        return
    table = Table("list", "kind", "version", "source", "imported", "entries")
    for w in lists:
        at = f"{w.imported_at:%Y-%m-%d %H:%M}" if w.imported_at else "-"
        table.add_row(w.name, w.kind, w.version or "-", w.source or "-", at, str(w.entries))
    console.print(table)


@screening_app.command("search")
def screening_search(
    name: str,
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY[-MM[-DD]]")] = None,
    nationality: Annotated[str | None, typer.Option(help="Country code")] = None,
    list_name: Annotated[str | None, typer.Option("--list", help="Only this list")] = None,
    limit: Annotated[int, typer.Option(help="How many hits")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """The best entries of the stored lists for NAME, with score and explanation."""
    from borderpost.errors import DomainError
    from borderpost.screening.review import search
    from borderpost.unit_of_work import UnitOfWork

    _, factory = _factory()
    try:
        with UnitOfWork(factory, actor="system:cli") as uow:
            results = search(
                uow,
                name,
                birth_date=birth_date,
                nationality=nationality,
                list_name=list_name,
                limit=limit,
            )
    except DomainError as exc:
        errors.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "list": r.list,
                        "entry": r.entry,
                        "score": r.score,
                        "match": r.score >= THRESHOLD,
                        "matched": r.matched,
                        "explanation": list(r.explanation),
                    }
                    for r in results
                ],
                ensure_ascii=False,
            )
        )
        return
    for r in results:
        verdict = "HIT" if r.score >= THRESHOLD else "   "
        console.print(f"{verdict} {r.score:.2f}  {r.list}/{r.entry}  {r.matched}", highlight=False)
        for line in r.explanation:
            console.print(f"      {line}", highlight=False)
