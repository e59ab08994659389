"""Factories for the cargo tests: declared JSON built fresh for every test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.cargo_factories import goods

from borderpost.cargo.rules import RuleSet, load_default_ruleset

ItemFactory = Callable[..., dict[str, Any]]
ConsignmentFactory = Callable[..., dict[str, Any]]


def _item(
    hs_code: str = "8471.30", description: str = "laptop computers", **fields: Any
) -> dict[str, Any]:
    return goods(hs_code, description, **fields)


def _consignment(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "C-0001",
        "carrier": {"name": "Mountain Freight", "country": "GEO"},
        "consignor": {"name": "Sender Ltd"},
        "consignee": {"name": "Receiver LLC", "address": "1 Main Street"},
        "seals": ["S-1001"],
        "items": list(items) or [_item()],
    }
    data.update(fields)
    return data


@pytest.fixture
def item() -> ItemFactory:
    """``item(hs_code, description, **overrides)`` -> one goods item as declared JSON."""
    return _item


@pytest.fixture
def consignment() -> ConsignmentFactory:
    """``consignment(*items, **overrides)`` -> a declared consignment as JSON."""
    return _consignment


@pytest.fixture
def default_rules() -> RuleSet:
    """The shipped default rule set (immutable, so sharing the loaded object is safe)."""
    return load_default_ruleset()


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write_rules(name, text)`` -> path of a rule file in the test's own folder."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
