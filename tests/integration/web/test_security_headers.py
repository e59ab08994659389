"""Security headers on every answer: the Content-Security-Policy the templates keep to,
no framing, no sniffing, no caching of what carries personal data."""

from __future__ import annotations

import re
from importlib import resources

from tests.factories import make_post
from tests.integration.conftest import ClientFor, Factory, TokenFor
from tests.web_support import add_user, sign_in

from borderpost.unit_of_work import UnitOfWork

TEMPLATES = resources.files("borderpost") / "templates"


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_pages_and_json_carry_the_headers_and_are_not_stored(
    session_factory: Factory, client_for: ClientFor, token_for: TokenFor
) -> None:
    with UnitOfWork(session_factory) as uow:
        make_post(uow, "P-A")
        uow.commit()
    add_user(session_factory, "anna", "supervisor", ["P-A"])
    browser = client_for()
    sign_in(browser, "anna")
    page = browser.get("/posts/P-A")
    api = client_for(token_for("analyst")).get("/api/v1/me")
    login = client_for().get("/login")
    for response in (page, api, login):
        assert response.status_code == 200
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["cache-control"] == "no-store"
        policy = _directives(response.headers["content-security-policy"])
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
    static = browser.get("/static/borderpost.js")
    assert static.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in static.headers.get("cache-control", "")
    # Swagger UI starts with an inline script: its page alone allows one.
    docs = browser.get("/api/v1/docs")
    assert "'unsafe-inline'" in _directives(docs.headers["content-security-policy"])["script-src"]


def test_templates_keep_to_the_policy() -> None:
    """No inline script, no inline event handler, no javascript: link in any template."""
    found = []
    for template in _templates(TEMPLATES):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"javascript:"):
            found += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert found == []


def _templates(folder):  # type: ignore[no-untyped-def]
    for item in folder.iterdir():
        if item.is_dir():
            yield from _templates(item)
        elif item.name.endswith((".html", ".svg")):
            yield item
