"""borderpost cargo check and borderpost rules check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderpost.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path))
    return tmp_path


def _consignment(tmp_path: Path, hs_code: str, description: str, **extra: object) -> Path:
    data = {
        "carrier": {"name": "Mountain Freight"},
        "consignor": {"name": "Sender"},
        "consignee": {"name": "Receiver"},
        "items": [
            {
                "hs_code": hs_code,
                "description": description,
                "quantity": 1,
                "unit": "kg",
                "gross_kg": 10,
                "net_kg": 9,
                "value": 100,
                "currency": "USD",
                "origin": "GEO",
            }
        ],
        **extra,
    }
    path = tmp_path / "consignment.json"
    path.write_text(json.dumps(data))
    return path


def test_gold_concentrate_going_out_is_red_with_its_legal_basis(tmp_path: Path) -> None:
    path = _consignment(tmp_path, "2616.90", "gold concentrate")
    result = runner.invoke(app, ["cargo", "check", str(path), "--direction", "out", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["lane"] == "red"
    assert any("ores" in rule["legal_basis"] for rule in body["rules"])
    assert all({"id", "effect", "legal_basis"} <= rule.keys() for rule in body["rules"])
    assert body["items"][0]["outcome"]


def test_a_declared_mine_is_refused(tmp_path: Path) -> None:
    path = _consignment(tmp_path, "9306.90", "anti-personnel mine")
    result = runner.invoke(app, ["cargo", "check", str(path), "--json"])
    body = json.loads(result.output)
    assert body["lane"] == "red"
    assert body["refused"] is True


def test_humanitarian_medical_supplies_go_green(tmp_path: Path) -> None:
    path = _consignment(
        tmp_path,
        "3004.90",
        "antibiotics",
        humanitarian=True,
        sending_organisation={"code": "AID", "type": "humanitarian"},
    )
    result = runner.invoke(
        app,
        [
            "cargo",
            "check",
            str(path),
            "--category",
            "humanitarian",
            "--organisation-type",
            "humanitarian",
            "--json",
        ],
    )
    assert json.loads(result.output)["lane"] == "green", result.output


def test_an_unknown_hs_code_is_named(tmp_path: Path) -> None:
    path = _consignment(tmp_path, "999999", "something")
    result = runner.invoke(app, ["cargo", "check", str(path)])
    assert result.exit_code == 1
    assert "items[0].hs_code" in result.output
    assert "999999" in result.output


def test_a_rule_file_with_a_mistake_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[ruleset]\nid = "x"\nversion = "1"\neffective_from = 2025-01-01\n'
        'network = "n"\n\n[[rule]]\nid = "A"\neffect = "forbid"\nhs = ["93"]\n'
        'legal_basis = "x"\n'
    )
    result = runner.invoke(app, ["rules", "check", str(path)])
    assert result.exit_code == 1
    assert "bad.toml:9: rule[0] A: effect: unknown effect 'forbid'" in result.output


def test_a_post_keeps_its_rule_set_when_a_new_file_is_broken(home: Path) -> None:
    from borderpost.cargo.services import ruleset_for

    rules = home / "rules"
    rules.mkdir()
    good = (
        '[ruleset]\nid = "n"\nversion = "1"\neffective_from = 2025-01-01\nnetwork = "n"\n\n'
        '[[rule]]\nid = "A"\neffect = "inspect"\nhs = ["93"]\nlegal_basis = "section 1"\n'
    )
    (rules / "network.toml").write_text(good)
    first = ruleset_for(home, "P1")
    (rules / "network.toml").write_text(good.replace('"inspect"', '"forbid"') + "\n# changed\n")
    assert ruleset_for(home, "P1") is first
