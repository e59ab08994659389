"""What the downstream tests share: headquarters (SQLite or PostgreSQL) and posts (SQLite, as a
post runs) on a real NATS JetStream server, each network on buckets of its own.

Import the fixtures by name in a test module. NATS: BORDERPOST_TEST_NATS_URL (a server of
your own, started with -js).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats
import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import make_organisation, make_post

from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.accounts.services import add_user
from borderpost.db import make_engine
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.network import buckets
from borderpost.network.enrolment import Enrolment
from borderpost.network.following import follow_once
from borderpost.network.records import FollowReport
from borderpost.network.running import publish_all
from borderpost.network.signing import network_signer
from borderpost.sync import link
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
NATS_URL = os.environ.get("BORDERPOST_TEST_NATS_URL", "nats://127.0.0.1:4222")


async def _drop(stream: str) -> None:
    nc = await nats.connect(NATS_URL)
    js = nc.jetstream()
    try:
        for name in (
            stream,
            f"KV_{buckets.kv_name(stream)}",
            f"OBJ_{buckets.objects_name(stream)}",
        ):
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await js.delete_stream(name)
    finally:
        await nc.close()


@pytest.fixture
def stream() -> Iterator[str]:
    name = f"BPDOWN_{uuid.uuid4().hex[:10].upper()}"
    try:
        asyncio.run(_drop(name))
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"NATS JetStream is required at {NATS_URL} and does not answer: {exc}")
    yield name
    asyncio.run(_drop(name))


def wait_until(check: Callable[[], Any], ceiling: float = 30.0) -> Any:
    """Poll ``check`` until it returns something true; fail after ``ceiling`` seconds."""
    deadline = time.monotonic() + ceiling
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            pytest.fail(f"not within {ceiling} s: {check}")
        time.sleep(0.05)


@dataclass
class Network:
    """Headquarters and its posts, each with a home folder; publish and follow by hand."""

    hq: Factory
    hq_home: Path
    stream: str
    signer: Ed25519Signer
    tmp: Path
    template: Path
    posts: dict[str, tuple[Factory, Path]] = field(default_factory=dict)

    def add_post(self, code: str) -> Factory:
        """A new post node (an empty database) joined to the network as ``code``."""
        home = self.tmp / f"post-{code}"
        home.mkdir()
        path = home / "borderpost.db"
        shutil.copy(self.template, path)
        factory = sessionmaker(bind=make_engine(f"sqlite:///{path}"), expire_on_commit=False)
        self.posts[code] = (factory, home)
        return factory

    def enrolment(self, code: str) -> Enrolment:
        return Enrolment(code, NATS_URL, self.stream, self.signer.vkey())

    def publish(self) -> list[str]:
        async def run() -> list[str]:
            async with link.jetstream(NATS_URL, self.stream) as js:
                return await publish_all(self.hq, self.hq_home, js, self.stream, self.signer)

        return asyncio.run(run())

    def follow(self, code: str) -> FollowReport:
        factory, home = self.posts[code]

        async def run() -> FollowReport:
            async with link.jetstream(NATS_URL, self.stream) as js:
                return await follow_once(factory, home, self.enrolment(code), js)

        return asyncio.run(run())


@pytest.fixture
def network(
    session_factory: Factory, stream: str, tmp_path: Path, sqlite_template: Path
) -> Network:
    """Headquarters with posts P-A and P-B, an organisation, a network-wide admin."""
    hq_home = tmp_path / "hq"
    hq_home.mkdir()
    with UnitOfWork(session_factory, actor="admin") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        make_organisation(uow, "AID")
        add_user(uow, UserCreate(name="chief", role=Role.ADMIN, network=True, password=None))
        uow.commit()
    signer = network_signer(hq_home)
    return Network(session_factory, hq_home, stream, signer, tmp_path, sqlite_template)


def user(factory: Factory, name: str, role: Role, posts: list[str]) -> None:
    with UnitOfWork(factory, actor="admin") as uow:
        add_user(uow, UserCreate(name=name, role=role, posts=posts))
        uow.commit()
