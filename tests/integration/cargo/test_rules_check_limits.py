"""The rule set check is open to observers, so what it parses is bounded and every bound is
answered as a problem naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.cargo.rules.limits import MAX_CHARACTERS, MAX_ITEMS, MAX_RULES

HEAD = '[ruleset]\nid = "n"\nversion = "1"\neffective_from = 2025-01-01\nnetwork = "n"\n\n'


def _rule(index: int, **extra: str) -> str:
    fields = {"title": '"t"', "effect": '"inspect"', "hs": '["93"]', "legal_basis": '"b"'}
    body = "\n".join(f"{k} = {v}" for k, v in {**fields, **extra}.items())
    return f'[[rule]]\nid = "R-{index}"\n{body}\n\n'


@pytest.fixture
def observer(client_for: ClientFor, token_for: TokenFor) -> TestClient:
    return client_for(token_for("observer"))


def _check(client: TestClient, toml: str) -> Any:
    return client.post("/api/v1/rules/check", json={"toml": toml})


def test_deep_nesting_is_a_problem_not_a_500(observer: TestClient) -> None:
    response = _check(observer, HEAD + "a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert "nested too deeply" in error["message"]


def test_too_long_a_text_is_refused_naming_the_field(observer: TestClient) -> None:
    response = _check(observer, "#" * (MAX_CHARACTERS + 1))
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["field"] == "toml"
    assert f"{MAX_CHARACTERS}" in problem["reason"]


def test_too_many_rules(observer: TestClient) -> None:
    text = HEAD + "".join(_rule(i) for i in range(MAX_RULES + 1))
    result = _check(observer, text).json()
    assert result["ok"] is False
    [error] = result["errors"]
    assert error["field"] == "rule"
    assert f"a rule set may have {MAX_RULES:,}" in error["message"]
    at_most = _check(observer, HEAD + "".join(_rule(i) for i in range(MAX_RULES))).json()
    assert at_most["ok"] is True, at_most["errors"][:3]


def test_too_many_values_in_one_list(observer: TestClient) -> None:
    words = ", ".join(f'"word{k}"' for k in range(MAX_ITEMS + 1))
    result = _check(observer, HEAD + _rule(1, keywords=f"[{words}]")).json()
    [error] = result["errors"]
    assert (error["field"], error["rule"], error["line"]) == ("keywords", "R-1", 13)
    assert f"a list may have {MAX_ITEMS}" in error["message"]
