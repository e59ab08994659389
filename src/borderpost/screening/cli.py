"""``borderpost screening compare``: the matcher's verdict on name pairs, measured from outside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from borderpost.screening.scoring import THRESHOLD, compare_names

screening_app = typer.Typer(help="Screening against watchlists.", no_args_is_help=True)


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
