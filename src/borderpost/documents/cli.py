"""``borderpost document check``: read and check an MRZ typed, pasted or scanned."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from borderpost.documents.mrz import parse_mrz

document_app = typer.Typer(help="Travel documents (ICAO 9303 MRZ).", no_args_is_help=True)
console = Console(soft_wrap=True, highlight=False)

FIELDS = (
    "format",
    "document_type",
    "issuer",
    "document_number",
    "surname",
    "given_names",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "optional_data",
)


@document_app.command("check")
def document_check(
    lines: Annotated[list[str], typer.Argument(help="The MRZ lines (quote each one)")],
    on: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Crossing date for expiry and age (today)"),
    ] = None,
    repair: Annotated[
        bool, typer.Option(help="Undo OCR look-alikes the check digits prove")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Print the fields, whether the document is valid, and every problem by field."""
    result = parse_mrz(lines, on=on.date() if on else None, repair=repair)
    data = result.to_dict()
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for name in FIELDS:
            console.print(f"{name:16} {data.get(name) or ''}")
        console.print(f"{'valid':16} {'yes' if data['valid'] else 'NO'}")
        for problem in result.problems:
            console.print(f"problem  {problem.field}: {problem.message}")
        for flag in result.flags:
            console.print(f"flag     {flag.field}: {flag.message}")
        for fix in result.repairs:
            console.print(f"repaired {fix.field}: {fix.before} -> {fix.after}")
    if not result.valid:
        raise typer.Exit(1)
