"""``borderpost ledger follow|alerts`` and the ledgers in ``borderpost sync status``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.witnesses import free_port
from typer.testing import CliRunner

from borderpost.cli import app

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("BORDERPOST_HOME", str(home))
    monkeypatch.delenv("BORDERPOST_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return home


def test_a_post_that_does_not_answer_is_unreachable_in_every_view(home: Path) -> None:
    assert runner.invoke(app, ["ledger", "follow"]).exit_code == 2  # nothing to follow
    (home / "borderpost.toml").write_text(
        "[[ledger_follow]]\n"
        'post = "P-A"\n'
        f'url = "http://127.0.0.1:{free_port()}"\n'
        'vkey = "borderpost/P-A+00000000+AQ=="\n'
    )
    result = runner.invoke(app, ["ledger", "follow"])
    assert result.exit_code == 0, result.output
    assert "ledger P-A: unreachable, checked up to 0" in result.output

    status = runner.invoke(app, ["sync", "status"])
    assert status.exit_code == 0, status.output
    assert "ledger P-A: unreachable, checked up to 0 at 2026-11-28" in status.output
    shown = json.loads(runner.invoke(app, ["sync", "status", "--json"]).output)
    assert shown["ledgers"][0]["post"] == "P-A"
    assert shown["ledgers"][0]["alerts"] == 0

    alerts = runner.invoke(app, ["ledger", "alerts"])
    assert (alerts.exit_code, alerts.output.strip()) == (0, "no alert")
