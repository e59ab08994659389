"""``borderpost document check``: read and check an MRZ typed, pasted or scanned."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from borderpost.documents.mrz.parser import parse_mrz

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


@document_app.command("read")
def document_read(
    image: Annotated[Path, typer.Argument(help="A photo or scan of the page with the MRZ")],
    on: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Crossing date for expiry and age (today)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Find and read the MRZ of IMAGE, then check it as `document check --repair` does."""
    # Imported here: the OCR extra (pytesseract, Pillow) is optional, `check` works without.
    from borderpost.documents.ocr import OcrUnavailable, read_image

    if not image.is_file():
        console.print(f"image: {image} is not a file")
        raise typer.Exit(2)
    try:
        found = read_image(image)
    except OcrUnavailable as exc:
        console.print(f"image: {exc}")
        raise typer.Exit(2) from exc
    except OSError as exc:  # Pillow cannot open it: not an image, or a damaged one
        console.print(f"image: {image} cannot be read as an image ({exc})")
        raise typer.Exit(2) from exc
    if found is None:
        console.print(f"image: no MRZ found in {image}")
        raise typer.Exit(1)
    # A reader's text: look-alike characters are repaired where the check digits prove it.
    result = parse_mrz(found.lines, on=on.date() if on else None, repair=True)
    data = {**result.to_dict(), "found": found.to_dict()}
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        console.print(f"{'found':16} box {found.box}, turned {found.angle} degrees")
        for line in found.lines:
            console.print(f"{'read':16} {line}")
        for name in FIELDS:
            console.print(f"{name:16} {data.get(name) or ''}")
        console.print(f"{'valid':16} {'yes' if result.valid else 'NO'}")
        for problem in result.problems:
            console.print(f"problem  {problem.field}: {problem.message}")
        for flag in result.flags:
            console.print(f"flag     {flag.field}: {flag.message}")
        for fix in result.repairs:
            console.print(f"repaired {fix.field}: {fix.before} -> {fix.after}")
    if not result.valid:
        raise typer.Exit(1)
