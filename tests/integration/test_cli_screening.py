"""borderpost screening compare, as the matcher's quality is measured from outside."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from borderpost.cli import app

runner = CliRunner()


def test_cross_script_pairs_get_a_score_and_a_verdict(tmp_path: Path) -> None:
    pairs = [
        {"a": "Əliyev Rəşad", "b": "Алиев Рашад"},
        {"a": "HUSEYNOV<<ELVIN", "b": "Гусейнов Эльвин"},
        {"a": "Petrosyan Armen", "b": "Mammadova Leyla"},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in pairs) + "\n")
    result = runner.invoke(app, ["screening", "compare", "--pairs", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["match"] for line in lines] == [True, True, False]
    assert all(0 <= line["score"] <= 1 for line in lines)


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": "X"}\n')
    result = runner.invoke(app, ["screening", "compare", "--pairs", str(path)])
    assert result.exit_code == 1
    assert "line 1" in result.output
