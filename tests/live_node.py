"""A node served by a real uvicorn on 127.0.0.1 over a SQLite file in a tmp home.

``ledger_home`` is a home folder whose logs are closed after the test. The fixtures
``node_home`` (the environment the commands read their settings from) and
``node_server`` (the URL of post P-A's log) for tests that run commands against a served log.
The socket is bound by the test, so there is no waiting for a port.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.ledger import services


@pytest.fixture
def ledger_home(tmp_path: Path) -> Iterator[Path]:
    """A node's home folder for tests that build an app on it; its logs closed afterwards."""
    path = tmp_path / "home"
    path.mkdir()
    yield path
    services.close_logs(path)


@pytest.fixture
def node_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "home"
    monkeypatch.setenv("BORDERPOST_HOME", str(path))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", f"sqlite:///{path / 'bp.db'}")
    monkeypatch.setenv("BORDERPOST_NODE_POST", "P-A")
    monkeypatch.setenv("BORDERPOST_SECRET_KEY", "live-node-test")
    yield path
    services.close_logs(path)


@pytest.fixture
def node_server(node_home: Path) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(Settings()), log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/ledger/P-A/"
    uv.should_exit = True
    thread.join()
    sock.close()
