"""The access log of a real server keeps paths and drops query strings (personal data).

uvicorn serves the app on a free port with the logging configuration ``borderpost serve``
uses; the requests carry a name, a birth date and a plate in their query strings, and none of
them may reach the log.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker
from tests.integration.conftest import TokenFor

from borderpost.accesslog import DropQueryString, log_config
from borderpost.app import create_app
from borderpost.config import Settings

Factory = sessionmaker[Session]
SECRETS = ("ZZPETROSYAN", "1980-01-01", "ZZ777PLATE")
START_SECONDS = 30.0  # a ceiling, not a timing


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(session_factory: Factory, home: Path) -> Iterator[str]:
    settings = Settings(database_url="sqlite://", secret_key="t", home=home)
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, session_factory=session_factory),
        host="127.0.0.1",
        port=port,
        log_level="info",
        log_config=log_config(),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(int(START_SECONDS * 20)):
        if server.started:
            started.set()
            break
        if not thread.is_alive():
            break
        started.wait(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(START_SECONDS)


def _call(url: str, token: str, body: dict[str, str] | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - ours
    try:
        with urllib.request.urlopen(request, timeout=START_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_no_query_value_reaches_the_access_log(
    served: str, token_for: TokenFor, caplog: pytest.LogCaptureFixture
) -> None:
    token = token_for("supervisor")
    name, birth, plate = SECRETS
    search = f"{served}/api/v1/screening/search"
    assert _call(f"{search}?name={name}&birth_date={birth}", token) == 410
    assert _call(search, token, {"name": name, "birth_date": birth}) == 200
    assert _call(f"{served}/api/v1/crossings?plate={plate}&post=P-X", token) in {200, 404, 422}
    log = "\n".join(r.getMessage() for r in caplog.records if r.name == "uvicorn.access")
    assert '"GET /api/v1/screening/search HTTP/1.1" 410' in log
    assert '"POST /api/v1/screening/search HTTP/1.1" 200' in log
    assert '"GET /api/v1/crossings HTTP/1.1"' in log
    for secret in SECRETS:
        assert secret not in log


def test_the_app_installs_the_filter_however_it_is_served() -> None:
    access = logging.getLogger("uvicorn.access")
    for found in [f for f in access.filters if isinstance(f, DropQueryString)]:
        access.removeFilter(found)
    create_app(Settings(database_url="sqlite://", secret_key="t"))
    assert any(isinstance(f, DropQueryString) for f in access.filters)
