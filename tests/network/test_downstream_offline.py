"""A post whose link is down keeps what it runs, says so, and catches up by itself when the
link is back: a nats-server of this test's own, stopped and started again on its store."""

from __future__ import annotations

import contextlib
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.factories import make_post
from tests.network.downstream_support import Factory, Network, wait_until
from tests.network.test_downstream_lists import ALIYEV, crowd, import_at

from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.accounts.services import add_user
from borderpost.network.model import NetworkVersion
from borderpost.network.running import follower
from borderpost.network.signing import network_signer
from borderpost.unit_of_work import UnitOfWork


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(port: int, store: Path) -> Iterator[None]:
    proc = subprocess.Popen(
        ["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def up() -> bool:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                return True
            return False

        wait_until(up, ceiling=20)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_post_offline_keeps_working_and_catches_up_by_itself(
    session_factory: Factory, tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, store = _free_port(), tmp_path / "nats"
    url = f"nats://127.0.0.1:{port}"
    monkeypatch.setattr("tests.network.downstream_support.NATS_URL", url)
    hq_home = tmp_path / "hq"
    hq_home.mkdir()
    with UnitOfWork(session_factory, actor="admin") as uow:
        make_post(uow, "P-A")
        uow.commit()
    network = Network(
        session_factory,
        hq_home,
        "BPOFFLINE",
        network_signer(hq_home),
        tmp_path,
        sqlite_template,
    )
    post = network.add_post("P-A")
    _, home = network.posts["P-A"]
    loop = follower(post, home, network.enrolment("P-A"), interval=0.1)
    with _server(port, store):
        import_at(network.hq, *crowd(100))
        network.publish()
        loop.start()
        try:
            wait_until(lambda: _version(post, "list:wanted") == 1)
        except BaseException:
            loop.stop()
            raise
    try:
        # The link is down: the post keeps what it runs and its state says why.
        wait_until(lambda: loop.state.state == "backing_off")
        assert loop.state.last_error
        assert _version(post, "list:wanted") == 1
        with _server(port, store):
            for n in range(3):  # three versions while the post cannot reach the server
                import_at(network.hq, *crowd(100 + n), ALIYEV)
                with UnitOfWork(network.hq, actor="admin") as uow:
                    add_user(uow, UserCreate(name=f"officer.{n}", role=Role.OFFICER, posts=["P-A"]))
                    uow.commit()
                network.publish()
            # No manual step: the post's loop finds the server again (its back-off is capped).
            wait_until(lambda: _version(post, "list:wanted") == 4, ceiling=90)
            wait_until(lambda: _version(post, "users") == 4, ceiling=30)
    finally:
        loop.stop()


def _version(factory: Factory, kind: str) -> int:
    with factory() as session:
        found = session.scalars(
            select(NetworkVersion.version).where(NetworkVersion.kind == kind)
        ).first()
        return int(found or 0)
