"""``borderpost cargo check`` and ``borderpost rules check``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from borderpost import clock
from borderpost.cargo.rules.declaration import DeclarationError, parse_consignment
from borderpost.cargo.rules.loading import load_default_ruleset, load_ruleset
from borderpost.cargo.rules.ruleset import RuleSetError
from borderpost.cargo.rules.selectivity import evaluate
from borderpost.cargo.services import ruleset_for
from borderpost.config import Settings

cargo_app = typer.Typer(help="Cargo declarations against the rule set in force.")
rules_app = typer.Typer(help="Cargo rule sets.")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
LANE_COLOUR_STYLE = {"green": "green", "yellow": "yellow", "red": "red"}


@cargo_app.command("check")
def cargo_check(
    file: Path,
    post: Annotated[str | None, typer.Option(help="Post code: its rule set applies")] = None,
    category: Annotated[str, typer.Option(help="Category of the crossing")] = "commercial",
    organisation_type: Annotated[
        str | None, typer.Option(help="Verified type of the operating organisation")
    ] = None,
    direction: Annotated[str, typer.Option(help="in or out")] = "in",
    on: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date (default today)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON")] = False,
) -> None:
    """Evaluate a declared consignment (JSON) and print its lane with every reason."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        consignment = parse_consignment(data)
        ruleset = ruleset_for(Settings().home, post)
        assessment = evaluate(
            consignment,
            ruleset,
            category=category,
            organisation_type=organisation_type,
            direction=direction,
            on=(on or clock.now()).date(),
        )
    except (OSError, json.JSONDecodeError) as exc:
        errors.print(f"[red]cannot read {file}:[/] {exc}")
        raise typer.Exit(2) from exc
    except (DeclarationError, RuleSetError, ValueError) as exc:
        errors.print(f"[red]{file}:[/] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        print(json.dumps(assessment.to_dict(), indent=2, ensure_ascii=False))
        return
    result = assessment.to_dict()
    lane_colour = result["lane"]
    refused = " (refused)" if result.get("refused") else ""
    style = LANE_COLOUR_STYLE.get(lane_colour, "bold")
    console.print(f"lane: [{style}]{lane_colour}[/]{refused}")
    for rule in result["rules"]:
        console.print(f"  rule {rule['id']} ({rule['effect']}): {rule['legal_basis']}")
    for item in result["items"]:
        console.print(f"  item {item.get('index')}: {item.get('hs_code')} -> {item['outcome']}")


@rules_app.command("check")
def rules_check(
    file: Path,
    base: Annotated[
        Path | None, typer.Option(help="Network rule set this post file overrides")
    ] = None,
) -> None:
    """Validate a rule set file; every mistake is reported with its line, rule and field."""
    try:
        parent = load_ruleset(base) if base else None
        if parent is None and not _is_network_file(file):
            parent = load_default_ruleset()
        ruleset = load_ruleset(file, base=parent)
    except RuleSetError as exc:
        errors.print(str(exc))
        raise typer.Exit(1) from exc
    except OSError as exc:
        errors.print(f"[red]cannot read {file}:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"{file}: {len(ruleset.rules)} rules in force, valid")


def _is_network_file(path: Path) -> bool:
    """A file with a ``network`` key in its [ruleset] table stands alone."""
    import tomllib

    try:
        with path.open("rb") as handle:
            return "network" in tomllib.load(handle).get("ruleset", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
